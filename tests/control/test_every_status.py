"""One return at a time through every status of both generations, with only the control
API and the public API: ``GET /returns/{id}`` (current) and ``GET /merchant/return/{id}``
(legacy) at each step, and the webhook events recorded on the way."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_ingrid.domain.lifecycle import ReturnStatus
from mock_ingrid.views.legacy_status import LegacyReturnStatus
from tests.control.steps import (
    API_KEY,
    MOCK,
    advance,
    create_return,
    current_status,
    events,
    legacy_status,
    ok,
    post,
    return_with_exchange,
    seed_reference,
)


def test_every_status_of_both_vocabularies(client: TestClient) -> None:
    seen_current: set[str] = set()
    seen_legacy: set[str] = set()

    def check(return_id: str, current: str, legacy: str) -> None:
        assert current_status(client, return_id) == current
        assert legacy_status(client, return_id) == legacy
        seen_current.add(current)
        seen_legacy.add(legacy)

    seed_reference(client)
    ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"autoConfirmReturns": False}))

    # 1: the happy path, step by step
    one = create_return(client)["returnId"]
    check(one, "PENDING", "PENDING")
    assert events(client) == ["RETURN_CREATED"]
    post(client, f"/returns/{one}/confirm")
    check(one, "CONFIRMED", "AWAITING_RETURN")
    post(client, f"/returns/{one}/label-ready")
    check(one, "READY", "AWAITING_RETURN")
    post(client, f"/returns/{one}/in-transit")
    check(one, "IN_TRANSIT", "IN_TRANSIT")
    post(client, f"/returns/{one}/deliver")
    check(one, "RECEIVED", "QUALITY_CHECK")
    assert events(client) == ["RETURN_CREATED"]
    advance(client, one, "REFUND_PENDING")
    check(one, "REFUND_PENDING", "AWAITING_REFUND")
    assert events(client)[1:] == ["RETURN_ARRIVED", "REFUND_PENDING_EXTERNAL"]
    advance(client, one, "COMPLETED")
    check(one, "COMPLETED", "COMPLETED")
    assert events(client)[-1] == "RETURN_COMPLETED"

    # 2: cancelled before it was sent
    two = create_return(client)["returnId"]
    advance(client, two, "CANCELLED")
    check(two, "CANCELLED", "CANCELLED")

    # 3: a complaint held for a manual review
    ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"autoConfirmReturns": True}))
    three = return_with_exchange(client, reason="DAMAGED")
    three_id = three["returnId"]
    advance(client, three_id, "RECEIVED")
    items = [
        {"returnItemId": item["returnItemId"], "quantity": item["quantity"], "action": "APPROVED"}
        for item in three["items"]
    ]
    report = ok(
        client.post(
            "/warehouse-reports",
            json={"returnId": three_id, "items": items, "reportProcessing": "MANUAL_REVIEW"},
        ),
        201,
    )
    check(three_id, "RECEIVED", "COMPLAINT_CHECK")
    post(client, f"/warehouse-reports/{report['warehouseReportId']}/approve")
    # only the exchange order is open
    check(three_id, "REFUND_PENDING", "AWAITING_EXCHANGE")
    assert "EXCHANGE_PENDING_EXTERNAL" in events(client)
    advance(client, three_id, "COMPLETED")
    check(three_id, "COMPLETED", "COMPLETED")

    assert seen_current == set(ReturnStatus)
    assert seen_legacy == set(LegacyReturnStatus)
