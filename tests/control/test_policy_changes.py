"""A progression policy applies to entities already waiting, to imports, and stops at resets."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.control.steps import (
    API_KEY,
    MOCK,
    create_return,
    current_status,
    ok,
    post,
    seed_reference,
)


def put_progression(client: TestClient, body: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = ok(client.put(f"{MOCK}/progression", json=body))
    return found


def pending(client: TestClient) -> int:
    count: int = ok(client.get(f"{MOCK}/clock"))["pendingTimers"]
    return count


def waiting_return(client: TestClient) -> str:
    """A CONFIRMED return created while every policy is manual."""
    seed_reference(client)
    rid: str = create_return(client)["returnId"]
    assert current_status(client, rid) == "CONFIRMED"
    assert pending(client) == 0
    return rid


def test_a_new_policy_moves_a_return_that_was_already_waiting(client: TestClient) -> None:
    rid = waiting_return(client)
    put_progression(client, {"return": "after:1h"})
    assert ok(client.get(f"{MOCK}/clock"))["nextDueAt"] == "2026-01-16T10:00:00Z"
    ran = post(client, "/clock/advance", {"by": "1h"})["ran"]
    assert ran["progressionSteps"] == 1
    assert current_status(client, rid) == "READY"


def test_manual_stops_what_was_pending(client: TestClient) -> None:
    rid = waiting_return(client)
    put_progression(client, {"return": "after:1h"})
    assert pending(client) == 1
    put_progression(client, {"return": "manual"})
    assert pending(client) == 0
    post(client, "/clock/advance", {"by": "5h"})
    assert current_status(client, rid) == "CONFIRMED"


def test_the_same_policy_again_keeps_the_pending_step(client: TestClient) -> None:
    waiting_return(client)
    put_progression(client, {"return": "after:1h"})
    post(client, "/clock/advance", {"by": "30m"})
    put_progression(client, {"return": "after:1h"})
    assert ok(client.get(f"{MOCK}/clock"))["nextDueAt"] == "2026-01-16T10:00:00Z"


def test_immediate_moves_waiting_returns_before_the_answer(client: TestClient) -> None:
    rid = waiting_return(client)
    put_progression(client, {"return": "immediate"})
    assert current_status(client, rid) == "REFUND_PENDING"


def test_a_helper_runs_the_immediate_steps_it_causes(client: TestClient) -> None:
    rid = waiting_return(client)
    put_progression(client, {"refund": "immediate"})
    # The helper's answer shows where its own steps left the return ...
    assert post(client, f"/returns/{rid}/advance", {"status": "REFUND_PENDING"})["status"] == (
        "REFUND_PENDING"
    )
    # ... and the refund they created was confirmed before the call ended: an API call
    # runs due steps only after its own answer, so this GET shows the helper's work.
    assert current_status(client, rid) == "COMPLETED"


def test_an_imported_state_follows_the_policies(client: TestClient) -> None:
    rid = waiting_return(client)
    snapshot = ok(client.get(f"{MOCK}/state"))
    put_progression(client, {"return": "after:2h"})
    ok(client.put(f"{MOCK}/state", json=snapshot))
    assert ok(client.get(f"{MOCK}/clock"))["nextDueAt"] == "2026-01-16T11:00:00Z"
    post(client, "/clock/advance", {"by": "2h"})
    assert current_status(client, rid) == "READY"


def test_resetting_a_merchant_drops_its_pending_steps(client: TestClient) -> None:
    waiting_return(client)
    put_progression(client, {"return": "after:1h"})
    assert pending(client) == 1
    post(client, f"/merchants/{API_KEY}/reset")
    assert pending(client) == 0


@pytest.mark.parametrize("body", [{"by": "99999999999d"}, {"by": "36501d"}])
def test_a_duration_too_long_is_a_400(client: TestClient, body: dict[str, str]) -> None:
    response = client.post(f"{MOCK}/clock/advance", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "by"
    response = client.put(f"{MOCK}/progression", json={"return": f"after:{body['by']}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "return"


def test_a_zero_delay_reads_back_as_written(client: TestClient) -> None:
    assert put_progression(client, {"refund": "after:0s"})["refund"] == "after:0s"
