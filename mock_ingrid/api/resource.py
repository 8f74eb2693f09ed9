"""One route per path with a handler per method, so a 405 names every allowed method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Endpoint) -> Route:
    by_method = {method.upper(): handler for method, handler in handlers.items()}
    if "GET" in by_method:  # Starlette also answers HEAD wherever GET is allowed
        by_method["HEAD"] = by_method["GET"]
    distinct = list(dict.fromkeys(by_method.values()))
    if len(distinct) == 1:
        return Route(path, distinct[0], methods=list(by_method), name=distinct[0].__name__)

    async def dispatch(request: Request) -> Response:
        return await by_method[request.method](request)

    return Route(
        path, dispatch, methods=list(by_method), name="_".join(h.__name__ for h in distinct)
    )
