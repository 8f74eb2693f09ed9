"""The handle's reset runs in this process, on the server's event loop, and leaves the
server as ``POST /_mock/reset`` and ``POST /_mock/webhooks/subscriptions`` left it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.testing import MockIngrid, MockIngridError
from tests.server import ROOT

DEMO = ROOT / "fixtures" / "demo-shop.json"
FROZEN = "2026-01-16T09:00:00Z"
KEY = "demo-key"
# The demo shop's returns take a step of their lifecycle per hour by themselves, so the
# reset also decides which progression timers are pending.
SETTINGS = Settings(
    fixtures=(DEMO,),
    progression=("return=after:1h",),
    seed=7,
    freeze_time=datetime(2026, 1, 16, 9, tzinfo=UTC),
)


def _server() -> MockIngrid:
    return MockIngrid(SETTINGS, api_key=KEY)


@pytest.fixture(scope="module")
def server() -> Iterator[MockIngrid]:
    with _server() as handle:
        yield handle


def _dirty(handle: MockIngrid) -> None:
    """Leave something behind in every part a reset clears."""
    handle.advance_return("10", "COMPLETED")  # events and deliveries
    handle.client.get("/returns")  # the journal
    handle.control("POST", "/faults", {"path": "/orders*", "status": 503, "times": 5})
    handle.control("PUT", "/progression", {"refund": "after:5m"})
    subscription = {"merchant": KEY, "url": "http://127.0.0.1:9/elsewhere"}
    handle.control("POST", "/webhooks/subscriptions", subscription)
    handle.advance_clock("30m")


def _reset_over_http(handle: MockIngrid) -> None:
    """The handle's reset as control calls, as a handle by URL would make them."""
    assert handle.webhooks is not None
    handle.control("POST", "/reset")
    handle.freeze_clock(FROZEN)  # back from where _dirty left it, to the server's start
    handle.webhooks.clear()
    receiver = {"merchant": KEY, "url": handle.webhooks.url, "secret": handle.secret}
    handle.control("POST", "/webhooks/subscriptions", receiver)


def _after(reset: Callable[[MockIngrid], None]) -> dict[str, Any]:
    """What the control API shows after ``reset`` of a used server, and two hours later
    (each on a server of its own: ids continue across resets, as in production)."""
    with _server() as handle:
        return _world(handle, reset)


def _world(handle: MockIngrid, reset: Callable[[MockIngrid], None]) -> dict[str, Any]:
    assert handle.webhooks is not None
    receiver = handle.webhooks.url  # each server has its own (on a port of its own)
    _dirty(handle)
    reset(handle)
    world: dict[str, Any] = {
        "state": handle.control("GET", "/state"),
        "clock": handle.control("GET", "/clock"),
        "progression": handle.control("GET", "/progression"),
        "subscriptions": [
            {**sub, "url": "receiver" if sub["url"] == receiver else sub["url"]}
            for sub in handle.control("GET", "/webhooks/subscriptions")["data"]
        ],
        "events": handle.control("GET", "/webhooks/events")["data"],
        "deliveries": handle.control("GET", "/webhooks/deliveries")["data"],
        "faults": handle.control("GET", "/faults")["data"],
        "journal": handle.control("GET", "/journal")["data"],
        "received": handle.received_webhooks,
    }
    handle.client.get("/returns/10")  # journaled from a clean journal
    moved = handle.advance_clock("2h")
    handle.flush_webhooks()
    world["two hours later"] = {
        "ran": moved["ran"],
        "state": handle.control("GET", "/state"),
        "events": handle.control("GET", "/webhooks/events")["data"],
        "journal": [entry["path"] for entry in handle.control("GET", "/journal")["data"]],
        "received": sorted(map(repr, handle.received_webhooks)),  # flushed: all arrived
    }
    return world


def test_the_reset_leaves_what_the_control_calls_left() -> None:
    in_process = _after(MockIngrid.reset)
    over_http = _after(_reset_over_http)

    assert in_process == over_http
    assert in_process["clock"]["now"] == FROZEN and in_process["clock"]["pendingTimers"] > 0
    assert len(in_process["subscriptions"]) == 1
    assert in_process["events"] == in_process["faults"] == in_process["journal"] == []
    assert in_process["two hours later"]["ran"]["progressionSteps"] > 0


def test_the_reset_runs_on_the_server_thread(
    server: MockIngrid, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    reset = Runtime.reset

    def recording(runtime: Runtime) -> None:
        threads.append(threading.current_thread().name)
        reset(runtime)

    monkeypatch.setattr(Runtime, "reset", recording)
    server.reset()
    assert threads == ["mock-ingrid-server"]


def test_a_merchant_the_server_refuses_fails_the_reset() -> None:
    with MockIngrid(Settings(api_keys=frozenset({"a", "b"}))) as handle:
        handle.configure(api_key="c")
        with pytest.raises(MockIngridError, match=r"merchant 'c': .* accepts only .* a, b"):
            handle.reset()
        handle.configure(api_key="b")
        handle.reset()
        assert handle.control("GET", "/webhooks/subscriptions")["data"][0]["merchant"] == "b"


def test_a_stopped_handle_says_so() -> None:
    handle = MockIngrid(webhooks=False)
    with pytest.raises(MockIngridError, match="the server is not running"):
        handle.reset()
    with handle:
        handle.reset()
    with pytest.raises(MockIngridError, match="the server is not running"):
        handle.reset()
