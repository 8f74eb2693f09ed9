"""What the dashboard reads: returns newest first, and one return with the helpers and
actions its status allows (from the lifecycle tables) and its timeline."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.control.lifecycle import RETURN_HELPER_EVENTS
from mock_ingrid.control.routes import ROUTES
from mock_ingrid.domain.lifecycle import RETURN_LIFECYCLE
from mock_ingrid.ui.dashboard_data import allowed_helpers
from tests.api.flow import ORDER_ID, create_return, ok, report, seed_reference
from tests.control.helpers import API_KEY, control_client
from tests.oracle import load_spec

DATA = "/_mock/ui/data/returns"


@pytest.fixture
def client() -> Any:
    with control_client() as (client, _):
        seed_reference(client)
        yield client


def view(client: TestClient, return_id: str) -> dict[str, Any]:
    return ok(client.get(f"{DATA}/{return_id}"))  # type: ignore[no-any-return]


def test_returns_are_listed_newest_first_in_pages(client: TestClient) -> None:
    ids = [create_return(client)["returnId"] for _ in range(2)]
    page = ok(client.get(DATA, params={"size": 1}))
    assert [r["returnId"] for r in page["data"]] == [ids[1]]
    assert (page["total"], page["hasNext"]) == (2, True)
    older = ok(client.get(DATA, params={"size": 1, "page": 1}))
    assert [r["returnId"] for r in older["data"]] == [ids[0]]
    assert older["hasNext"] is False
    assert ok(client.get(DATA, params={"size": 1, "page": 2}))["data"] == []


def test_the_status_filter_reads_the_index(client: TestClient) -> None:
    first = create_return(client)["returnId"]
    create_return(client)
    ok(client.post(f"/_mock/returns/{first}/label-ready"))
    ready = ok(client.get(DATA, params={"status": "READY"}))
    assert [r["returnId"] for r in ready["data"]] == [first]
    refused = client.get(DATA, params={"status": "LOST"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "status"


def test_a_merchant_is_required(client: TestClient) -> None:
    del client.headers["x-api-key"]
    assert client.get(DATA).json()["code"] == "MERCHANT_REQUIRED"
    assert client.get(DATA, params={"merchant": API_KEY}).status_code == 200


def test_helpers_follow_the_lifecycle(client: TestClient) -> None:
    return_id = create_return(client)["returnId"]  # auto-confirmed
    shown = view(client, return_id)
    # (a warehouse may report a parcel that never had a carrier scan)
    assert shown["helpers"] == ["label-ready", "deliver", "no-return-needed"]
    assert "COMPLETED" in shown["advanceTo"] and "CONFIRMED" not in shown["advanceTo"]
    ok(client.post(f"/_mock/returns/{return_id}/advance", json={"status": "COMPLETED"}))
    done = view(client, return_id)
    assert (done["helpers"], done["advanceTo"]) == ([], [])


def test_every_helper_is_a_served_route_taking_a_lifecycle_event() -> None:
    served = {route.path for route in ROUTES}  # type: ignore[attr-defined]
    for name, event in RETURN_HELPER_EVENTS.items():
        assert f"/_mock/returns/{{returnId}}/{name}" in served
        assert event in RETURN_LIFECYCLE.events
    assert allowed_helpers("IN_TRANSIT") == ["deliver", "lost-in-transit", "no-return-needed"]


def test_inspection_and_settlement_with_their_actions(client: TestClient) -> None:
    return_id = create_return(client)["returnId"]
    ok(client.post(f"/_mock/returns/{return_id}/advance", json={"status": "RECEIVED"}))
    arrived = view(client, return_id)
    assert arrived["inspection"]["stage"] == "file"
    assert [item["quantity"] for item in arrived["inspection"]["items"]] == [1]
    report(client, return_id, manual=True)
    held = view(client, return_id)
    assert held["inspection"]["stage"] == "review"
    assert held["report"]["status"] == "AWAITING_REVIEW"
    ok(client.post(f"/_mock/warehouse-reports/{held['report']['warehouseReportId']}/approve"))
    settled = view(client, return_id)
    assert settled["inspection"]["stage"] == "done"
    [refund] = settled["refunds"]
    assert refund["actions"] == ["complete", "fail"]
    assert refund["refundTransaction"]["status"] == "AWAITING_EXTERNAL_REFUND"
    changes = [(row["entity"], row["to"]) for row in settled["timeline"]]
    assert changes[0] == ("return", "PENDING")
    assert ("report", "AWAITING_REVIEW") in changes
    assert ("refund", "AWAITING_EXTERNAL_REFUND") in changes
    assert [row["at"] for row in settled["timeline"]] == sorted(
        row["at"] for row in settled["timeline"]
    )


def test_an_unknown_return_is_the_apis_404(client: TestClient) -> None:
    assert client.get(f"{DATA}/999").json()["code"] == "RETURN_NOT_FOUND"


def test_the_pages_are_served(client: TestClient) -> None:
    for path in ("/_mock/ui", "/_mock/ui/returns/1?merchant=test-key"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
    home = client.get("/_mock/ui").text
    assert 'src="/_mock/ui/assets/dash-home.js"' in home
    assert '<option value="REFUND_PENDING">' in home  # the statuses, from the server
    for asset in ("dash.js", "dash-home.js", "dash-return.js"):
        assert client.get(f"/_mock/ui/assets/{asset}").status_code == 200


def test_the_catalogue_is_listed_newest_first_out_of_the_journal(client: TestClient) -> None:
    ok(client.post("/products", json={"productId": "LATER", "title": "Later"}), 201)
    products = ok(client.get("/_mock/ui/data/products", params={"size": 1}))
    assert [p["productId"] for p in products["data"]] == ["LATER"]
    assert (products["total"], products["hasNext"]) == (2, True)
    orders = ok(client.get("/_mock/ui/data/orders"))
    assert [o["orderId"] for o in orders["data"]] == [ORDER_ID]
    journaled = [entry["path"] for entry in ok(client.get("/_mock/journal"))["data"]]
    assert journaled == ["/products", "/orders", "/products"]  # the writes only


def test_the_entities_are_the_current_apis() -> None:
    control, current = load_spec("control"), load_spec("current")
    for name in ("Product", "Order"):
        assert control["components"]["schemas"][name] == current["components"]["schemas"][name]
