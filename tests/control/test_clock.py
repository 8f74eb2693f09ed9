"""``/_mock/clock`` and ``/_mock/progression``: moving time runs what became due, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT, make_client
from tests.control.steps import (
    MOCK,
    create_return,
    current_status,
    events,
    ok,
    post,
    seed_reference,
)
from tests.webhooks.helpers import Receiver, Reply, receiving, wait_until


def test_the_clock_starts_frozen_at_the_settings_time(client: TestClient) -> None:
    clock = ok(client.get(f"{MOCK}/clock"))
    assert clock == {
        "now": "2026-01-16T09:00:00Z",
        "frozen": True,
        "pendingTimers": 0,
        "nextDueAt": None,
    }


def test_set_and_advance_move_a_frozen_clock(client: TestClient) -> None:
    moved = post(client, "/clock/set", {"at": "2026-02-01T12:00:00+01:00"})
    assert moved["now"] == "2026-02-01T11:00:00Z" and moved["frozen"] is True
    assert moved["ran"] == {"progressionSteps": 0, "webhookAttempts": 0}
    assert post(client, "/clock/advance", {"by": "90m"})["now"] == "2026-02-01T12:30:00Z"
    frozen_at = post(client, "/clock/freeze", {"at": "2026-02-02T00:00:00Z"})
    assert frozen_at["now"] == "2026-02-02T00:00:00Z"


def test_freeze_and_resume() -> None:
    with make_client(Settings()) as client:
        assert ok(client.get(f"{MOCK}/clock"))["frozen"] is False
        frozen = post(client, "/clock/freeze")
        assert frozen["frozen"] is True and "ran" not in frozen
        assert ok(client.get(f"{MOCK}/clock"))["now"] == frozen["now"]
        assert post(client, "/clock/resume")["frozen"] is False


@pytest.mark.parametrize(
    ("body", "path"),
    [({"by": "soon"}, "by"), ({"by": 5}, "by"), ({}, "by"), ({"by": "1h", "x": 1}, "x")],
)
def test_a_bad_duration_is_a_400_naming_the_field(
    client: TestClient, body: dict[str, Any], path: str
) -> None:
    response = client.post(f"{MOCK}/clock/advance", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["path"] == path
    assert ok(client.get(f"{MOCK}/clock"))["now"] == "2026-01-16T09:00:00Z"


def test_set_needs_an_offset(client: TestClient) -> None:
    response = client.post(f"{MOCK}/clock/set", json={"at": "2026-02-01T12:00:00"})
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "at"


def test_progression_policies_change_only_what_is_sent(client: TestClient) -> None:
    assert ok(client.get(f"{MOCK}/progression")) == dict.fromkeys(
        ("return", "report", "refund", "exchange"), "manual"
    )
    changed = ok(client.put(f"{MOCK}/progression", json={"return": "after:1h"}))
    assert changed == {
        "return": "after:1h",
        "report": "manual",
        "refund": "manual",
        "exchange": "manual",
    }
    bad = client.put(f"{MOCK}/progression", json={"refund": "later"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "refund"
    assert ok(client.get(f"{MOCK}/progression"))["refund"] == "manual"


def test_advancing_runs_due_progression_steps_in_order(client: TestClient) -> None:
    seed_reference(client)
    ok(client.put(f"{MOCK}/progression", json={"return": "after:1h"}))
    rid = create_return(client)["returnId"]
    assert current_status(client, rid) == "CONFIRMED"
    clock = ok(client.get(f"{MOCK}/clock"))
    assert clock["pendingTimers"] == 1 and clock["nextDueAt"] == "2026-01-16T10:00:00Z"

    first = post(client, "/clock/advance", {"by": "59m"})
    assert first["ran"]["progressionSteps"] == 0
    assert current_status(client, rid) == "CONFIRMED"
    assert post(client, "/clock/advance", {"by": "1m"})["ran"]["progressionSteps"] == 1
    assert current_status(client, rid) == "READY"
    # three more hours: three more steps, each one hour after the one before
    assert post(client, "/clock/advance", {"by": "3h"})["ran"]["progressionSteps"] >= 2
    assert current_status(client, rid) not in ("CONFIRMED", "READY", "IN_TRANSIT")
    assert "RETURN_CREATED" in events(client)


def test_immediate_progression(client: TestClient) -> None:
    seed_reference(client)
    ok(client.put(f"{MOCK}/progression", json={"return": "immediate"}))
    rid = create_return(client)["returnId"]
    post(client, "/clock/advance", {"by": "1s"})
    assert current_status(client, rid) != "CONFIRMED"


# -- the realistic webhook schedule, against a receiver that always fails ------------


@pytest.fixture
def failing() -> Iterator[Receiver]:
    with receiving() as receiver:
        receiver.default = Reply(status=500, body=b"down")
        yield receiver


def _deliveries(client: TestClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get(f"{MOCK}/webhooks/deliveries"))["data"]
    return found


def test_advancing_80_hours_makes_every_scheduled_attempt_happen(failing: Receiver) -> None:
    settings = Settings(webhook_schedule="realistic", freeze_time=FROZEN_AT)
    with make_client(settings) as client:
        schedule = ok(client.get(f"{MOCK}/webhooks/status"))["schedule"]["delaysSeconds"]
        ok(
            client.post(
                f"{MOCK}/webhooks/subscriptions",
                json={"merchant": "test-key", "url": failing.url, "eventTypes": ["RETURN_CREATED"]},
            ),
            201,
        )
        seed_reference(client)
        create_return(client)

        def first_attempt_done() -> bool:
            (delivery,) = _deliveries(client)
            return len(delivery["attempts"]) >= 1 and not delivery["inFlight"]

        wait_until(first_attempt_done, what="the first attempt")
        post(client, "/clock/advance", {"by": "80h"})
        (delivery,) = _deliveries(client)
    assert len(delivery["attempts"]) == len(schedule)
    assert delivery["status"] == "FAILED"
    assert {a["statusCode"] for a in delivery["attempts"]} == {500}
    assert failing.count() == len(schedule)
    stamps = [a["at"] for a in delivery["attempts"]]
    assert stamps == sorted(stamps)


def test_freeze_and_set_to_an_instant_already_past(client: TestClient) -> None:
    """Freezing at a fixed past instant is how a test makes timestamps reproducible."""
    assert post(client, "/clock/set", {"at": "2025-01-01T00:00:00Z"})["now"] == (
        "2025-01-01T00:00:00Z"
    )
    with make_client(Settings()) as running:
        frozen = post(running, "/clock/freeze", {"at": "2020-05-01T10:00:00Z"})
        assert frozen["now"] == "2020-05-01T10:00:00Z" and frozen["frozen"] is True
        assert ok(running.get(f"{MOCK}/clock"))["now"] == "2020-05-01T10:00:00Z"
