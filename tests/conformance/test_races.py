"""Races: 50 concurrent clients against one return, over real HTTP connections.

Exactly one of the competing requests wins, the others get a clear 4xx, the state is
the winner's, and every event fired once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_ingrid.testing import MockIngrid
from tests.builders import REFERENCE_PRODUCT

CLIENTS = 50
KEY = "race-key"


@pytest.fixture(scope="module")
def server() -> Iterator[MockIngrid]:
    with MockIngrid(api_key=KEY, webhooks=False) as mock:
        yield mock


@pytest.fixture
def sandbox(server: MockIngrid) -> MockIngrid:
    server.reset()
    return server


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seed_return(mock: MockIngrid, units: int = 2) -> dict[str, Any]:
    """A shipped order of ``units`` units and a confirmed return of all of them."""
    http = mock.client
    _ok(http.post("/products", json=REFERENCE_PRODUCT), 201)
    order = {
        "orderId": "RACE-1",
        "currencyCode": "SEK",
        "shippingCost": 0,
        "totalAmount": 299 * units,
        "shippingAddress": {"firstName": "A", "lastName": "B", "countryCode": "SE"},
        "lineItems": [
            {
                "lineItemId": "L1",
                "productId": "PROD-123",
                "variantId": "VAR-456",
                "sku": "TS-M-BLK",
                "title": "T-Shirt",
                "originalUnitPrice": 299,
                "discountedUnitPrice": 299,
                "quantity": units,
            }
        ],
        "shipments": [
            {
                "shipmentId": "S1",
                "trackingReference": "TRK-RACE",
                "lineItems": [{"orderLineItemId": "L1", "quantity": units}],
            }
        ],
    }
    _ok(http.post("/orders", json=order), 201)
    items = [{"orderLineItemId": "L1", "quantity": units}]
    return _ok(http.post("/orders/RACE-1/returns", json={"items": items}), 201)  # type: ignore[no-any-return]


def report_body(ret: dict[str, Any]) -> dict[str, Any]:
    item = ret["items"][0]
    return {
        "returnId": ret["returnId"],
        "reportProcessing": "PROCESS_IMMEDIATELY",
        "items": [
            {
                "returnItemId": item["returnItemId"],
                "quantity": item["quantity"],
                "action": "APPROVED",
            }
        ],
    }


def race(mock: MockIngrid, requests: list[tuple[str, str, Any]]) -> list[httpx.Response]:
    """Send every request at once, each on its own connection."""

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests))
        async with httpx.AsyncClient(
            base_url=mock.base_url, headers={"x-api-key": KEY}, limits=limits, timeout=30
        ) as http:
            start = asyncio.Event()

            async def one(method: str, path: str, body: Any) -> httpx.Response:
                await start.wait()
                return await http.request(method, path, json=body)

            tasks = [asyncio.create_task(one(*request)) for request in requests]
            await asyncio.sleep(0)  # let every task reach the starting line
            start.set()
            return await asyncio.gather(*tasks)

    return asyncio.run(run())


def outcome(responses: list[httpx.Response]) -> tuple[list[httpx.Response], Counter[int]]:
    for response in responses:
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            error = response.json()
            assert error["code"] and error["message"], error
    winners = [r for r in responses if r.status_code < 400]
    return winners, Counter(r.status_code for r in responses)


def events(mock: MockIngrid) -> Counter[tuple[str, str]]:
    listed = mock.control("GET", "/webhooks/events")["data"]
    return Counter((e["type"], e["entityId"]) for e in listed)


def test_fifty_reports_of_one_return_one_wins(sandbox: MockIngrid) -> None:
    ret = seed_return(sandbox)
    body = report_body(ret)
    winners, codes = outcome(race(sandbox, [("POST", "/warehouse-reports", body)] * CLIENTS))
    assert len(winners) == 1, codes
    assert codes[400] == CLIENTS - 1, codes
    refunds = _ok(sandbox.client.get("/refund-transactions"))["data"]
    assert len(refunds) == 1 and refunds[0]["totalAmount"] == 598
    fired = events(sandbox)
    assert fired[("RETURN_ARRIVED", winners[0].json()["warehouseReportId"])] == 1
    assert fired[("REFUND_PENDING_EXTERNAL", refunds[0]["refundTransactionId"])] == 1
    assert sum(n for (kind, _), n in fired.items() if kind == "RETURN_ARRIVED") == 1


def test_fifty_completions_of_one_refund_one_wins(sandbox: MockIngrid) -> None:
    ret = seed_return(sandbox)
    _ok(sandbox.client.post("/warehouse-reports", json=report_body(ret)), 201)
    refund = _ok(sandbox.client.get("/refund-transactions"))["data"][0]
    path = f"/refund-transactions/{refund['refundTransactionId']}/complete"
    requests = [
        ("POST", path, {"amount": n + 1, "currencyCode": "SEK", "transactionId": f"TX-{n}"})
        for n in range(CLIENTS)
    ]
    winners, codes = outcome(race(sandbox, requests))
    assert len(winners) == 1, codes
    assert codes[400] == CLIENTS - 1, codes
    won = winners[0].json()
    stored = _ok(sandbox.client.get(f"/refund-transactions/{refund['refundTransactionId']}"))
    assert stored["status"] == "SUCCESS"
    assert (stored["refundedAmount"], stored["transactionId"]) == (
        won["refundedAmount"],
        won["transactionId"],
    )
    assert _ok(sandbox.client.get(f"/returns/{ret['returnId']}"))["status"] == "COMPLETED"
    assert events(sandbox)[("RETURN_COMPLETED", ret["returnId"])] == 1


def test_cancel_against_report_one_wins(sandbox: MockIngrid) -> None:
    ret = seed_return(sandbox)
    cancel = ("POST", f"/returns/{ret['returnId']}/cancel", None)
    report = ("POST", "/warehouse-reports", report_body(ret))
    requests = [cancel if n % 2 else report for n in range(CLIENTS)]
    winners, codes = outcome(race(sandbox, requests))
    assert len(winners) == 1, codes
    stored = _ok(sandbox.client.get(f"/returns/{ret['returnId']}"))
    refunds = _ok(sandbox.client.get("/refund-transactions"))["data"]
    if winners[0].request.url.path.endswith("/cancel"):
        assert stored["status"] == "CANCELLED" and refunds == []
        assert "RETURN_ARRIVED" not in {kind for kind, _ in events(sandbox)}
    else:
        assert stored["status"] == "REFUND_PENDING" and len(refunds) == 1
        assert sum(n for (kind, _), n in events(sandbox).items() if kind == "RETURN_ARRIVED") == 1


def test_fifty_returns_of_the_same_units_one_wins(sandbox: MockIngrid) -> None:
    ret = seed_return(sandbox)
    _ok(sandbox.client.post(f"/returns/{ret['returnId']}/cancel"), 200)
    body = {"items": [{"orderLineItemId": "L1", "quantity": 2}]}
    winners, codes = outcome(race(sandbox, [("POST", "/orders/RACE-1/returns", body)] * CLIENTS))
    assert len(winners) == 1, codes
    listed = _ok(sandbox.client.get("/orders/RACE-1/returns"))["data"]
    assert sorted(r["status"] for r in listed) == ["CANCELLED", "CONFIRMED"]


def test_the_server_still_answers_after_the_races(sandbox: MockIngrid) -> None:
    assert sandbox.client.get("/_mock/health").status_code == 200
