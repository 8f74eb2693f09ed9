"""One route per path with a handler per method, so that a 405 names every allowed method.

Starlette's router stops at the first route whose path matches: with a route per
method, a wrong method on ``/products`` would be answered by the first route's
``Allow`` alone. ``resource("/products", get=list_products, post=upsert_product)``
is one ``Route`` with every method; Starlette adds HEAD wherever GET is allowed,
and HEAD is answered by the GET handler (the server sends no body).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Endpoint) -> Route:
    """``Route(path, ...)`` answering each method given (``get=``, ``post=``, ...)."""
    by_method = {method.upper(): handler for method, handler in handlers.items()}
    name = "_".join(handler.__name__ for handler in by_method.values())
    if len(by_method) == 1:
        (endpoint,) = by_method.values()
    else:
        endpoint = _dispatch(by_method, name)
    return Route(path, endpoint, methods=list(by_method), name=name)


def _dispatch(handlers: Mapping[str, Endpoint], name: str) -> Endpoint:
    """One endpoint for several methods (the route has checked the method)."""

    async def endpoint(request: Request) -> Response:
        method = request.method
        return await handlers["GET" if method == "HEAD" else method](request)

    endpoint.__name__ = endpoint.__qualname__ = name
    return endpoint
