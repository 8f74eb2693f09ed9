"""The reference's overview, steps 1-5, with the reference's own example bodies."""

from __future__ import annotations

from decimal import Decimal

from starlette.testclient import TestClient

from mock_ingrid.runtime import Runtime
from tests.api.flow import LINE_ID, ORDER_ID, create_return, ok, report, seed_reference
from tests.builders import REFERENCE_ORDER


def test_products_orders_return_report_refund_confirmed(
    client: TestClient, runtime: Runtime
) -> None:
    runtime.state.merchant("test-key").settings.deductions.return_handling_cost = Decimal(10)
    runtime.state.merchant("test-key").settings.deductions.return_shipment_cost = Decimal(10)
    order = seed_reference(client)
    assert order["totalAmount"] == 599 and order["taxesAmount"] == 119.8

    created = create_return(client)
    assert created["status"] == "CONFIRMED"
    assert created["items"][0]["reason"] == {
        "code": "DOESNT_FIT",
        "label": "Doesn't fit",
        "subReasonCode": "WRONG_SIZE",
        "subReasonLabel": "Wrong size",
    }
    assert created["items"][0]["status"] == "PENDING"
    assert created["shipment"]["trackingReference"]

    accepted = report(client, created["returnId"])
    assert accepted["status"] == "PROCESSING"
    assert accepted["returnId"] == created["returnId"] and accepted["orderId"] == ORDER_ID

    pending = ok(client.get("/refund-transactions", params={"status": "AWAITING_EXTERNAL_REFUND"}))
    assert len(pending["data"]) == 1
    refund = pending["data"][0]
    assert refund["totalAmount"] == 279
    assert refund["totals"] == {"itemsAmount": 299, "shippingAmount": 0}
    assert refund["deductions"] == {"returnHandlingCost": 10, "returnShipmentCost": 10}
    assert refund["lineItems"] == [{"orderLineItemId": LINE_ID, "quantity": 1, "amount": 299}]
    assert ok(client.get(f"/returns/{created['returnId']}"))["status"] == "REFUND_PENDING"

    done = ok(
        client.post(
            f"/refund-transactions/{refund['refundTransactionId']}/complete",
            json={
                "amount": 279,
                "currencyCode": "SEK",
                "transactionId": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
            },
        )
    )
    assert done["status"] == "SUCCESS" and done["refundedAmount"] == 279
    assert ok(client.get(f"/returns/{created['returnId']}"))["status"] == "COMPLETED"
    assert (
        ok(client.get("/refund-transactions", params={"status": "AWAITING_EXTERNAL_REFUND"}))[
            "data"
        ]
        == []
    )


def test_fulfilment_by_patch_makes_units_returnable(client: TestClient) -> None:
    unshipped = {k: v for k, v in REFERENCE_ORDER.items() if k not in ("shipments", "shippedAt")}
    seed_reference(client)
    ok(client.post("/orders", json={**unshipped, "orderId": "UNSHIPPED"}), 201)
    refused = client.post(
        "/orders/UNSHIPPED/returns", json={"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "QUANTITY_NOT_RETURNABLE"
    patched = ok(
        client.patch(
            "/orders/UNSHIPPED",
            json={
                "shipments": [
                    {"shipmentId": "S1", "lineItems": [{"orderLineItemId": LINE_ID, "quantity": 1}]}
                ]
            },
        )
    )
    assert patched["orderName"] == "#1042"  # untouched fields stay
    ok(
        client.post(
            "/orders/UNSHIPPED/returns",
            json={"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]},
        ),
        201,
    )


def test_money_keeps_its_digits_on_the_wire(client: TestClient) -> None:
    seed_reference(client)
    body = {
        **REFERENCE_ORDER,
        "orderId": "CENTS",
        "shippingCost": 19.99,
        "totalAmount": 0.1,
        "taxesAmount": 1234567.891,
    }
    ok(client.post("/orders", json=body), 201)
    raw = client.get("/orders/CENTS").text
    assert '"shippingCost":19.99' in raw
    assert '"totalAmount":0.1' in raw
    assert '"taxesAmount":1234567.891' in raw
    # Digits a float would lose survive the round trip.
    raw_body = (
        '{"orderId": "EXACT", "currencyCode": "SEK", "shippingCost": 0, '
        '"totalAmount": 123456789012.345678, "shippingAddress": {}, "lineItems": '
        '[{"lineItemId": "A", "productId": "PROD-123", "variantId": "VAR-456", '
        '"quantity": 1, "originalUnitPrice": 0.000001}]}'
    )
    created = client.post("/orders", content=raw_body, headers={"content-type": "application/json"})
    assert created.status_code == 201, created.text
    assert '"totalAmount":123456789012.345678' in created.text
    assert '"originalUnitPrice":0.000001' in created.text
