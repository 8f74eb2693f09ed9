"""``page()``: the one HTML frame every page of the sandbox is rendered in."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

ASSETS = "/_mock/ui/assets"
# Pages are rebuilt by their scripts from the APIs: never cached, never framed.
PAGE_HEADERS = {
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "referrer-policy": "same-origin",
}


def page(
    title: str,
    main: str,
    *,
    scripts: tuple[str, ...] = (),
    nav: tuple[tuple[str, str], ...] = (),
    data: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """``render``'s page as a response, with ``PAGE_HEADERS``."""
    html = render(title, main, scripts=scripts, nav=nav, data=data)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def render(
    title: str,
    main: str,
    *,
    scripts: tuple[str, ...] = (),
    nav: tuple[tuple[str, str], ...] = (),
    data: dict[str, str] | None = None,
) -> str:
    """A whole page: ``main`` is trusted HTML (build it with ``escape``), ``scripts``
    are names under ``assets/`` loaded after the shared ``ui.js``, ``data`` becomes
    ``data-*`` attributes on ``<main>`` for the scripts to read."""
    links = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in nav)
    attributes = "".join(
        f' data-{escape(name)}="{escape(value)}"' for name, value in (data or {}).items()
    )
    tags = "".join(
        f'<script src="{ASSETS}/{escape(name)}" defer></script>' for name in ("ui.js", *scripts)
    )
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · mock-ingrid</title>"
        # An icon of its own: else the browser asks for /favicon.ico, a 404 in the journal.
        f'<link rel="icon" href="{ASSETS}/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{ASSETS}/ui.css">{tags}</head>'
        '<body><a class="skip" href="#main">Skip to content</a>'
        '<header class="top"><span class="brand">mock-ingrid</span>'
        f'<nav aria-label="Sections"><ul>{links}</ul></nav></header>'
        f'<main id="main" tabindex="-1"{attributes}><h1>{escape(title)}</h1>'
        '<div id="alerts" role="alert" aria-live="assertive"></div>'
        f"{main}</main></body></html>"
    )
