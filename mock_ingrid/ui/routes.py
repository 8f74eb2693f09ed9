"""The pages' routes: ``/`` (to the dashboard), the shipped assets, signing in.

The dashboard's and the portal's own pages add their routes here."""

from __future__ import annotations

import hmac
from functools import cache
from importlib import resources

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mock_ingrid.api.endpoint import runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.resource import resource
from mock_ingrid.api.types import WIRE_CONFIG
from mock_ingrid.control.common import read_control_body
from mock_ingrid.ui import dashboard, dashboard_data, live, portal, session
from mock_ingrid.ui.layout import ASSETS

DASHBOARD = "/_mock/ui"
_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@cache
def _asset(name: str) -> bytes | None:
    """An asset's bytes, read once; None for a name that is not a shipped asset."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    file = resources.files("mock_ingrid.ui").joinpath("assets", name)
    return file.read_bytes() if file.is_file() else None


async def asset(request: Request) -> Response:
    name: str = request.path_params["name"]
    suffix = name[name.rfind(".") :] if "." in name else ""
    content = _asset(name) if suffix in _TYPES else None
    if content is None:
        raise ApiError(404, "ASSET_NOT_FOUND", f"no asset '{name}' under {ASSETS}")
    # Assets change only with the package: a browser may keep them for an hour.
    return Response(content, media_type=_TYPES[suffix], headers={"cache-control": "max-age=3600"})


async def to_dashboard(request: Request) -> Response:
    """``/``: a browser pointed at the server lands on the dashboard."""
    return RedirectResponse(DASHBOARD, status_code=307)


class SessionBody(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}
    token: str


async def open_session(request: Request) -> Response:
    """``POST /_mock/ui/session`` with ``{"token": "..."}``: the cookie, or 401."""
    offered = (await read_control_body(request, SessionBody)).token
    token = runtime_of(request).settings.admin_token
    if token is None:
        return Response(status_code=204)  # nothing to sign in to: every page is open
    if not hmac.compare_digest(offered.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "UNAUTHORIZED", "the admin token is not valid")
    response = Response(status_code=204)
    response.set_cookie(
        session.COOKIE, session.cookie_value(token), path="/_mock", httponly=True, samesite="strict"
    )
    return response


async def close_session(request: Request) -> Response:
    """``DELETE /_mock/ui/session``: forget the cookie."""
    response = Response(status_code=204)
    response.delete_cookie(session.COOKIE, path="/_mock", httponly=True, samesite="strict")
    return response


ROUTES: list[Route] = [
    resource("/", get=to_dashboard),
    resource(f"{ASSETS}/{{name}}", get=asset),
    resource(session.SESSION_PATH, post=open_session, delete=close_session),
    resource(DASHBOARD, get=dashboard.dashboard),
    resource(f"{DASHBOARD}/returns/{{returnId}}", get=dashboard.return_page),
    resource(live.EVENTS_PATH, get=live.live_events),
    resource(f"{DASHBOARD}/data/returns", get=dashboard_data.dashboard_returns),
    resource(f"{DASHBOARD}/data/returns/{{returnId}}", get=dashboard_data.dashboard_return),
    resource(f"{DASHBOARD}/data/products", get=dashboard_data.dashboard_products),
    resource(f"{DASHBOARD}/data/orders", get=dashboard_data.dashboard_orders),
    # the customer portal
    resource(portal.PORTAL, get=portal.portal_page),
    resource(portal.STATUS_PAGE, get=portal.status_page),
    resource(portal.LOOKUP, get=portal.lookup_order),
    resource(portal.RETURN_STATUS, get=portal.return_status),
]
