"""The app's warm-up loads the webhook client off the event loop, once the server is up."""

from __future__ import annotations

import asyncio
import threading

import pytest
from starlette.testclient import TestClient

from mock_ingrid import app as app_module
from mock_ingrid.app import create_app
from mock_ingrid.settings import Settings


def test_the_client_loads_in_a_worker_thread_while_requests_are_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loading = threading.Event()
    release = threading.Event()
    on_event_loop: list[bool] = []

    def slow_load() -> None:  # an import that takes its time
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            on_event_loop.append(False)
        else:
            on_event_loop.append(True)
        loading.set()
        release.wait(2)

    monkeypatch.setattr(app_module, "load_client", slow_load)
    with TestClient(create_app(Settings())) as client:
        try:
            assert loading.wait(10), "the warm-up never ran"
            # Answered while the client is still loading.
            assert client.get("/_mock/health").status_code == 200
        finally:
            release.set()
    assert on_event_loop == [False]
