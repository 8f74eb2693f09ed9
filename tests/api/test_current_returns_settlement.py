"""Operations 12-21: returns, cancellation, warehouse reports, refunds and exchanges."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_ingrid.domain import returns as domain_returns
from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.runtime import Runtime
from tests.api.flow import LINE_ID, ORDER_ID, create_return, ok, report, seed_reference
from tests.oracle import load_spec


def test_get_return_and_404(client: TestClient) -> None:
    seed_reference(client)
    created = create_return(client)
    assert ok(client.get(f"/returns/{created['returnId']}")) == created
    missing = client.get("/returns/404404")
    assert missing.status_code == 404 and missing.json()["code"] == "RETURN_NOT_FOUND"


def test_cancel_before_receipt_then_refused(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)
    cancelled = ok(client.post(f"/returns/{first['returnId']}/cancel"))
    assert cancelled["status"] == "CANCELLED"
    assert [i["status"] for i in cancelled["items"]] == ["PENDING"]  # as the reference shows
    again = client.post(f"/returns/{first['returnId']}/cancel")
    assert again.status_code == 400
    assert again.json()["code"] == "INVALID_STATUS"
    assert again.json()["details"]["status"] == "CANCELLED"
    second = create_return(client)  # the cancelled return freed its unit
    report(client, second["returnId"])
    refused = client.post(f"/returns/{second['returnId']}/cancel")
    assert refused.status_code == 400
    assert "REFUND_PENDING" in refused.json()["message"]
    assert client.post("/returns/999/cancel").status_code == 404


def test_report_by_tracking_reference_and_by_order(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)
    by_tracking = ok(
        client.post(
            "/warehouse-reports",
            json={
                "shipmentTrackingReference": first["shipment"]["trackingReference"],
                "items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "DENIED"}],
                "returnStation": "Stockholm DC",
                "comment": "torn",
            },
        ),
        201,
    )
    assert by_tracking["returnId"] == first["returnId"]
    assert by_tracking["returnStation"] == "Stockholm DC"
    assert ok(client.get(f"/returns/{first['returnId']}"))["status"] == "COMPLETED"
    second = create_return(client)
    by_order = ok(
        client.post(
            "/warehouse-reports",
            json={
                "orderId": ORDER_ID,
                "items": [{"orderLineItemId": LINE_ID, "quantity": 1, "action": "APPROVED"}],
            },
        ),
        201,
    )
    assert by_order["returnId"] == second["returnId"]


def test_report_errors(client: TestClient) -> None:
    seed_reference(client)
    created = create_return(client)
    no_key = client.post(
        "/warehouse-reports",
        json={"items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "APPROVED"}]},
    )
    assert no_key.status_code == 400 and no_key.json()["errors"][0]["code"] == "MISSING_MATCH_KEY"
    unknown = client.post(
        "/warehouse-reports",
        json={
            "returnId": "999",
            "items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "APPROVED"}],
        },
    )
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["path"] == "returnId"
    bad_action = client.post(
        "/warehouse-reports",
        json={
            "returnId": created["returnId"],
            "items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "MAYBE"}],
        },
    )
    assert bad_action.status_code == 400
    assert bad_action.json()["errors"][0] == {
        "location": "body",
        "path": "items[0].action",
        "code": "INVALID_ENUM",
        "message": "Input should be 'APPROVED' or 'DENIED'",
    }
    too_many = client.post(
        "/warehouse-reports",
        json={
            "returnId": created["returnId"],
            "items": [{"sku": "TS-M-BLK", "quantity": 2, "action": "APPROVED"}],
        },
    )
    assert too_many.json()["errors"][0]["code"] == "QUANTITY_EXCEEDS_RETURN"
    assert (
        ok(client.get(f"/returns/{created['returnId']}"))["status"] == "CONFIRMED"
    )  # nothing applied
    report(client, created["returnId"])
    twice = client.post(
        "/warehouse-reports",
        json={
            "returnId": created["returnId"],
            "items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "APPROVED"}],
        },
    )
    assert twice.status_code == 400 and "already inspected" in twice.json()["message"]
    assert twice.json()["message"].startswith(
        f"cannot accept a warehouse report for return '{created['returnId']}'"
    )
    assert twice.json()["details"]["status"] == "REFUND_PENDING"


def test_a_report_for_a_cancelled_return_is_refused_and_changes_nothing(
    client: TestClient,
) -> None:
    seed_reference(client)
    created = create_return(client)
    ok(client.post(f"/returns/{created['returnId']}/cancel"))
    refused = client.post(
        "/warehouse-reports",
        json={
            "returnId": created["returnId"],
            "items": [{"sku": "TS-M-BLK", "quantity": 1, "action": "APPROVED"}],
        },
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_STATUS"
    assert refused.json()["details"]["status"] == "CANCELLED"
    assert "it is CANCELLED" in refused.json()["message"]
    assert ok(client.get(f"/returns/{created['returnId']}"))["status"] == "CANCELLED"
    assert ok(client.get("/refund-transactions"))["data"] == []


def test_manual_review_holds_the_refund(client: TestClient, runtime: Runtime) -> None:
    seed_reference(client)
    created = create_return(client)
    accepted = report(client, created["returnId"], manual=True)
    assert accepted["reportProcessing"] == "MANUAL_REVIEW"
    assert ok(client.get(f"/returns/{created['returnId']}"))["status"] == "RECEIVED"
    assert ok(client.get("/refund-transactions"))["data"] == []


def test_refund_complete_errors(client: TestClient) -> None:
    seed_reference(client)
    created = create_return(client)
    report(client, created["returnId"])
    refund_id = ok(client.get("/refund-transactions"))["data"][0]["refundTransactionId"]
    url = f"/refund-transactions/{refund_id}/complete"
    wrong_currency = client.post(url, json={"amount": 299, "currencyCode": "EUR"})
    assert (
        wrong_currency.status_code == 400
        and wrong_currency.json()["errors"][0]["code"] == "CURRENCY_MISMATCH"
    )
    missing = client.post(url, json={"currencyCode": "SEK"})
    assert missing.json()["errors"][0]["path"] == "amount"
    negative = client.post(url, json={"amount": -1, "currencyCode": "SEK"})
    assert negative.status_code == 400
    ok(client.post(url, json={"amount": 299, "currencyCode": "SEK"}))
    twice = client.post(url, json={"amount": 299, "currencyCode": "SEK"})
    assert twice.status_code == 400 and "SUCCESS" in twice.json()["message"]
    assert client.get("/refund-transactions/999").status_code == 404
    assert (
        client.post(
            "/refund-transactions/999/complete", json={"amount": 1, "currencyCode": "SEK"}
        ).status_code
        == 404
    )


def test_exchange_complete_exactly_once(client: TestClient, runtime: Runtime) -> None:
    seed_reference(client)
    m = runtime.state.merchant("test-key")
    ret = domain_returns.create_return(
        m,
        ORDER_ID,
        [
            ReturnItemInput(
                LINE_ID, 1, exchange_to_product_id="PROD-123", exchange_to_variant_id="VAR-789"
            )
        ],
    )
    report(client, ret.return_id)
    listed = ok(client.get("/exchanges", params={"status": "AWAITING_EXTERNAL_HANDLING"}))
    exchange = listed["data"][0]
    assert exchange["items"][0]["exchangeToVariantId"] == "VAR-789"
    assert exchange["items"][0]["exchangeFromVariantId"] == "VAR-456"
    assert ok(client.get(f"/exchanges/{exchange['exchangeOrderId']}")) == exchange
    url = f"/exchanges/{exchange['exchangeOrderId']}/complete"
    assert client.post(url, json={}).json()["errors"][0]["path"] == "completedOrderId"
    body = {
        "completedOrderId": "ORDER-99001",
        "completedOrderNumber": "#10043",
        "completedOrderName": "Replacement for #1042",
    }
    done = ok(client.post(url, json=body))
    assert done["status"] == "COMPLETED" and done["completedOrderId"] == "ORDER-99001"
    twice = client.post(url, json=body)
    assert twice.status_code == 400 and "COMPLETED" in twice.json()["message"]
    assert ok(client.get(f"/returns/{ret.return_id}"))["status"] == "COMPLETED"
    assert client.get("/exchanges/999").status_code == 404


def test_a_report_by_order_spreads_its_items_over_the_order_s_returns(
    client: TestClient,
) -> None:
    seed_reference(client)
    first = create_return(client)
    second = create_return(client)
    items = [
        {"orderLineItemId": LINE_ID, "quantity": 1, "action": "APPROVED"},
        {"sku": "TS-M-BLK", "quantity": 1, "action": "DENIED", "comment": "stained"},
    ]
    spread = ok(client.post("/warehouse-reports", json={"orderId": ORDER_ID, "items": items}), 201)
    # Oldest return first, up to each return item's units: the approved unit goes to the
    # first return, the denied one to the second.
    assert spread["returnId"] == first["returnId"]
    assert spread["matchedReturns"] == [
        {"returnId": first["returnId"], "warehouseReportId": spread["warehouseReportId"]},
        {
            "returnId": second["returnId"],
            "warehouseReportId": spread["matchedReturns"][1]["warehouseReportId"],
        },
    ]
    assert spread["matchedReturns"][1]["warehouseReportId"] != spread["warehouseReportId"]
    assert [(i["returnItemId"], i["quantity"], i["action"]) for i in spread["items"]] == [
        (first["items"][0]["returnItemId"], 1, "APPROVED"),
        (second["items"][0]["returnItemId"], 1, "DENIED"),
    ]
    assert list(spread)[-1] == "createdAt"
    one = ok(client.get(f"/returns/{first['returnId']}"))
    two = ok(client.get(f"/returns/{second['returnId']}"))
    assert [i["status"] for i in one["items"]] == ["APPROVED"]
    assert one["status"] == "REFUND_PENDING"
    assert [i["status"] for i in two["items"]] == ["DENIED"]
    assert two["status"] == "COMPLETED"


def test_a_report_by_order_splits_one_item_s_units_over_returns(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)
    second = create_return(client)
    body = {
        "orderId": ORDER_ID,
        "items": [{"orderLineItemId": LINE_ID, "quantity": 2, "action": "APPROVED"}],
    }
    spread = ok(client.post("/warehouse-reports", json=body), 201)
    assert [m["returnId"] for m in spread["matchedReturns"]] == [
        first["returnId"],
        second["returnId"],
    ]
    assert [i["quantity"] for i in spread["items"]] == [1, 1]
    for ret in (first, second):
        assert ok(client.get(f"/returns/{ret['returnId']}"))["status"] == "REFUND_PENDING"


def test_a_report_by_order_that_fits_one_return_goes_to_it_whole(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)
    body = {
        "orderId": ORDER_ID,
        "items": [{"orderLineItemId": LINE_ID, "quantity": 1, "action": "APPROVED"}],
    }
    answer = ok(client.post("/warehouse-reports", json=body), 201)
    assert answer["matchedReturns"] == [
        {"returnId": first["returnId"], "warehouseReportId": answer["warehouseReportId"]}
    ]
    # By returnId the answer keeps the reference's shape.
    second = create_return(client)
    by_id = ok(
        client.post("/warehouse-reports", json={**body, "returnId": second["returnId"]}), 201
    )
    assert "matchedReturns" not in by_id


def test_a_report_by_order_with_no_room_changes_nothing(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)
    second = create_return(client)
    body = {
        "orderId": ORDER_ID,
        "items": [
            {"orderLineItemId": LINE_ID, "quantity": 1, "action": "APPROVED"},
            {"orderLineItemId": LINE_ID, "quantity": 2, "action": "DENIED"},
        ],
    }
    refused = client.post("/warehouse-reports", json=body)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "location": "body",
            "path": "items[1]",
            "code": "NO_MATCHING_RETURN",
            "message": f"order '{ORDER_ID}' has no return awaiting inspection with room for "
            f"2 unit(s) of orderLineItemId='{LINE_ID}'",
        }
    ]
    for ret in (first, second):
        assert ok(client.get(f"/returns/{ret['returnId']}"))["status"] == "CONFIRMED"
    assert ok(client.get("/refund-transactions"))["data"] == []


def test_a_cancelled_return_s_items_stay_pending_as_the_document_says(client: TestClient) -> None:
    seed_reference(client)
    created = create_return(client)
    cancelled = ok(client.post(f"/returns/{created['returnId']}/cancel"))
    assert [i["status"] for i in cancelled["items"]] == ["PENDING"]
    spec = load_spec("current")
    operation = spec["paths"]["/returns/{returnId}/cancel"]["post"]
    assert "keep their status (PENDING)" in operation["description"]
    assert "CANCELLED" not in spec["components"]["schemas"]["ReturnItemStatus"]["enum"]
