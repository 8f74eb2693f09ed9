"""``--state-file``: a real server saves on a graceful shutdown and restores; a save on
demand, and what makes a checkpoint save (in process)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from mock_ingrid.jsonio import loads
from mock_ingrid.settings import Settings
from tests.api.flow import LINE_ID, ORDER_ID, seed_reference
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT
from tests.conftest import make_client
from tests.server import running_server


@pytest.mark.slow
def test_the_state_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    args = ["--state-file", str(state_file), "--freeze-time", "2026-01-16T09:00:00Z"]
    headers = {"x-api-key": "shop"}
    with running_server(args) as url, httpx.Client(base_url=url, headers=headers) as http:
        assert http.post("/products", json=REFERENCE_PRODUCT).status_code == 201
        assert http.post("/orders", json=REFERENCE_ORDER).status_code == 201
        body = {"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]}
        created = http.post(f"/orders/{ORDER_ID}/returns", json=body)
        assert created.status_code == 201, created.text
        moved = http.post("/_mock/returns/1/advance", json={"status": "IN_TRANSIT"})
        assert moved.status_code == 200, moved.text
        before = http.get("/_mock/state").json()
    assert state_file.is_file()
    with running_server(args) as url, httpx.Client(base_url=url, headers=headers) as http:
        assert http.get("/_mock/state").json() == before
        assert http.get("/returns/1").json()["status"] == "IN_TRANSIT"
        assert http.get("/merchant/return/1").json()["status"] == "IN_TRANSIT"


@pytest.mark.slow
def test_webhook_ids_are_not_reused_after_a_restart(tmp_path: Path) -> None:
    """Receivers deduplicate on ``webhook-id``: an event after a restart that reused
    one would be dropped by them as already seen."""
    args = ["--state-file", str(tmp_path / "state.json")]
    headers = {"x-api-key": "shop"}
    body = {"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]}
    seen: list[str] = []
    for run in range(2):
        with running_server(args) as url, httpx.Client(base_url=url, headers=headers) as http:
            if run == 0:
                assert http.post("/products", json=REFERENCE_PRODUCT).status_code == 201
                assert http.post("/orders", json=REFERENCE_ORDER).status_code == 201
            created = http.post(f"/orders/{ORDER_ID}/returns", json=body)
            assert created.status_code == 201, created.text
            events = http.get("/_mock/webhooks/events").json()["data"]
            assert [e["type"] for e in events] == ["RETURN_CREATED"]
            seen.append(events[0]["eventId"])
    assert seen[0] != seen[1], seen


def test_a_save_on_demand_answers_with_the_file_once_it_is_written(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    settings = Settings(state_file=state_file, save_interval=0)
    with make_client(settings) as client:
        seed_reference(client)
        saved = client.post("/_mock/state/save")
        assert saved.status_code == 200, saved.text
        assert saved.json() == {
            "path": str(state_file),
            "bytes": state_file.stat().st_size,
            "merchants": 1,
        }
        written = loads(state_file.read_bytes())
        assert written["merchants"] == loads(client.get("/_mock/state").content)["merchants"]
        assert set(written["server"]) == {"clock", "progression", "steps", "faults", "webhooks"}


def test_without_a_state_file_a_save_on_demand_is_a_409(client: TestClient) -> None:
    refused = client.post("/_mock/state/save")
    assert refused.status_code == 409
    assert refused.json()["code"] == "NO_STATE_FILE"


def test_only_a_change_makes_a_checkpoint_save(tmp_path: Path) -> None:
    """What changes: a request that can write, a domain event, a webhook attempt's
    outcome, a fault rule firing; reading changes nothing, so nothing is saved again."""
    settings = Settings(state_file=tmp_path / "state.json", save_interval=0)
    with make_client(settings) as client:
        persistence = client.app_state.persistence  # type: ignore[attr-defined]
        seed_reference(client)
        assert persistence.dirty
        assert client.post("/_mock/state/save").status_code == 200
        assert not persistence.dirty
        for path in ("/returns", "/_mock/state", "/_mock/clock", "/_mock/journal"):
            assert client.get(path).status_code == 200
        assert not persistence.dirty
        rule = {"status": 503, "path": "/returns", "method": "GET", "times": 1}
        assert client.post("/_mock/faults", json=rule).status_code == 201
        assert client.post("/_mock/state/save").status_code == 200
        assert client.get("/returns").status_code == 503  # the rule fired: it has one less
        assert persistence.dirty
