"""The lifecycle helpers: each step, an illegal step (the API's INVALID_STATUS), advance."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.control.steps import (
    API_KEY,
    MOCK,
    advance,
    assert_invalid_status,
    create_return,
    current_status,
    events,
    ok,
    post,
    return_with_exchange,
    seed_reference,
)


@pytest.fixture
def rid(client: TestClient) -> str:
    seed_reference(client)
    return_id: str = create_return(client)["returnId"]
    return return_id


def test_confirm_a_pending_return(client: TestClient) -> None:
    seed_reference(client)
    ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"autoConfirmReturns": False}))
    ret = create_return(client)
    assert ret["status"] == "PENDING"
    assert post(client, f"/returns/{ret['returnId']}/confirm")["status"] == "CONFIRMED"
    response = client.post(f"{MOCK}/returns/{ret['returnId']}/confirm")
    assert_invalid_status(response, f"return '{ret['returnId']}': it is CONFIRMED")


def test_the_carrier_steps_in_order(client: TestClient, rid: str) -> None:
    ready = post(client, f"/returns/{rid}/label-ready", {"trackingReference": "TRK-1"})
    assert ready["status"] == "READY"
    assert ready["shipment"]["trackingReference"] == "TRK-1"
    assert post(client, f"/returns/{rid}/in-transit")["status"] == "IN_TRANSIT"
    assert post(client, f"/returns/{rid}/deliver")["status"] == "RECEIVED"
    assert current_status(client, rid) == "RECEIVED"
    assert events(client) == ["RETURN_CREATED"]


def test_label_ready_without_a_body(client: TestClient, rid: str) -> None:
    assert post(client, f"/returns/{rid}/label-ready")["status"] == "READY"


@pytest.mark.parametrize(
    ("helper", "message"),
    [
        (
            "in-transit",
            "cannot scan in transit return '1': it is CONFIRMED; allowed from CONFIRMED",
        ),
        ("lost-in-transit", "return '1': it is CONFIRMED"),
    ],
)
def test_an_illegal_step_is_the_apis_invalid_status(
    client: TestClient, rid: str, helper: str, message: str
) -> None:
    body = assert_invalid_status(client.post(f"{MOCK}/returns/{rid}/{helper}"), message)
    assert body["details"]["status"] == "CONFIRMED"
    assert current_status(client, rid) == "CONFIRMED"


def test_lost_in_transit(client: TestClient, rid: str) -> None:
    advance(client, rid, "IN_TRANSIT")
    lost = post(client, f"/returns/{rid}/lost-in-transit")
    assert lost["status"] in ("REFUND_PENDING", "COMPLETED")
    response = client.post(f"{MOCK}/returns/{rid}/deliver")
    assert_invalid_status(response, f"return '{rid}'")


def test_no_return_needed(client: TestClient, rid: str) -> None:
    item_id = ok(client.get(f"/returns/{rid}"))["items"][0]["returnItemId"]
    kept = post(client, f"/returns/{rid}/no-return-needed", {"returnItemIds": [item_id]})
    assert kept["status"] == "REFUND_PENDING"
    response = client.post(f"{MOCK}/returns/{rid}/no-return-needed", json={"returnItemIds": []})
    assert response.status_code == 400 and response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    "status", ["READY", "IN_TRANSIT", "RECEIVED", "REFUND_PENDING", "COMPLETED", "CANCELLED"]
)
def test_advance_to_each_status(client: TestClient, rid: str, status: str) -> None:
    advance(client, rid, status)
    assert current_status(client, rid) == status


def test_advance_to_confirmed_and_pending(client: TestClient) -> None:
    seed_reference(client)
    ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"autoConfirmReturns": False}))
    first = create_return(client)["returnId"]
    assert current_status(client, first) == "PENDING"
    advance(client, first, "CONFIRMED")
    body = assert_invalid_status(
        client.post(f"{MOCK}/returns/{first}/advance", json={"status": "PENDING"}),
        f"return '{first}': no path leads from CONFIRMED to PENDING",
    )
    assert body["details"]["status"] == "CONFIRMED"


def test_advance_rejects_an_unknown_status(client: TestClient, rid: str) -> None:
    response = client.post(f"{MOCK}/returns/{rid}/advance", json={"status": "SHIPPED"})
    assert response.status_code == 400 and response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["errors"][0]["path"] == "status"


def test_the_merchant_is_a_header_or_a_query_parameter(client: TestClient, rid: str) -> None:
    del client.headers["x-api-key"]
    response = client.post(f"{MOCK}/returns/{rid}/in-transit")
    assert response.status_code == 400 and response.json()["code"] == "MERCHANT_REQUIRED"
    ready = ok(client.post(f"{MOCK}/returns/{rid}/label-ready", params={"merchant": API_KEY}))
    assert ready["status"] == "READY"
    missing = client.post(f"{MOCK}/returns/{rid}/label-ready", params={"merchant": "other"})
    assert missing.status_code == 404 and missing.json()["code"] == "RETURN_NOT_FOUND"


def test_a_body_that_is_not_json_is_a_415(client: TestClient, rid: str) -> None:
    response = client.post(
        f"{MOCK}/returns/{rid}/advance", content=b"<x/>", headers={"content-type": "text/xml"}
    )
    assert response.status_code == 415 and response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


def _report(client: TestClient, ret: dict[str, Any], manual: bool) -> dict[str, Any]:
    items = [
        {"returnItemId": i["returnItemId"], "quantity": i["quantity"], "action": "APPROVED"}
        for i in ret["items"]
    ]
    body = {
        "returnId": ret["returnId"],
        "items": items,
        "reportProcessing": "MANUAL_REVIEW" if manual else "PROCESS_IMMEDIATELY",
    }
    created: dict[str, Any] = ok(client.post("/warehouse-reports", json=body), 201)
    return created


def test_reports_under_review_are_approved_or_rejected(client: TestClient) -> None:
    seed_reference(client)
    first, second = create_return(client), create_return(client)
    for ret in (first, second):
        advance(client, ret["returnId"], "RECEIVED")
    one = _report(client, first, manual=True)["warehouseReportId"]
    two = _report(client, second, manual=True)["warehouseReportId"]
    assert ok(client.get(f"{MOCK}/warehouse-reports/{one}"))["status"] == "AWAITING_REVIEW"
    assert post(client, f"/warehouse-reports/{one}/approve")["status"] == "PROCESSED"
    assert current_status(client, first["returnId"]) == "REFUND_PENDING"
    assert post(client, f"/warehouse-reports/{two}/reject")["status"] == "REJECTED"
    again = client.post(f"{MOCK}/warehouse-reports/{one}/approve")
    assert again.status_code == 400 and again.json()["code"] == "INVALID_STATUS"
    missing = client.get(f"{MOCK}/warehouse-reports/nope")
    assert missing.status_code == 404


def test_refunds_fail_and_are_retried(client: TestClient, rid: str) -> None:
    advance(client, rid, "REFUND_PENDING")
    (refund,) = ok(client.get("/refund-transactions"))["data"]
    refund_id = refund["refundTransactionId"]
    retry_first = client.post(f"{MOCK}/refund-transactions/{refund_id}/retry")
    assert_invalid_status(retry_first, f"'{refund_id}'")
    assert post(client, f"/refund-transactions/{refund_id}/fail")["status"] == "FAILED"
    assert post(client, f"/refund-transactions/{refund_id}/retry")["status"] != "FAILED"
    advance(client, rid, "COMPLETED")


def test_an_exchange_is_created_and_cancelled(client: TestClient) -> None:
    seed_reference(client)
    ret = return_with_exchange(client)
    advance(client, ret["returnId"], "REFUND_PENDING")
    (exchange,) = ok(client.get("/exchanges"))["data"]
    assert exchange["returnId"] == ret["returnId"]
    cancelled = post(client, f"/exchanges/{exchange['exchangeOrderId']}/cancel")
    assert cancelled["status"] == "CANCELLED"
    again = client.post(f"{MOCK}/exchanges/{exchange['exchangeOrderId']}/cancel")
    assert_invalid_status(again, exchange["exchangeOrderId"])
    assert "EXCHANGE_PENDING_EXTERNAL" in events(client)


def test_create_return_with_exchange_needs_a_known_order(client: TestClient) -> None:
    seed_reference(client)
    body = {"items": [{"orderLineItemId": "L", "quantity": 1}]}
    response = client.post(f"{MOCK}/orders/nope/returns", json=body)
    assert response.status_code == 404 and response.json()["code"] == "ORDER_NOT_FOUND"
