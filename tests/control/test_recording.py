"""Demo to test: a session recorded through both API generations and the /_mock helpers,
exported as a scenario, replays green with the real runner on a fresh, empty server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_ingrid.scenarios import ScenarioFailed, run_scenario
from mock_ingrid.testing import MockIngrid
from tests.control.helpers import control_client, ok
from tests.server import ROOT, run_cli, running_server

KEY = "shop-key"
OTHER = "other-shop"
PRODUCT = {
    "productId": "TEE",
    "title": "Classic $5 T-Shirt",
    "variants": [
        {"variantId": "TEE-M", "title": "M", "sku": "TS-M"},
        {"variantId": "TEE-L", "title": "L", "sku": "TS-L"},
    ],
}
ORDER = {
    "orderId": "ORD-1",
    "orderName": "#1001",
    "currencyCode": "SEK",
    "shippingCost": 49,
    "totalAmount": 647.5,
    "shippingAddress": {"firstName": "Anna", "countryCode": "SE"},
    "lineItems": [
        {
            "lineItemId": line,
            "productId": "TEE",
            "variantId": "TEE-M",
            "originalUnitPrice": 299.25,
            "discountedUnitPrice": 299.25,
            "quantity": 1,
        }
        for line in ("L1", "L2")
    ],
    "shipments": [
        {
            "shipmentId": "SHIP-1",
            "trackingReference": "TRK1",
            "lineItems": [
                {"orderLineItemId": "L1", "quantity": 1},
                {"orderLineItemId": "L2", "quantity": 1},
            ],
        }
    ],
}
EXCHANGE_AND_REFUND = {
    "items": [
        {
            "orderLineItemId": "L1",
            "quantity": 1,
            "reason": {"code": "DOESNT_FIT"},
            "exchangeTo": {"productId": "TEE", "variantId": "TEE-L"},
        },
        {"orderLineItemId": "L2", "quantity": 1, "reason": {"code": "DOESNT_FIT"}},
    ]
}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with control_client(api_key=KEY) as (test_client, _):
        yield test_client


@pytest.fixture(scope="module")
def fresh() -> Iterator[MockIngrid]:
    """The replay's server: a new one, nothing loaded (scenarios reset their merchant)."""
    with MockIngrid(webhooks=False) as handle:
        yield handle


def session(client: TestClient) -> str:
    """A return with an exchange and a refund, through to COMPLETED: current API,
    legacy API and /_mock helpers; the ids are found as a client finds them."""
    ok(client.post("/products", json=PRODUCT))
    ok(client.post("/orders", json=ORDER))
    created = client.post("/_mock/orders/ORD-1/returns", json=EXCHANGE_AND_REFUND)
    return_id: str = ok(created)["returnId"]
    ok(
        client.post(
            "/_mock/webhooks/subscriptions", json={"merchant": KEY, "url": "http://127.0.0.1:9/h"}
        )
    )
    for helper in ("label-ready", "in-transit"):
        ok(client.post(f"/_mock/returns/{return_id}/{helper}"))
    legacy = ok(client.get(f"/merchant/return/{return_id}"))
    injected = client.get("/returns", headers={"x-mock-fault": "status=503"})
    assert injected.status_code == 503
    refused = client.post(
        "/products", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert refused.status_code == 400
    assert client.post(f"/_mock/returns/{return_id}/cancel").status_code == 404  # recorded too
    report = {
        "foreignOrderId": "ORD-1",
        "returnId": legacy["id"],
        "items": [{"sku": "TS-M", "quantity": 2, "approved": True}],
    }
    ok(client.post("/merchant/items/returned", json=report))
    exchange = ok(client.get("/exchanges"))["data"][0]["exchangeOrderId"]
    ok(client.post(f"/exchanges/{exchange}/complete", json={"completedOrderId": "ORD-2"}))
    ok(client.post("/_mock/clock/advance", json={"by": "1h"}))
    refunds = ok(client.get("/refund-transactions", params={"status": "AWAITING_EXTERNAL_REFUND"}))
    refund = refunds["data"][0]
    payment = {"amount": refund["totalAmount"], "currencyCode": "SEK", "transactionId": "ch_1"}
    done = client.post(
        f"/refund-transactions/{refund['refundTransactionId']}/complete", json=payment
    )
    assert ok(done)["status"] == "SUCCESS"
    assert ok(client.get(f"/returns/{return_id}"))["status"] == "COMPLETED"
    return return_id


def record(client: TestClient, work: Any) -> dict[str, Any]:
    assert ok(client.post("/_mock/recording/start"))["state"] == "recording"
    work(client)
    status = ok(client.get("/_mock/recording"))
    assert status["state"] == "recording" and status["calls"] > 0
    assert ok(client.post("/_mock/recording/stop"))["state"] == "stopped"
    exported = client.get("/_mock/recording/export", params={"name": "my-demo"})
    assert exported.headers["content-disposition"] == 'attachment; filename="my-demo.json"'
    document: dict[str, Any] = ok(exported)
    return document


def replay(document: dict[str, Any], server: MockIngrid, tmp_path: Path) -> list[str]:
    path = tmp_path / "recorded.json"
    path.write_text(json.dumps(document, indent=2))
    lines: list[str] = []
    run_scenario(path, server.base_url, say=lines.append)
    return lines


def test_a_recorded_session_replays_green_on_a_fresh_server(
    client: TestClient, fresh: MockIngrid, tmp_path: Path
) -> None:
    document = record(client, session)
    assert document["apiKey"] == KEY
    paths = [step["request"]["path"] for step in document["steps"]]
    # the server's ids are references to the answer that made them
    assert any(p.startswith("/_mock/returns/$step") and p.endswith("/label-ready") for p in paths)
    assert any(p.startswith("/refund-transactions/$step") for p in paths)
    assert any(p.startswith("/exchanges/$step") for p in paths)
    # the opening step puts the frozen clock back; the statuses are expected
    assert document["steps"][0]["request"]["path"] == "/_mock/clock/freeze"
    last = document["steps"][-1]
    assert last["expect"] == {"status": 200, "body": {"status": "COMPLETED"}}
    assert "$$5" in json.dumps(document)  # a "$" sent is not a reference
    legacy_report = next(s for s in document["steps"] if s["request"]["path"].endswith("returned"))
    assert legacy_report["request"]["body"]["returnId"].endswith(".id")  # the legacy number
    faulted = next(s for s in document["steps"] if "headers" in s["request"])
    assert faulted["request"]["headers"] == {"x-mock-fault": "status=503"}
    assert faulted["expect"] == {"status": 503}
    assert document["leftOut"] == ["POST /products -> 400: its body is not JSON"]
    lines = replay(document, fresh, tmp_path)
    assert lines[-1] == f"scenario recorded: passed ({len(document['steps'])} steps)"


def test_the_cli_replays_an_export(client: TestClient, tmp_path: Path) -> None:
    document = record(client, session)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(document))
    done = run_cli("scenario", "run", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "scenario demo: passed" in done.stdout


def test_a_recording_started_on_loaded_data_replays_on_an_empty_server(
    client: TestClient, fresh: MockIngrid, tmp_path: Path
) -> None:
    fixture = json.loads((ROOT / "fixtures" / "demo-shop.json").read_text())
    ok(client.post("/_mock/fixtures", json=fixture))
    ok(client.post("/_mock/merchants", json={"apiKey": OTHER}))
    ok(client.post("/products", json=PRODUCT, headers={"x-api-key": OTHER}))

    def on_the_demo_shop(c: TestClient) -> None:
        demo = {"x-api-key": "demo-key"}
        orders = ok(c.get("/orders", headers=demo))["data"]
        returns = ok(c.get(f"/orders/{orders[0]['orderId']}/returns", headers=demo))["data"]
        assert returns is not None
        session(c)  # the scenario's own merchant
        ok(c.post("/orders", json={**ORDER, "orderId": "ORD-9"}, headers={"x-api-key": OTHER}))

    document = record(client, on_the_demo_shop)
    restore = document["steps"][1]
    assert restore["request"]["path"] == "/_mock/state"
    assert {m["apiKey"] for m in restore["request"]["body"]["merchants"]} == {"demo-key", OTHER}
    assert any(step["request"].get("apiKey") == OTHER for step in document["steps"])
    replay(document, fresh, tmp_path)


def test_a_changed_answer_fails_the_replay_at_its_step(
    client: TestClient, fresh: MockIngrid, tmp_path: Path
) -> None:
    document = record(client, session)
    last = document["steps"][-1]
    last["expect"]["body"]["status"] = "REFUND_PENDING"
    with pytest.raises(ScenarioFailed, match=rf"step {len(document['steps'])} \(step"):
        replay(document, fresh, tmp_path)


def test_start_twice_stop_idle_and_export_nothing_are_refused(client: TestClient) -> None:
    assert client.get("/_mock/recording/export").json()["code"] == "NO_RECORDING"
    assert client.post("/_mock/recording/stop").json()["code"] == "NOT_RECORDING"
    ok(client.post("/_mock/recording/start"))
    again = client.post("/_mock/recording/start")
    assert again.status_code == 409 and again.json()["code"] == "RECORDING_RUNNING"
    bad = client.get("/_mock/recording/export", params={"name": "../x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "name"


def test_reset_discards_the_recording(client: TestClient) -> None:
    ok(client.post("/_mock/recording/start"))
    ok(client.post("/products", json=PRODUCT))
    ok(client.post("/_mock/reset"))
    assert ok(client.get("/_mock/recording")) == {
        "state": "idle",
        "startedAt": None,
        "stoppedAt": None,
        "calls": 0,
    }


def test_reads_are_kept_once_and_mock_reads_only_when_their_ids_are_used(
    client: TestClient,
) -> None:
    def polling(c: TestClient) -> None:
        ok(c.post("/products", json=PRODUCT))
        for _ in range(3):  # a dashboard polls
            ok(c.get("/products"))
            ok(c.get("/_mock/merchants"))
        ok(c.post("/orders", json=ORDER))
        items = [{"orderLineItemId": "L1", "quantity": 1, "reason": {"code": "DOESNT_FIT"}}]
        ok(c.post("/orders/ORD-1/returns", json={"items": items}))
        event = ok(c.get("/_mock/webhooks/events", params={"merchant": KEY}))["data"][0]
        c.post(f"/_mock/webhooks/events/{event['eventId']}/resend")
        fault = ok(c.post("/_mock/faults", json={"path": "/returns", "status": 503}))
        ok(c.delete(f"/_mock/faults/{fault['faultId']}"))

    document = record(client, polling)
    lines = [f"{s['request']['method']} {s['request']['path']}" for s in document["steps"]]
    assert lines[1:] == [
        "POST /products",
        "GET /products",
        "POST /orders",
        "POST /orders/ORD-1/returns",
        f"GET /_mock/webhooks/events?merchant={KEY}",
        "POST /_mock/webhooks/events/$step6.data.0.eventId/resend",
        "POST /_mock/faults",
        "DELETE /_mock/faults/$step8.faultId",
    ]


def test_a_mock_call_naming_its_merchant_in_the_query_replays_without_a_key(
    fresh: MockIngrid, tmp_path: Path
) -> None:
    with control_client(api_key=None) as (client, _):
        as_shop = {"x-api-key": KEY}
        ok(client.post("/_mock/recording/start"))
        ok(client.post("/products", json=PRODUCT, headers=as_shop))
        ok(client.post("/orders", json=ORDER, headers=as_shop))
        items = [{"orderLineItemId": "L1", "quantity": 1, "reason": {"code": "DOESNT_FIT"}}]
        created = ok(client.post("/orders/ORD-1/returns", json={"items": items}, headers=as_shop))
        path = f"/_mock/returns/{created['returnId']}/label-ready"
        ok(client.post(path, params={"merchant": KEY}))
        document = ok(client.get("/_mock/recording/export"))
    helper = document["steps"][-1]["request"]
    assert helper["apiKey"] is None
    assert helper["path"] == f"/_mock/returns/$step4.returnId/label-ready?merchant={KEY}"
    replay(document, fresh, tmp_path)


@pytest.mark.slow
def test_a_served_recording_starts_from_the_state_of_its_start(tmp_path: Path) -> None:
    """``mock-ingrid serve`` writes the start state in a forked copy of itself: what the
    export restores is the state as the recording started, not as it was exported,
    and the calls made since replay on top of it, green on an empty server."""
    with (
        running_server(["--fixtures", "demo-shop"]) as base_url,
        httpx.Client(base_url=base_url, headers={"x-api-key": "demo-key"}) as c,
    ):
        products_before = {p["productId"] for p in ok(c.get("/products"))["data"]}
        started = c.post("/_mock/recording/start")
        assert started.status_code == 201 and started.json()["state"] == "recording"
        ok(c.post("/products", json={**PRODUCT, "productId": "NEW"}))
        document: dict[str, Any] = ok(c.get("/_mock/recording/export"))
        restore = next(s for s in document["steps"] if s["request"]["path"] == "/_mock/state")
        (demo,) = restore["request"]["body"]["merchants"]
        assert {p["productId"] for p in demo["products"]} == products_before
        assert "NEW" not in products_before
        posted = [s for s in document["steps"] if s["request"]["path"] == "/products"]
        assert [s["request"]["body"]["productId"] for s in posted] == ["NEW"]
        # a reset discards the recording, its start state with it
        ok(c.post("/_mock/reset"))
        assert c.get("/_mock/recording/export").json()["code"] == "NO_RECORDING"
    path = tmp_path / "served.json"
    path.write_text(json.dumps(document))
    with MockIngrid(webhooks=False) as empty:
        lines: list[str] = []
        run_scenario(path, empty.base_url, say=lines.append)
    assert lines[-1].endswith(f"passed ({len(document['steps'])} steps)")


def test_a_start_state_that_cannot_be_written_is_a_503_and_no_recording(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(client.post("/products", json=PRODUCT))

    def no_room(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mock_ingrid.control.start_state.tempfile.TemporaryFile", no_room)
    refused = client.post("/_mock/recording/start")
    assert refused.status_code == 503
    assert refused.json()["code"] == "RECORDING_FAILED"
    assert "No space left on device" in refused.json()["message"]
    assert ok(client.get("/_mock/recording"))["state"] == "idle"
