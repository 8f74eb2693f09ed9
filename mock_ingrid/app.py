"""``create_app(settings)``: one Starlette app, one state, both API generations."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.current.errors import ERRORS as CURRENT_ERRORS
from mock_ingrid.api.current.routes import ROUTES as CURRENT_ROUTES
from mock_ingrid.api.endpoint import ErrorRenderer
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.legacy.errors import ERRORS as LEGACY_ERRORS
from mock_ingrid.api.legacy.routes import ROUTES as LEGACY_ROUTES
from mock_ingrid.control.routes import ROUTES as CONTROL_ROUTES
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings

_STATUS_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _renderer_for(path: str) -> ErrorRenderer:
    if path == "/merchant" or path.startswith("/merchant/"):
        return LEGACY_ERRORS
    return CURRENT_ERRORS


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _STATUS_CODES.get(exc.status_code, "HTTP_ERROR")
    if exc.status_code == 404:
        message = f"no operation at {request.method} {request.url.path}"
    elif exc.status_code == 405:
        allowed = sorted((exc.headers or {}).get("Allow", "").split(", "))
        message = f"{request.method} is not allowed on {request.url.path}; use {', '.join(allowed)}"
        exc.headers = {"Allow": ", ".join(allowed)}
    else:
        message = str(exc.detail)
    error = ApiError(exc.status_code, code, message, headers=dict(exc.headers or {}))
    return _renderer_for(request.url.path).api_error(request, error)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _renderer_for(request.url.path).api_error(request, exc)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """Build the app. State is created here, eagerly: test clients may skip lifespan."""
    runtime = runtime or Runtime.build(settings or Settings())
    app = Starlette(
        routes=[*CONTROL_ROUTES, *LEGACY_ROUTES, *CURRENT_ROUTES],
        exception_handlers={HTTPException: _http_error, ApiError: _api_error},
    )
    app.state.runtime = runtime
    return app
