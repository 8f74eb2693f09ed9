"""Real HTTP on loopback for webhook tests: receivers, a served app, and polling.

Receivers are stdlib ``ThreadingHTTPServer``s on 127.0.0.1 with an OS-assigned
port, so they run beside (not inside) the emulator's event loop. Each records
what it received and answers from a script the test sets.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import uvicorn

from mock_ingrid.app import create_app
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.oracle import ORACLES

LOOPBACK = "127.0.0.1"


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.01)  # the polling interval of this helper, not a wait for state


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int] = ("", 0)  # the sender's address: one per connection

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    # Held until the event is set: a receiver that hangs.
    gate: threading.Event | None = None


class Receiver:
    """Records every POST; ``script`` answers the 1st, 2nd, ... request, then ``default``."""

    def __init__(self, sock: socket.socket | None = None) -> None:
        self.received: list[Received] = []
        self.script: list[Reply] = []
        self.default = Reply()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler(), bind_and_activate=False)
        self._server.daemon_threads = True
        if sock is not None:  # a port reserved earlier (a receiver that was down)
            self._server.socket.close()
            self._server.socket = sock
            self._server.server_address = sock.getsockname()
        else:
            self._server.server_bind()
        self._server.server_activate()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def _reply_for(self, request: Received) -> Reply:
        with self._lock:
            index = len(self.received)
            self.received.append(request)
            return self.script[index] if index < len(self.script) else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                peer = (str(self.client_address[0]), int(self.client_address[1]))
                reply = receiver._reply_for(Received(self.path, headers, body, peer))
                if reply.gate is not None:
                    reply.gate.wait(30)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


def reserve_port() -> socket.socket:
    """A bound socket that does not listen yet: connecting to it is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    return sock


class ServedApp:
    """The emulator served by uvicorn in a thread, on its own loopback port."""

    def __init__(self, settings: Settings) -> None:
        self.runtime = Runtime.build(settings)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK, 0))
        port = self._sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{port}"
        config = uvicorn.Config(create_app(runtime=self.runtime), log_level="error", lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> ServedApp:
        self._thread.start()
        wait_until(lambda: self.server.started, what="the server to start")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)
        self._sock.close()

    @property
    def hooks(self) -> Any:
        return self.runtime.webhooks


@contextmanager
def served(settings: Settings) -> Iterator[ServedApp]:
    app = ServedApp(settings).start()
    try:
        yield app
    finally:
        app.stop()


@contextmanager
def receiving(sock: socket.socket | None = None) -> Iterator[Receiver]:
    receiver = Receiver(sock).start()
    try:
        yield receiver
    finally:
        receiver.stop()


def _check_against_spec(response: httpx.Response) -> None:
    response.read()
    ORACLES.validate(
        response.request.method,
        response.request.url.path,
        response.status_code,
        response.headers,
        response.content,
    )


def api(app: ServedApp, api_key: str = "shop") -> httpx.Client:
    """A client of the served app whose every response is checked against the spec."""
    return httpx.Client(
        base_url=app.url,
        headers={"x-api-key": api_key},
        timeout=10,
        event_hooks={"response": [_check_against_spec]},
    )


# -- a shop, driven through the current API ----------------------------------------

PRODUCT = {
    "productId": "TEE",
    "title": "T-shirt",
    "variants": [
        {"variantId": "TEE-M", "sku": "TS-M-BLK"},
        {"variantId": "TEE-XL", "sku": "TS-XL-BLK"},
    ],
}


def order(order_id: str, units: int = 2) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "currencyCode": "SEK",
        "shippingCost": 0,
        "totalAmount": 120 * units,
        "shippingAddress": {"countryCode": "SE"},
        "lineItems": [
            {
                "lineItemId": "L1",
                "productId": "TEE",
                "variantId": "TEE-M",
                "quantity": units,
                "originalUnitPrice": 120,
            }
        ],
        "shipments": [
            {"shipmentId": "S1", "lineItems": [{"orderLineItemId": "L1", "quantity": units}]}
        ],
    }


def ok(response: httpx.Response) -> Any:
    assert response.is_success, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def stock(http: httpx.Client, order_id: str = "ORD-1", units: int = 2) -> None:
    ok(http.post("/products", json=PRODUCT))
    ok(http.post("/orders", json=order(order_id, units)))


def open_return(http: httpx.Client, order_id: str = "ORD-1") -> dict[str, Any]:
    body = {"items": [{"orderLineItemId": "L1", "quantity": 1, "reason": {"code": "DOESNT_FIT"}}]}
    created: dict[str, Any] = ok(http.post(f"/orders/{order_id}/returns", json=body))
    return created


def inspect(http: httpx.Client, ret: dict[str, Any], action: str = "APPROVED") -> None:
    items = [
        {"returnItemId": item["returnItemId"], "quantity": item["quantity"], "action": action}
        for item in ret["items"]
    ]
    ok(http.post("/warehouse-reports", json={"returnId": ret["returnId"], "items": items}))


def complete_refund(http: httpx.Client, return_id: str) -> None:
    refunds = ok(http.get("/refund-transactions", params={"size": 100}))["data"]
    (refund,) = [r for r in refunds if r["returnId"] == return_id]
    body = {"amount": refund["totalAmount"], "currencyCode": "SEK", "transactionId": "ch_1"}
    ok(http.post(f"/refund-transactions/{refund['refundTransactionId']}/complete", json=body))
