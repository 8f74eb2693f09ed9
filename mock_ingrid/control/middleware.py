"""``ControlMiddleware``: the browser checks (``guard``) and the admin token on
``/_mock``, faults and the journal elsewhere, and, while a recording runs, every
call handed to the ``Recorder`` (``recorder.py``), whoever made it.

A pure ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs the app in a task
and copies every body through a stream, which costs more than everything done here.
With no fault rule and no ``x-mock-fault`` header, a call costs a header scan, three
small objects and an append of raw bytes to the journal; nothing is parsed or
redacted until the journal is read.

It works around the Starlette app or first in its middleware list (inside
ServerErrorMiddleware); there a crash is journaled as the 500 it becomes, without
the body Starlette sends.

The fault rules and the journal it uses are the app instance's ``Diagnostics``
(``diagnostics_state.py``), which the runtime owns. This module imports nothing of the
HTTP layer (``mock_ingrid.api``): it sits in front of it.
"""

from __future__ import annotations

import hmac
from http import HTTPStatus
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_ingrid.control import guard
from mock_ingrid.control.faults import Fault, FaultSyntaxError, parse_fault_header
from mock_ingrid.control.journal import Entry, Headers
from mock_ingrid.control.recorder import REQUEST_LIMIT, RESPONSE_LIMIT
from mock_ingrid.ui import session

if TYPE_CHECKING:
    from mock_ingrid.control.diagnostics_state import Diagnostics
    from mock_ingrid.runtime import Runtime

# Where the /_mock handlers find the diagnostics of the app serving them.
SCOPE_KEY = "mock_ingrid.diagnostics"
CONTROL_PREFIX = "/_mock"
HEALTH_PATH = "/_mock/health"
FAULT_HEADER = b"x-mock-fault"
API_KEY_HEADER = b"x-api-key"
ADMIN_TOKEN_HEADER = b"x-mock-admin-token"
JSON_HEADERS: Headers = [(b"content-type", b"application/json")]
# A header value a server must refuse: HTTP/1.1 servers check for CR/LF (response
# splitting) before writing the status line, see ``_Exchange.drop``.
_UNWRITABLE_START: Message = {
    "type": "http.response.start",
    "status": 502,
    "headers": [(FAULT_HEADER, b"drop\r\n")],
}


class ConnectionDropped(Exception):
    """A ``drop`` fault under a server that wrote the refused response start anyway
    (Starlette's in-process TestClient): the exchange fails with this instead."""


class ControlMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime, diagnostics: Diagnostics) -> None:
        self.app = app
        self.runtime = runtime
        self.diagnostics = diagnostics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            await self._control(scope, receive, send, path)
        else:
            await self._api(scope, receive, send, path)

    async def _control(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Never faulted nor journaled (reading the journal does not change it); while
        a recording runs, what the ``Recorder`` wants of it is handed to it."""
        refused = guard.refusal(scope, self.runtime.settings)
        if refused is not None:  # a browser's cross-site call, or a form post
            body = error_json(refused.code, refused.message, refused.errors())
            await _reply(send, refused.status, body, [])
            return
        token = self.runtime.settings.admin_token
        if token is not None and path != HEALTH_PATH and not session.exempt(scope["method"], path):
            headers = scope["headers"]
            problem = admin_token_problem(headers, token)
            if problem is not None and session.cookie_carries(headers, token):
                problem = None
            if problem is not None and scope["method"] == "GET" and session.wants_page(headers):
                await _reply(send, 401, session.sign_in_html(), session.SIGN_IN_HEADERS, media=[])
                return
            if problem is not None:
                challenge = [(b"www-authenticate", b'Bearer realm="mock-ingrid control"')]
                await _reply(send, 401, error_json("UNAUTHORIZED", problem), challenge)
                return
        scope[SCOPE_KEY] = self.diagnostics
        recorder = self.diagnostics.recorder
        if not recorder.wants_control(scope["method"], path, scope["headers"]):
            await self.app(scope, receive, send)
            return
        key, _, has_body = _scan(scope["headers"])
        exchange = _Exchange(self._entry(scope, path, key, True), receive, send, not has_body)
        exchange.awaits_continue = has_body and _expects_continue(scope["headers"])
        try:
            await self.app(scope, exchange.receive, exchange.send)
        finally:
            recorder.add(exchange.entry)

    def _entry(self, scope: Scope, path: str, key: str | None, recording: bool) -> Entry:
        """A journal entry; while recording, one that keeps whole bodies."""
        now, method, query = self.runtime.clock.now(), scope["method"], scope["query_string"]
        if not recording:
            return Entry(now, method, path, query, key, scope["headers"])
        return Entry(now, method, path, query, key, scope["headers"], REQUEST_LIMIT, RESPONSE_LIMIT)

    async def _api(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        key, fault_header, has_body = _scan(scope["headers"])
        diagnostics = self.diagnostics
        journal = diagnostics.journal
        plain = fault_header is None and not diagnostics.faults.rules
        recording = diagnostics.recorder.active
        if plain and not journal.capacity and not recording:
            await self.app(scope, receive, send)
            return
        entry = self._entry(scope, path, key, recording)
        exchange = _Exchange(entry, receive, send, request_done=not has_body)
        exchange.awaits_continue = has_body and _expects_continue(scope["headers"])
        started = perf_counter()
        try:
            if plain:  # the common case: nothing to inject, only the journal
                await self.app(scope, exchange.receive, exchange.send)
            else:
                await self._serve(scope, exchange, fault_header)
        except ConnectionDropped:
            raise
        except Exception:
            # The server (or Starlette's ServerErrorMiddleware, when this runs inside
            # it) answers a crash that started no response with a 500.
            if entry.status is None:
                entry.status = 500
            raise
        finally:
            entry.latency_s = perf_counter() - started
            if journal.capacity:
                journal.record(entry)
            if recording:
                diagnostics.recorder.add(entry)

    async def _serve(self, scope: Scope, exchange: _Exchange, fault_header: str | None) -> None:
        entry = exchange.entry
        try:
            chosen = self._fault_for(entry, fault_header)
        except FaultSyntaxError as exc:
            await exchange.drain()
            # Marked like an injected answer: it comes from here, not from the API.
            marker = [(FAULT_HEADER, b"invalid")]
            await exchange.reply(400, invalid_fault_header_json(str(exc)), marker)
            return
        if chosen is None:
            await self.app(scope, exchange.receive, exchange.send)
            return
        fault, origin = chosen
        entry.fault = fault.spec
        echo = (FAULT_HEADER, fault.spec.encode("latin-1"))
        if fault.latency_ms:
            await anyio.sleep(fault.latency_ms / 1000)
        if fault.passes_through:
            exchange.extra_headers = [echo]
            await self.app(scope, exchange.receive, exchange.send)
            return
        await exchange.drain()  # so the journal shows what the call sent
        if fault.drop:
            await exchange.drop()
            return
        assert fault.status is not None
        headers = [echo]
        if fault.retry_after is not None:
            headers.append((b"retry-after", str(fault.retry_after).encode("latin-1")))
        await exchange.reply(
            fault.status, injected_fault_json(fault.status, entry, origin), headers
        )

    def _fault_for(self, entry: Entry, fault_header: str | None) -> tuple[Fault, str] | None:
        """The header wins over the rules, and then consumes none of them."""
        if fault_header is not None:
            return parse_fault_header(fault_header), "the x-mock-fault header"
        if not self.diagnostics.faults.rules:
            return None
        rule = self.diagnostics.faults.pick(entry.method, entry.path, entry.key)
        return (rule.fault, f"fault rule {rule.fault_id}") if rule is not None else None


class _Exchange:
    """One call's ``receive`` and ``send``, recorded into its journal entry."""

    __slots__ = ("_receive", "_send", "awaits_continue", "entry", "extra_headers", "request_done")

    def __init__(self, entry: Entry, receive: Receive, send: Send, request_done: bool) -> None:
        self.entry = entry
        self._receive = receive
        self._send = send
        self.extra_headers: Headers = []
        self.request_done = request_done
        # The client sent "Expect: 100-continue" and waits: the server answers
        # "100 Continue" on the first read of the body, so nothing is read for it
        # until the app reads.
        self.awaits_continue = False

    async def receive(self) -> Message:
        self.awaits_continue = False
        message = await self._receive()
        if message["type"] == "http.request":
            self.entry.request_body.add(message.get("body", b""))
            self.request_done = not message.get("more_body", False)
        else:
            self.request_done = True
        return message

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            self.entry.response_body.add(message.get("body", b""))
        elif kind == "http.response.start":
            # An app that answers without reading the body (401, 404, 413, 415): read
            # what the journal keeps now, while the server still delivers it.
            # Not when the client still waits for "100 Continue": reading would invite
            # the body this answer refuses.
            if not self.request_done and not self.awaits_continue:
                await self.drain(self.entry.request_body.limit)
            if self.extra_headers:
                headers = [*message.get("headers", ()), *self.extra_headers]
                message = {**message, "headers": headers}
            else:
                headers = list(message.get("headers", ()))
            self.entry.status = message["status"]
            self.entry.response_headers = headers
        await self._send(message)

    async def drain(self, limit: int | None = None) -> None:
        """Read the rest of the request body (or up to ``limit`` bytes of it)."""
        body = self.entry.request_body
        while not self.request_done and (limit is None or body.size < limit):
            await self.receive()

    async def reply(self, status: int, body: bytes, headers: Headers) -> None:
        await _reply(self.send, status, body, headers)

    async def drop(self) -> None:
        """Close the connection without a byte of response.

        ASGI has no message for that, and uvicorn answers 500 to an app that returns
        or raises before starting a response. But uvicorn marks the response started
        before it validates the headers, refuses a CR/LF in a value before writing
        anything, and closes the connection of an app that returns with its response
        incomplete: the client sees the server disconnect without a response (httpx:
        RemoteProtocolError), as when a load balancer or a crashed pod drops it.
        """
        try:
            await self._send(_UNWRITABLE_START)
        except Exception:  # the server refused it, as it must: nothing was written
            return
        raise ConnectionDropped(f"{self.entry.method} {self.entry.path}: x-mock-fault: drop")


async def _reply(
    send: Send, status: int, body: bytes, headers: Headers, media: Headers = JSON_HEADERS
) -> None:
    length = (b"content-length", str(len(body)).encode("latin-1"))
    start = {"type": "http.response.start", "status": status}
    await send(start | {"headers": [*media, length, *headers]})
    await send({"type": "http.response.body", "body": body})


def route_path(scope: Scope) -> str:
    """The path the router sees: without the ``root_path`` a proxy mounted us under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _scan(headers: Headers) -> tuple[str | None, str | None, bool]:
    """The API key, the fault header, and whether a body follows: one pass."""
    key = fault = None
    has_body = False
    for name, value in headers:
        if name == API_KEY_HEADER:
            key = value.decode("latin-1").strip()
        elif name == FAULT_HEADER:
            fault = value.decode("latin-1")
        elif name == b"content-length":
            has_body = value.strip() not in (b"0", b"")
        elif name == b"transfer-encoding":
            has_body = True
    return key, fault, has_body


def _expects_continue(headers: Headers) -> bool:
    return any(
        name == b"expect" and value.strip().lower() == b"100-continue" for name, value in headers
    )


def admin_token_problem(headers: Headers, token: str) -> str | None:
    """None when ``x-mock-admin-token`` or ``Authorization: Bearer`` carries the token;
    compared in constant time, so the answer's timing does not leak a prefix."""
    expected = token.encode("utf-8")
    offered = False
    for name, value in headers:
        if name == ADMIN_TOKEN_HEADER:
            candidate = value.strip()
        elif name == b"authorization":
            scheme, _, credentials = value.strip().partition(b" ")
            if scheme.lower() != b"bearer":
                continue
            candidate = credentials.strip()
        else:
            continue
        offered = True
        if hmac.compare_digest(candidate, expected):
            return None
    if offered:
        return "the admin token is not valid"
    return (
        "this server requires its admin token on /_mock routes: "
        "send x-mock-admin-token: TOKEN or Authorization: Bearer TOKEN"
    )


def error_json(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> bytes:
    """The current API's error shape (``api/current/errors.py``), built here to keep
    this module free of the HTTP layer."""
    body: dict[str, Any] = {"code": code, "message": message, "errors": errors or []}
    return orjson.dumps(body)


def injected_fault_json(status: int, entry: Entry, origin: str) -> bytes:
    try:
        phrase = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:  # a status without a name, e.g. 599
        phrase = str(status)
    message = f"mock-ingrid injected {phrase} into {entry.method} {entry.path} ({origin})"
    return error_json("INJECTED_FAULT", message)


def invalid_fault_header_json(problem: str) -> bytes:
    item = {"location": "header", "path": "x-mock-fault", "code": "INVALID_FORMAT"}
    return error_json(
        "INVALID_FAULT_HEADER", f"x-mock-fault: {problem}", [item | {"message": problem}]
    )
