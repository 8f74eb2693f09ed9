"""``create_app(settings)``: one Starlette app, one state, both API generations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.current.errors import ERRORS as CURRENT_ERRORS
from mock_ingrid.api.current.routes import ROUTES as CURRENT_ROUTES
from mock_ingrid.api.endpoint import ErrorRenderer
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.legacy.errors import ERRORS as LEGACY_ERRORS
from mock_ingrid.api.legacy.routes import ROUTES as LEGACY_ROUTES
from mock_ingrid.api.router import IndexedRoutes
from mock_ingrid.control.middleware import ControlMiddleware
from mock_ingrid.control.routes import ROUTES as CONTROL_ROUTES
from mock_ingrid.feed import FeedWrites
from mock_ingrid.persistence import CountChanges
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.ui.routes import ROUTES as UI_ROUTES
from mock_ingrid.webhooks.dispatcher import load_client

logger = logging.getLogger("mock_ingrid")
TICK_SECONDS = 0.25
WARM_UP_SECONDS = 0.1
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


async def _internal_error(request: Request, exc: Exception) -> Response:
    """A bug in the emulator: still JSON, still the generation's error shape."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    error = ApiError(
        500, "INTERNAL_ERROR", f"mock-ingrid failed on {request.method} {request.url.path}: {exc!r}"
    )
    return _renderer_for(request.url.path).api_error(request, error)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _renderer_for(request.url.path).api_error(request, exc)


def _lifespan(runtime: Runtime) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Run the webhook dispatcher, the progression ticker and the state file's
    checkpoints while the server runs; save the state file at stop.
    Without a lifespan (an in-process test client) events still queue
    (``/_mock/webhooks/flush`` sends them) and timers run after each API request
    and when the clock is moved."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.feed.open()
        await runtime.webhooks.start()
        runtime.persistence.start()
        ticker = asyncio.create_task(_tick(runtime))
        warm_up = asyncio.create_task(_warm_up())
        try:
            yield
        except asyncio.CancelledError:
            # A forced exit (a third signal): uvicorn skipped the app's shutdown, and
            # the end of the event loop cancels this task with every other one. There
            # is nothing left to wait for (``cli.serve`` saves after serving), and a
            # cancellation let through would be logged as a failed shutdown.
            warm_up.cancel()
            ticker.cancel()
            runtime.feed.close()
            return
        runtime.feed.close()  # (a host that stops without ``shutdown.Server``)
        warm_up.cancel()
        ticker.cancel()
        await runtime.persistence.stop()
        await runtime.webhooks.stop(runtime.grace_left())
        runtime.persistence.save_at_stop()

    return lifespan


async def _warm_up() -> None:
    """Load the webhook client once the server is up (not at start-up, see
    ``webhooks.dispatcher``), in a worker thread. Importing aiohttp and loading the
    trust store take about 0.2 s: on the event loop they held every request for that
    long, just after the server said it was ready, when a test suite makes its first
    calls. One client's GETs in the first 2 s, 10,000 returns loaded: slowest 140 ms
    and p99 120 ms on the loop; slowest 8 to 11 ms and p99 4 ms with the thread."""
    await asyncio.sleep(WARM_UP_SECONDS)
    await asyncio.to_thread(load_client)


async def _tick(runtime: Runtime) -> None:
    """Run progression steps that fall due while wall time passes."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        runtime.run_due()


def _middleware(runtime: Runtime) -> list[Middleware]:
    stack = [
        Middleware(CountChanges, persistence=runtime.persistence),
        Middleware(FeedWrites, feed=runtime.feed),
        Middleware(ControlMiddleware, runtime=runtime, diagnostics=runtime.diagnostics),
    ]
    if runtime.settings.validate_responses:
        # Inside the control middleware: injected faults are not the emulator's answers.
        from mock_ingrid.response_check import ResponseCheck

        stack.append(Middleware(ResponseCheck))
    return stack


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """Build the app. State is created here, eagerly: test clients may skip lifespan."""
    runtime = runtime or Runtime.build(settings or Settings())
    app = Starlette(
        routes=[IndexedRoutes([*CURRENT_ROUTES, *LEGACY_ROUTES, *CONTROL_ROUTES, *UI_ROUTES])],
        exception_handlers={
            HTTPException: _http_error,
            ApiError: _api_error,
            Exception: _internal_error,
        },
        middleware=_middleware(runtime),
        lifespan=_lifespan(runtime),
    )
    app.state.runtime = runtime
    return app
