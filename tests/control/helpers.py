"""The app as ``create_app`` wires it (control middleware, diagnostics routes), in-process
and served, every answer checked against the OpenAPI documents."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from mock_ingrid.app import create_app
from mock_ingrid.control.diagnostics_state import Diagnostics
from mock_ingrid.control.middleware import FAULT_HEADER
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT
from tests.oracle import ORACLES, check_error_body
from tests.webhooks.helpers import wait_until

LOOPBACK = "127.0.0.1"
API_KEY = "test-key"


def check_response(response: httpx.Response) -> None:
    """Every answer against its document; an injected fault (``x-mock-fault`` on the
    answer) is outside every document by design, so it only has to be a JSON error."""
    response.read()
    request = response.request
    if FAULT_HEADER.decode() in response.headers and response.status_code >= 400:
        context = f"{request.method} {request.url.path} (injected fault)"
        check_error_body(context, response.status_code, response.headers, response.content)
        body = response.json()
        assert set(body) == {"code", "message", "errors"}, response.text
        assert body["code"] in ("INJECTED_FAULT", "INVALID_FAULT_HEADER"), response.text
        return
    ORACLES.validate(
        request.method, request.url.path, response.status_code, response.headers, response.content
    )


@dataclass
class Built:
    app: ASGIApp  # what a server serves
    starlette: Starlette
    runtime: Runtime
    diagnostics: Diagnostics


def build(settings: Settings) -> Built:
    runtime = Runtime.build(settings)
    app = create_app(runtime=runtime)
    return Built(app, app, runtime, runtime.diagnostics)


def frozen(**fields: Any) -> Settings:
    return Settings(freeze_time=FROZEN_AT, **fields)


@contextmanager
def control_client(
    settings: Settings | None = None, api_key: str | None = API_KEY
) -> Iterator[tuple[TestClient, Built]]:
    built = build(settings or frozen())
    with TestClient(built.app) as client:
        if api_key is not None:
            client.headers["x-api-key"] = api_key
        client.event_hooks["response"].append(check_response)
        yield client, built


class Served:
    """The app under a real uvicorn, in a thread, on a free loopback port."""

    def __init__(self, settings: Settings, http: str = "auto") -> None:
        self.built = build(settings)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK, 0))
        self.url = f"http://{LOOPBACK}:{self._sock.getsockname()[1]}"
        # uvicorn logs each dropped connection as an error; keep test output clean.
        config = uvicorn.Config(self.built.app, http=http, log_level="critical", lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> Served:
        self._thread.start()
        wait_until(lambda: self.server.started, what="the server to start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)
        self._sock.close()

    def client(self, api_key: str | None = API_KEY) -> httpx.Client:
        headers = {"x-api-key": api_key} if api_key is not None else {}
        return httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=10,
            event_hooks={"response": [check_response]},
        )


def ok(response: httpx.Response) -> Any:
    assert response.is_success, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


PRODUCT = {
    "productId": "TEE",
    "title": "T-shirt",
    "variants": [{"variantId": "TEE-M", "sku": "TS-M"}],
}
