"""``HandledErrors``: the app's answers to the errors it expects (a 404 or 405 from
routing, an ``ApiError``), in place of Starlette's ``ExceptionMiddleware``.

Starlette's wraps ``send`` in a closure for every request to know whether a response
has started, and builds a second wrapper around the app: about a tenth of what a
``GET /returns/{id}`` costs here. This app's endpoints build the whole response
before sending it, so an expected error is raised before anything is sent; an
error after that (none is raised) would make the server refuse the second start,
and ``ServerErrorMiddleware`` outside this one would see it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]
# Where Starlette's own endpoints (``request_response``) look for the handlers.
_STARLETTE_HANDLERS_KEY = "starlette.exception_handlers"


class HandledErrors:
    def __init__(self, app: ASGIApp, handlers: Mapping[type[Exception], ErrorHandler]) -> None:
        self.app = app
        self._handlers = dict(handlers)
        self._kinds = tuple(handlers)
        by_kind: dict[Any, ErrorHandler] = dict(handlers)
        self._for_starlette: tuple[dict[Any, ErrorHandler], dict[int, ErrorHandler]] = (by_kind, {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[_STARLETTE_HANDLERS_KEY] = self._for_starlette
        try:
            await self.app(scope, receive, send)
        except self._kinds as exc:
            response = await self._handler_of(exc)(Request(scope, receive), exc)
            await response(scope, receive, send)

    def _handler_of(self, exc: Exception) -> ErrorHandler:
        """The handler of the nearest class (as Starlette looks them up)."""
        for kind in type(exc).__mro__:
            handler = self._handlers.get(kind)
            if handler is not None:
                return handler
        raise AssertionError(f"no handler for {type(exc).__name__}")  # pragma: no cover
