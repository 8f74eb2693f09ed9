"""Webhooks across restarts: a delivery pending at a stop resumes after the restart
with its ``webhook-id`` and bytes (at least once), and no ``webhook-id`` is ever
sent for two events, whatever mix of resets, imports and restarts came between."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from mock_ingrid.testing import Webhooks
from tests.api.flow import create_return, ok, seed_reference
from tests.state.process import eventually, serving

pytestmark = pytest.mark.slow
KEY = {"x-api-key": "shop"}


def test_a_delivery_pending_at_a_stop_arrives_after_the_restart_with_its_id(
    tmp_path: Path,
) -> None:
    state_file = tmp_path / "state.json"
    receiver = Webhooks().start()
    try:
        with serving(state_file, "--save-interval", "0") as server, server.http() as http:
            subscription = {"merchant": "shop", "url": receiver.url, "secret": receiver.secret}
            ok(http.post("/_mock/webhooks/subscriptions", json=subscription), 201)
            ok(http.post("/_mock/webhooks/pause"))  # the receiver is "down"
            http.headers.update(KEY)
            seed_reference(http)  # type: ignore[arg-type]
            create_return(http)  # type: ignore[arg-type]
            (event,) = ok(http.get("/_mock/webhooks/events"))["data"]
            (pending,) = ok(http.get("/_mock/webhooks/deliveries"))["data"]
            assert pending["status"] == "PENDING"
            server.signal(signal.SIGTERM)
            assert server.wait() == 0, server.stderr
        assert receiver.received == []
        with serving(state_file) as server, server.http() as http:
            (restored,) = ok(http.get("/_mock/webhooks/deliveries"))["data"]
            assert restored == pending
            assert ok(http.get(f"/_mock/webhooks/events/{event['eventId']}")) == event
            ok(http.post("/_mock/webhooks/resume"))
            (arrived,) = eventually(lambda: receiver.received, "the delivery after the restart")
            assert arrived.error is None  # signed with the subscription's secret
            assert arrived.headers["webhook-id"] == event["eventId"]
            assert arrived.payload == event["payload"]
            delivered = eventually(
                lambda: _succeeded(
                    ok(http.get(f"/_mock/webhooks/deliveries/{pending['deliveryId']}"))
                ),
                "the delivery recorded as succeeded",
            )
            assert delivered["eventId"] == event["eventId"]
    finally:
        receiver.stop()


def _succeeded(delivery: dict[str, Any]) -> dict[str, Any] | None:
    return delivery if delivery["status"] == "SUCCEEDED" else None


def test_webhook_ids_stay_unique_across_resets_imports_and_restarts(tmp_path: Path) -> None:
    """Receivers drop a ``webhook-id`` they saw: an id sent again is an event lost.
    After a reset the merchant's events count from 0 again, so the ids cannot be
    derived from them: the state file keeps each merchant's last id."""
    state_file = tmp_path / "state.json"
    seen: list[str] = []

    def new_return(http: Any) -> None:
        create_return(http)
        seen.append(ok(http.get("/_mock/webhooks/events"))["data"][-1]["eventId"])

    with serving(state_file, "--save-interval", "0") as server, server.http(headers=KEY) as http:
        seed_reference(http)  # type: ignore[arg-type]
        new_return(http)
        snapshot = ok(http.get("/_mock/state"))  # one merchant, one event
        ok(http.post("/_mock/reset"))
        seed_reference(http)  # type: ignore[arg-type]
        new_return(http)
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
    with serving(state_file) as server, server.http(headers=KEY) as http:
        new_return(http)
        ok(http.put("/_mock/state", json=snapshot))  # back to a world of one event
        new_return(http)
        ok(http.post("/_mock/reset"))
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
    with serving(state_file) as server, server.http(headers=KEY) as http:
        seed_reference(http)  # type: ignore[arg-type]
        new_return(http)
    assert len(seen) == 5
    assert len(set(seen)) == 5, seen


def test_an_id_sent_after_the_last_save_is_not_sent_again_after_a_kill(tmp_path: Path) -> None:
    """A kill loses the events made since the last save, but receivers saw their ids:
    the next server, finding the file not stopped cleanly, numbers past them."""
    state_file = tmp_path / "state.json"
    seen: list[str] = []

    def new_return(http: Any) -> None:
        create_return(http)
        seen.append(ok(http.get("/_mock/webhooks/events"))["data"][-1]["eventId"])

    with serving(state_file, "--save-interval", "0") as server, server.http(headers=KEY) as http:
        seed_reference(http)  # type: ignore[arg-type]
        new_return(http)
        ok(http.post("/_mock/state/save"))
        new_return(http)  # sent, and lost with the kill
        server.signal(signal.SIGKILL)
        server.wait()
    with serving(state_file) as server:  # changes nothing: still, the stop saves
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
    with serving(state_file) as server, server.http(headers=KEY) as http:
        new_return(http)
    assert len(set(seen)) == 3, seen
