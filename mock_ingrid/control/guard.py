"""What ``/_mock`` refuses before any handler runs, so that a web page cannot drive it.

Any page a developer opens can make the browser send "simple" requests to their
machine: a form post, or a ``fetch`` without custom headers. The page cannot read
the answers (the server sends no CORS headers), but a ``POST /_mock/reset`` needs no
answer to do harm. So every ``/_mock`` call but ``GET`` and ``HEAD`` (which never
change state) is refused:

- with 403 ``CROSS_SITE_REQUEST`` when a browser says it comes from another origin:
  ``Sec-Fetch-Site`` other than ``same-origin`` or ``none`` (a page on another port
  of localhost is ``same-site``, still another origin), or an ``Origin`` that is not
  the server's own (the request's scheme and ``Host``, or ``--public-url``'s origin);
- with 415 ``UNSUPPORTED_MEDIA_TYPE`` when it carries a body type other than JSON
  (the types an HTML form sends: urlencoded, multipart, ``text/plain``).

Scripts and test suites send neither header, and JSON or no body: they keep working
with no setting. A page served by mock-ingrid itself is same-origin, so it can too.

The checks read the raw ASGI headers and import nothing of the HTTP layer, as the
middleware that calls them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from starlette.types import Scope

from mock_ingrid.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD"})
# What a browser sends for a request of the page's own origin, or one the user started
# (typed in the address bar, a bookmark): not another site's doing.
_OWN_FETCH_SITES = frozenset({b"same-origin", b"none"})
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
JSON_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class Refusal:
    """An answer in the current API's error shape, naming the header at fault."""

    status: int
    code: str
    message: str
    header: str

    def errors(self) -> list[dict[str, Any]]:
        return [
            {"location": "header", "path": self.header, "code": self.code, "message": self.message}
        ]


def refusal(scope: Scope, settings: Settings) -> Refusal | None:
    """Why this ``/_mock`` call is refused, or None to let it through."""
    if scope["method"] in SAFE_METHODS:
        return None
    origin = fetch_site = content_type = host = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value
        elif name == b"sec-fetch-site":
            fetch_site = value
        elif name == b"content-type":
            content_type = value
        elif name == b"host":
            host = value
    if fetch_site is not None and fetch_site.strip().lower() not in _OWN_FETCH_SITES:
        shown = fetch_site.decode("latin-1").strip()
        return _cross_site("sec-fetch-site", f"the browser marked it Sec-Fetch-Site: {shown}")
    if origin is not None:
        offered = origin.decode("latin-1").strip()
        own = own_origins(scope, host, settings.public_url)
        if _normal_origin(offered) not in own:
            return _cross_site(
                "origin", f"Origin: {offered} is not this server's origin ({', '.join(own)})"
            )
    if content_type is not None:
        media = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
        if media and media != JSON_TYPE and not media.endswith("+json"):
            return Refusal(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"/_mock takes JSON bodies (or none): send Content-Type: {JSON_TYPE}, "
                f"not '{media}' (with curl: -H 'content-type: application/json', "
                "or no -d for no body)",
                "content-type",
            )
    return None


def _cross_site(header: str, why: str) -> Refusal:
    return Refusal(
        403,
        "CROSS_SITE_REQUEST",
        f"refused: {why}. /_mock changes state only for scripts and test suites (no "
        "Origin header) and for pages of this server's own origin",
        header,
    )


def own_origins(scope: Scope, host: bytes | None, public_url: str | None) -> list[str]:
    """The origins this request may come from: the one it was sent to (scheme and
    ``Host``, else the address it reached) and ``--public-url``'s."""
    scheme: str = scope.get("scheme", "http")
    if host is not None:
        authority = host.decode("latin-1").strip()
    else:
        server = scope.get("server") or ("", None)
        name, port = server[0], server[1]
        name = f"[{name}]" if ":" in name else name
        authority = f"{name}:{port}" if port is not None else name
    origins = [_normal_origin(f"{scheme}://{authority}")]
    if public_url is not None:
        origins.append(public_origin(public_url))
    return origins


@lru_cache(maxsize=64)
def public_origin(url: str) -> str:
    parts = urlsplit(url)
    return _normal_origin(f"{parts.scheme}://{parts.netloc}")


def _normal_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, without the scheme's default port; what
    is not an origin (``null``, from a sandboxed frame or a file) stays as it is."""
    scheme, sep, authority = origin.lower().partition("://")
    if not sep:
        return origin.lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default is not None and authority.endswith(default):
        authority = authority[: -len(default)]
    return f"{scheme}://{authority}"


# -- exposure ---------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server to this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may name any interface
        return False


def exposure_warning(settings: Settings) -> str | None:
    """A warning when ``/_mock`` is open to whoever reaches the port, else None."""
    if settings.admin_token is not None or is_loopback(settings.host):
        return None
    return (
        f"bound to {settings.host} without --admin-token: anyone who reaches port "
        f"{settings.port} can drive /_mock (reset or replace the state, subscribe a URL "
        "and read its answers); start with --admin-token TOKEN (MOCK_INGRID_ADMIN_TOKEN)"
    )
