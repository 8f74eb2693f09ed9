"""A handle for tests: the emulator served in-process, a client, helpers, and a receiver.

Works without pytest::

    from mock_ingrid.testing import MockIngrid

    with MockIngrid() as ingrid:
        ingrid.client.post("/products", json={...})
        ingrid.advance_return("1", "RECEIVED")
        payload = ingrid.wait_for_webhook("RETURN_ARRIVED", returnId="1")

The server is uvicorn in a background thread with its own event loop, on a free
loopback port, with its lifespan on (so webhooks are delivered as in production).
The handle's built-in receiver is subscribed for the handle's merchant; it checks
every signature with :func:`mock_ingrid.webhooks.verify` and records the payloads.

:meth:`MockIngrid.reset` runs in this process, on the server's event loop (the
emulator is not thread-safe, and its loop also runs the webhook dispatcher and the
progression ticker): it does what ``POST /_mock/reset`` and ``POST
/_mock/webhooks/subscriptions`` did, without two HTTP round trips. The pytest plugin
resets before every test, so this is its per-test cost (``bench/plugin_reset.py``).
Every other helper is a ``/_mock`` call over HTTP.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_ingrid.clock import parse_instant
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.webhooks import WebhookVerificationError, generate_secret, verify

__all__ = ["DEFAULT_API_KEY", "MockIngrid", "MockIngridError", "ReceivedWebhook", "Webhooks"]

LOOPBACK = "127.0.0.1"
DEFAULT_API_KEY = "test-key"
POLL_INTERVAL = 0.01
START_TIMEOUT = 30.0
# How long work handed to the server's event loop may take (as the control client's timeout).
SERVER_CALL_TIMEOUT = 60.0
NOT_RUNNING = "the server is not running (use start() or a with block)"

T = TypeVar("T")

Json = dict[str, Any]
FixtureSource = str | Path | Mapping[str, Any]


class MockIngridError(Exception):
    """The server could not start, or a control call was refused (the answer is quoted)."""


def _deadline_poll(predicate: Callable[[], Any], timeout: float) -> Any:
    """Call ``predicate`` until it returns something truthy or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(POLL_INTERVAL)  # the polling interval, not a wait for state


# -- the built-in webhook receiver -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedWebhook:
    """One POST the receiver got: its payload (when the signature held) or why not."""

    headers: dict[str, str]
    body: bytes
    payload: Any
    error: str | None = None

    @property
    def type(self) -> str:
        if isinstance(self.payload, dict):
            return str(self.payload.get("type", "?"))
        return "?"

    def describe(self) -> str:
        if self.error is not None:
            return f"a rejected webhook ({self.error})"
        return_id = self.payload.get("returnId") if isinstance(self.payload, dict) else None
        return self.type + (f" (return {return_id})" if return_id is not None else "")


class Webhooks:
    """A loopback HTTP receiver that verifies signatures and records what arrived."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or generate_secret(random.Random(0))
        self._received: list[ReceivedWebhook] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="mock-ingrid-webhooks",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks"

    def start(self) -> Webhooks:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def clear(self) -> None:
        with self._lock:
            self._received.clear()

    @property
    def received(self) -> list[ReceivedWebhook]:
        with self._lock:
            return list(self._received)

    @property
    def payloads(self) -> list[Any]:
        """The verified payloads, in arrival order."""
        return [r.payload for r in self.received if r.error is None]

    def _record(self, headers: dict[str, str], body: bytes) -> bool:
        try:
            payload, error = verify(body, headers, self.secret), None
        except WebhookVerificationError as exc:
            payload, error = None, str(exc)
        with self._lock:
            self._received.append(ReceivedWebhook(headers, body, payload, error))
        return error is None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                accepted = receiver._record(headers, body)
                self.send_response(204 if accepted else 401)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


# -- matching payloads -----------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _same(actual: Any, expected: Any) -> bool:
    return bool(actual == expected) or (
        not isinstance(expected, (dict, list)) and str(actual) == str(expected)
    )


def _matches(payload: Any, type_: str | None, match: Mapping[str, Any]) -> bool:
    if not isinstance(payload, dict):
        return False
    if type_ is not None and payload.get("type") != type_:
        return False
    for name, expected in match.items():
        key = name if name in payload else _camel(name)
        if key not in payload or not _same(payload[key], expected):
            return False
    return True


def _wanted(type_: str | None, match: Mapping[str, Any]) -> str:
    what = f"{type_} webhook" if type_ else "webhook"
    if match:
        what += " with " + ", ".join(f"{_camel(k)}={v!r}" for k, v in match.items())
    return what


# -- the server's event loop --------------------------------------------------------------


class _ServedApp:
    """The app as uvicorn serves it, noting the event loop its lifespan starts on: the
    handle runs its in-process work there (``call``), between requests and timer ticks,
    never beside them. uvicorn creates that loop inside its thread and does not expose it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            self.loop = asyncio.get_running_loop()
        await self.app(scope, receive, send)

    def call(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the server's loop and wait for its result (or its exception)."""
        if self.loop is None or self.loop.is_closed():
            raise MockIngridError(NOT_RUNNING)

        async def run() -> T:
            return work()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(SERVER_CALL_TIMEOUT)


# -- the handle ------------------------------------------------------------------------


def _iso(at: datetime | str) -> str:
    return at.isoformat() if isinstance(at, datetime) else at


def _duration(by: float | str) -> str:
    """Seconds (a number) or the server's duration text (``90s``, ``5m``, ``2h``)."""
    if isinstance(by, str):
        return by
    return f"{int(by * 1000)}ms" if by != int(by) else f"{int(by)}s"


def _fixture_files(source: str | Path) -> list[Path]:
    """A fixture file, a folder's ``*.json``, or a shipped set by name (``demo-shop``)."""
    from mock_ingrid.fixtures import FixtureError, resolve_fixture

    try:
        path = resolve_fixture(source)
    except FixtureError as exc:
        raise MockIngridError(str(exc)) from None
    return sorted(path.glob("*.json")) if path.is_dir() else [path]


class MockIngrid:
    """The emulator in this process, on ``base_url``, acting as merchant ``api_key``.

    ``settings`` are the server's (host and port are always loopback and free);
    ``fixtures`` (paths or documents) and ``freeze_time`` are applied after every
    :meth:`reset` too. ``webhooks=False`` starts no receiver.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        api_key: str | None = None,
        fixtures: Iterable[FixtureSource] = (),
        freeze_time: datetime | str | None = None,
        webhooks: bool = True,
    ) -> None:
        self.settings = replace(settings or Settings(), host=LOOPBACK, port=0)
        self.api_key = api_key or self.default_api_key
        self._fixtures = list(fixtures)
        self._freeze_time = freeze_time
        self.webhooks: Webhooks | None = Webhooks() if webhooks else None
        self._server: uvicorn.Server | None = None
        self._served: _ServedApp | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.base_url = ""
        self.runtime: Runtime | None = None
        self.client = httpx.Client()
        self._control = httpx.Client()

    @property
    def default_api_key(self) -> str:
        """``test-key``, or the first of the server's accepted keys when it restricts them."""
        allowed = sorted(self.settings.api_keys)
        return allowed[0] if allowed else DEFAULT_API_KEY

    # -- start and stop ------------------------------------------------------------

    def __enter__(self) -> MockIngrid:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> MockIngrid:
        """Serve the app on a free loopback port and wait until it answers."""
        from mock_ingrid.app import create_app
        from mock_ingrid.fixtures import FixtureError, load_fixture_paths
        from mock_ingrid.webhooks.dispatcher import load_client

        # The webhook client (aiohttp, the trust store), loaded here once per test
        # process: the server's warm-up then finds it loaded, and a suite's first
        # webhook does not wait for an import racing the suite's first requests.
        load_client()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOOPBACK, 0))
        port = self._sock.getsockname()[1]
        # The port it listens on, for what the server says of itself (the legacy statusUrl).
        runtime = Runtime.build(replace(self.settings, port=port))
        try:
            load_fixture_paths(runtime.state, self.settings.fixtures)
        except FixtureError as exc:
            self._sock.close()
            self._sock = None
            raise MockIngridError(str(exc)) from None
        runtime.remember_baseline()
        self.base_url = f"http://{LOOPBACK}:{port}"
        self.runtime = runtime
        self._served = _ServedApp(create_app(runtime=runtime))
        config = uvicorn.Config(
            self._served,
            log_level=self.settings.log_level,
            access_log=self.settings.log_level in ("info", "debug"),
            lifespan="on",
            server_header=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name="mock-ingrid-server",
            daemon=True,
        )
        self._thread.start()
        self._wait_started()
        self.client = httpx.Client(
            base_url=self.base_url, headers={"x-api-key": self.api_key}, timeout=30
        )
        admin = self.settings.admin_token
        self._control = httpx.Client(
            base_url=self.base_url,
            headers={"x-mock-admin-token": admin} if admin else {},
            timeout=60,
        )
        if self.webhooks is not None:
            self.webhooks.start()
        self._apply_options()
        return self

    def _wait_started(self) -> None:
        server, thread = self._server, self._thread
        assert server is not None and thread is not None
        _deadline_poll(lambda: server.started or not thread.is_alive(), START_TIMEOUT)
        if not server.started:
            self.stop()
            raise MockIngridError(f"the server did not start within {START_TIMEOUT:g} s")

    def stop(self) -> None:
        """Stop the server (its lifespan finishes), the receiver and the clients."""
        if self._server is not None and self._thread is not None:
            if self.runtime is not None:
                self.runtime.feed.close()  # open dashboards would hold up the stop
            self._server.should_exit = True
            self._thread.join(timeout=60)
        if self._sock is not None:
            self._sock.close()
        if self.webhooks is not None and self._thread is not None:
            self.webhooks.stop()
        self.client.close()
        self._control.close()
        self._server = self._thread = self._sock = self._served = None

    # -- control calls ---------------------------------------------------------------

    def control(self, method: str, path: str, json: Any = None, **params: str) -> Any:
        """Call ``/_mock{path}``; a refusal raises :class:`MockIngridError` with the answer."""
        response = self._control.request(method, f"/_mock{path}", json=json, params=params)
        if not response.is_success:
            raise MockIngridError(
                f"{method} /_mock{path} answered {response.status_code}: {response.text}"
            )
        return response.json() if response.content else None

    def configure(
        self,
        *,
        api_key: str | None = None,
        fixtures: Iterable[FixtureSource] = (),
        freeze_time: datetime | str | None = None,
    ) -> None:
        """Replace the handle's options (all of them); they apply from the next reset."""
        self.api_key = api_key or self.default_api_key
        self._fixtures = list(fixtures)
        self._freeze_time = freeze_time

    def reset(self) -> None:
        """Back to the server's start (its settings' fixtures), then the handle's options
        (merchant, fixtures, frozen clock); the received webhooks are forgotten and the
        receiver is subscribed again."""
        runtime = self._runtime()
        # What POST /_mock/reset does (its handler is this one call), on the server's loop.
        self._on_server_loop(runtime.reset)
        self._apply_options()

    def _apply_options(self) -> None:
        self.client.headers["x-api-key"] = self.api_key
        self._on_server_loop(self._restart_clock)
        for source in self._fixtures:
            self.load_fixture(source)
        if self.webhooks is not None:
            self.webhooks.clear()
            self._on_server_loop(self._subscribe_receiver)

    def _runtime(self) -> Runtime:
        if self.runtime is None:
            raise MockIngridError(NOT_RUNNING)
        return self.runtime

    def _on_server_loop(self, work: Callable[[], T]) -> T:
        if self._served is None:
            raise MockIngridError(NOT_RUNNING)
        return self._served.call(work)

    def _restart_clock(self) -> None:
        """Frozen at the handle's instant, or real time again. Set in-process: the
        control API never moves the clock backwards (timers are cleared here)."""
        frozen = self._freeze_time or self.settings.freeze_time
        clock = self._runtime().clock
        if frozen is not None:
            clock.freeze(parse_instant(frozen) if isinstance(frozen, str) else frozen)
        else:
            clock.resume()
            clock.set(datetime.now(UTC))

    def _subscribe_receiver(self) -> None:
        """What ``POST /_mock/webhooks/subscriptions`` does for the built-in receiver,
        refusing a merchant the server does not accept as that call does."""
        assert self.webhooks is not None
        runtime = self._runtime()
        allowed = runtime.settings.api_keys
        if allowed and self.api_key not in allowed:
            raise MockIngridError(
                f"merchant {self.api_key!r}: this server accepts only the API keys "
                f"{', '.join(sorted(allowed))} (its settings' api_keys)"
            )
        runtime.webhooks.subscribe(self.api_key, self.webhooks.url, None, self.webhooks.secret)

    @property
    def secret(self) -> str:
        """The signing secret of the built-in receiver's subscription."""
        if self.webhooks is None:
            raise MockIngridError("this handle was started with webhooks=False")
        return self.webhooks.secret

    def load_fixture(self, source: FixtureSource) -> list[str]:
        """Load a fixture document (a dict), file, folder (its files in order) or shipped
        set (``"demo-shop"``) through ``POST /_mock/fixtures``; returns the merchants.
        A bad fixture raises :class:`MockIngridError` naming the file and every bad field."""
        if isinstance(source, Mapping):
            loaded: Json = self.control("POST", "/fixtures", dict(source))
            return list(loaded["merchants"])
        merchants: list[str] = []
        for file in _fixture_files(source):
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
                loaded = self.control("POST", "/fixtures", document)
            except (OSError, ValueError, MockIngridError) as exc:
                raise MockIngridError(f"{file}: {exc}") from None
            merchants += [key for key in loaded["merchants"] if key not in merchants]
        return merchants

    def advance_return(self, return_id: str, status: str) -> Json:
        """Drive a return of this merchant to ``status`` along the lifecycle."""
        body = {"status": status}
        moved: Json = self.control(
            "POST", f"/returns/{return_id}/advance", body, merchant=self.api_key
        )
        return moved

    def set_clock(self, at: datetime | str) -> Json:
        """Move the clock to ``at``; what falls due on the way runs, in order."""
        clock: Json = self.control("POST", "/clock/set", {"at": _iso(at)})
        return clock

    def advance_clock(self, by: float | str) -> Json:
        """Move the clock forward by seconds, or a duration such as ``"2h"``."""
        clock: Json = self.control("POST", "/clock/advance", {"by": _duration(by)})
        return clock

    def freeze_clock(self, at: datetime | str | None = None) -> Json:
        clock: Json = self.control("POST", "/clock/freeze", {"at": _iso(at)} if at else None)
        return clock

    def flush_webhooks(self) -> Json:
        """Send every pending webhook now (answers when the outbox is empty)."""
        flushed: Json = self.control("POST", "/webhooks/flush", {})
        return flushed

    def run_scenario(self, name: str, *, verbose: bool = False) -> Any:
        """Run a named scenario (``mock-ingrid scenario list``) against this server."""
        scenarios = importlib.import_module("mock_ingrid.scenarios")
        return scenarios.run_scenario(name, self.base_url, verbose=verbose)

    # -- webhooks ------------------------------------------------------------------

    def wait_for_webhook(self, type: str | None = None, timeout: float = 5.0, **match: Any) -> Any:
        """The first verified payload of ``type`` whose fields equal ``match``.

        Field names may be given as in the payload (``returnId``) or in snake case
        (``return_id``). Fails with the list of what did arrive.
        """
        receiver = self.webhooks
        if receiver is None:
            raise MockIngridError("this handle was started with webhooks=False")

        def found() -> Any:
            for payload in receiver.payloads:
                if _matches(payload, type, match):
                    return {"payload": payload}
            return None

        hit = _deadline_poll(found, timeout)
        if hit:
            return hit["payload"]
        seen = ", ".join(r.describe() for r in receiver.received) or "nothing"
        raise AssertionError(f"no {_wanted(type, match)} within {timeout:g} s; received: {seen}")

    @property
    def received_webhooks(self) -> list[Any]:
        """Every verified payload so far, in arrival order."""
        return self.webhooks.payloads if self.webhooks is not None else []
