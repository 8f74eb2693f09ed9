"""How a browser carries ``--admin-token``: a cookie set by the sign-in form.

A page load cannot send ``x-mock-admin-token``, so with a token set, a page asked for
without it is answered with a sign-in form (``sign_in_html``, status 401). The form
posts the token as JSON to ``/_mock/ui/session``, which checks it and sets an
``HttpOnly``, ``SameSite=Strict`` cookie scoped to ``/_mock``. The cookie holds an
HMAC of the token, not the token: reading it (a proxy log, a shared profile) does not
give the token that scripts send. Writes still pass the same-origin checks of
``control/guard.py``: the cookie adds no way for another site to drive ``/_mock``.

The control middleware uses the checks here, so this module imports nothing of the
HTTP layer; the two handlers are in ``routes.py``.
"""

from __future__ import annotations

import hashlib
import hmac

from mock_ingrid.ui.layout import ASSETS, PAGE_HEADERS, render

COOKIE = "mock_ingrid_ui"
SESSION_PATH = "/_mock/ui/session"
_KEY = b"mock-ingrid ui session"


def cookie_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), _KEY, hashlib.sha256).hexdigest()


def cookie_carries(headers: list[tuple[bytes, bytes]], token: str) -> bool:
    """Whether a ``Cookie`` header holds the session cookie of ``token``."""
    expected = cookie_value(token).encode("ascii")
    for name, value in headers:
        if name != b"cookie":
            continue
        for pair in value.split(b";"):
            key, _, offered = pair.strip().partition(b"=")
            if key == COOKIE.encode("ascii") and hmac.compare_digest(offered.strip(), expected):
                return True
    return False


def exempt(method: str, path: str) -> bool:
    """What needs no token: the assets (no secret in them, and the sign-in form uses
    them) and signing in itself."""
    return path.startswith(ASSETS + "/") or (path == SESSION_PATH and method == "POST")


def wants_page(headers: list[tuple[bytes, bytes]]) -> bool:
    """A browser navigating (``Accept: text/html``), not a script or a fetch of JSON."""
    return any(name == b"accept" and b"text/html" in value for name, value in headers)


def sign_in_html() -> bytes:
    form = (
        '<form id="sign-in" class="card">'
        "<p>This server was started with <code>--admin-token</code>. "
        "Enter it to open the pages of <code>/_mock</code>.</p>"
        '<label for="token">Admin token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required>'
        '<button type="submit">Sign in</button></form>'
    )
    return render("Sign in", form, scripts=("sign-in.js",)).encode("utf-8")


SIGN_IN_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    *((name.encode("latin-1"), value.encode("latin-1")) for name, value in PAGE_HEADERS.items()),
]
