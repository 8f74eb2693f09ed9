"""``--state-file`` end to end: a real server saves on a graceful shutdown and restores."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.flow import LINE_ID, ORDER_ID
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT
from tests.server import running_server

pytestmark = pytest.mark.slow


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
