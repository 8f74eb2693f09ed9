"""One route per path with a handler per method, so a 405 names every allowed method.

A handler is a function, or the text ``"package.module:name"`` of one: that module
is imported on the route's first request, not at start-up (the request bodies'
pydantic models and the handlers of rarely used operations cost more to import
than the rest of the app).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import import_module

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]
Target = Endpoint | str


class RouteEndpoint:
    """The ASGI app of a route: a ``Request``, the method's handler, its response.

    Starlette's ``request_response`` does the same inside a second copy of the
    exception layer (a wrapper and a ``send`` closure per request); here an
    exception goes on to the app's own layer, which has the same handlers. The
    route has checked the method before this runs.
    """

    __slots__ = ("__name__", "_handlers")

    def __init__(self, handlers: dict[str, Target], name: str) -> None:
        self._handlers = handlers
        self.__name__ = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self._handlers[scope["method"]]
        if isinstance(handler, str):
            handler = self._load(handler)
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)

    def load_all(self) -> None:
        """Import every handler still named only (what the first requests would do)."""
        for target in list(self._handlers.values()):
            if isinstance(target, str):
                self._load(target)

    def _load(self, target: str) -> Endpoint:
        module, _, name = target.partition(":")
        handler: Endpoint = getattr(import_module(module), name)
        for method, each in self._handlers.items():
            if each == target:
                self._handlers[method] = handler
        return handler


def _name(target: Target) -> str:
    return target.rpartition(":")[2] if isinstance(target, str) else target.__name__


def resource(path: str, **handlers: Target) -> Route:
    by_method = {method.upper(): handler for method, handler in handlers.items()}
    if "GET" in by_method:  # Starlette also answers HEAD wherever GET is allowed
        by_method["HEAD"] = by_method["GET"]
    name = "_".join(_name(target) for target in dict.fromkeys(by_method.values()))
    return Route(path, RouteEndpoint(by_method, name), methods=list(by_method), name=name)
