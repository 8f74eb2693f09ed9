"""One route per path with a handler per method, so a 405 names every allowed method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Endpoint) -> Route:
    by_method = {method.upper(): handler for method, handler in handlers.items()}

    async def dispatch(request: Request) -> Response:
        return await by_method[request.method](request)

    if len(by_method) == 1:
        (handler,) = by_method.values()
        return Route(path, handler, methods=list(by_method), name=handler.__name__)
    name = "_".join(handler.__name__ for handler in by_method.values())
    return Route(path, dispatch, methods=list(by_method), name=name)
