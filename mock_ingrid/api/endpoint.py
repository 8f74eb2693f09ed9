"""The plumbing every handler shares: auth, error rendering (bodies: ``api/body.py``)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.errors import ApiError
from mock_ingrid.domain.errors import DomainError, Problem
from mock_ingrid.domain.merchant import MAX_API_KEY_LENGTH, Merchant
from mock_ingrid.jsonio import dumps
from mock_ingrid.runtime import Runtime

JSON_TYPE = "application/json"
_KEY = b"x-api-key"


class ErrorRenderer(Protocol):
    def api_error(self, request: Request, error: ApiError) -> Response: ...

    def domain_error(self, request: Request, error: DomainError) -> Response: ...


Handler = Callable[[Request, Merchant], Awaitable[Response]]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``data`` rendered by ``jsonio.dumps`` (amounts as JSON numbers from their
    ``Decimal``, instants in UTC with ``Z``), as a plain ``Response`` of those bytes:
    what Starlette's ``JSONResponse`` does, without its subclass's extra render step."""
    return Response(dumps(data), status, headers, JSON_TYPE)


def runtime_of(request: Request) -> Runtime:
    """The runtime of the app serving ``request``."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def authenticate(request: Request, runtime: Runtime | None = None) -> Merchant:
    """The merchant of the call's ``x-api-key``; ``runtime.state.release`` it when done."""
    runtime = runtime or runtime_of(request)
    # Read from the ASGI scope's header list (names come lowercased): what
    # ``request.headers.getlist`` returns, without building a ``Headers`` for a GET
    # that reads no other header.
    values = [value.decode("latin-1") for name, value in request.scope["headers"] if name == _KEY]
    if not values:
        raise ApiError(401, "UNAUTHORIZED", "the x-api-key header is missing")
    if len(values) > 1:
        raise ApiError(401, "UNAUTHORIZED", "send the x-api-key header once")
    key = values[0].strip()
    if not key:
        raise ApiError(401, "UNAUTHORIZED", "the x-api-key header is empty")
    if len(key) > MAX_API_KEY_LENGTH:
        raise ApiError(
            401, "UNAUTHORIZED", f"the API key is longer than {MAX_API_KEY_LENGTH} characters"
        )
    allowed = runtime.settings.api_keys
    if allowed and key not in allowed:
        raise ApiError(401, "UNAUTHORIZED", "the API key is not known to this server")
    # A new key's merchant joins the state only if the call writes something for it:
    # the caller hands it back with ``state.release``.
    return runtime.state.acting(key)


def api_endpoint(
    renderer: ErrorRenderer,
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a ``handler(request, merchant)``: authenticate, and render every error."""

    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            runtime = runtime_of(request)
            try:
                merchant = authenticate(request, runtime)
                try:
                    return await handler(request, merchant)
                finally:
                    runtime.state.release(merchant)
            except ApiError as error:
                return renderer.api_error(request, error)
            except DomainError as error:
                return renderer.domain_error(request, error)
            finally:
                # "immediate" progression steps run once the request's own change is done
                # (with no timer pending there is nothing to run).
                if runtime.timers:
                    runtime.run_due()

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return decorate


_IDENTIFIER = re.compile(r"[^\x00-\x1f/]{1,255}")


def path_identifier(request: Request, name: str) -> str:
    """A merchant-chosen id taken from the path, held to the same rule as in bodies."""
    value: str = request.path_params[name]
    if not _IDENTIFIER.fullmatch(value):
        message = "an id is 1 to 255 characters, without control characters or '/'"
        raise ApiError(
            400,
            "INVALID_PARAMETER",
            f"path parameter '{name}': {message}",
            [Problem(name, "INVALID_FORMAT", message, location="path")],
        )
    return value
