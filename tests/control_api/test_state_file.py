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
