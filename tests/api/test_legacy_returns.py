"""L1 and L2: the legacy view of returns made and moved through the current API."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.domain import returns
from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.api.legacy_seed import (
    ORDER,
    ORDER_ID,
    SKIRT_LINE,
    TEE_LINE,
    assert_schema,
    create_return,
    ok,
    report_legacy,
    seed,
)
from tests.conftest import API_KEY, FROZEN_AT, make_client

NOW = "2026-01-16T09:00:00Z"  # the conftest's frozen clock

SKIRT_M = {
    "id": 1,
    "foreignProductId": "33",
    "foreignVariantId": "1498-231",
    "productNumber": "10005",
    "properties": [
        {"type": "Size", "code": "M", "value": "M"},
        {"type": "Color", "code": "Black", "value": "Black", "hexColor": "#000000"},
    ],
    "sku": "51009M",
    "productTitle": "Black Skirt",
    "variantTitle": "Black M",
}

SKIRT_L = {
    "id": 2,
    "foreignProductId": "33",
    "foreignVariantId": "1498-232",
    "productNumber": "10005",
    "properties": [],
    "sku": "51009L",
    "productTitle": "Black Skirt",
    "variantTitle": "Black L",
}

SUMMARY_ORDER = {
    "id": 1,
    "foreignId": ORDER_ID,
    "foreignName": "Order #1001",
    "foreignNumber": 1001,
    "createdAt": "2026-01-10T09:30:00Z",
}


def merchant(runtime: Runtime, key: str = API_KEY) -> Merchant:
    return runtime.state.merchant(key)


def eur_deductions(runtime: Runtime, shipment: str = "4.9", handling: str = "1") -> None:
    merchant(runtime).settings.deductions_by_currency["EUR"] = Deductions(
        Decimal(shipment), Decimal(handling)
    )


def detail(client: TestClient, return_id: int | str) -> dict[str, Any]:
    body = ok(client.get(f"/merchant/return/{return_id}"))
    assert_schema(body, "ReturnDetail")
    return body  # type: ignore[no-any-return]


def first_page(client: TestClient, **params: Any) -> dict[str, Any]:
    body = ok(client.get("/merchant/return", params={"page": 0, "size": 100, **params}))
    assert_schema(body, "ReturnPage")
    return body  # type: ignore[no-any-return]


def assert_legacy_error(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert_schema(body, "Error")
    assert body["status"] == status and body["error"] == error
    assert body["timestamp"] == NOW and body["path"] == response.request.url.path
    return body


# -- how we will know ---------------------------------------------------------------


def test_a_return_created_through_the_current_api_is_in_both_legacy_views(
    client: TestClient,
) -> None:
    seed(client)
    created = create_return(client)
    legacy_id = int(created["returnId"])

    summary = {
        "id": legacy_id,
        "createdAt": NOW,
        "status": "AWAITING_RETURN",
        "statusUrl": f"http://127.0.0.1:8080/merchant/return/{legacy_id}",
        "order": SUMMARY_ORDER,
    }
    page = first_page(client)
    assert page == {
        "totalPages": 1,
        "totalElements": 1,
        "size": 100,
        "number": 0,
        "content": [summary],
    }
    one = detail(client, legacy_id)
    assert {key: one[key] for key in summary} == summary


def test_the_detail_has_every_field_of_the_guide(client: TestClient, runtime: Runtime) -> None:
    eur_deductions(runtime)
    seed(client)
    create_return(client)

    assert detail(client, 1) == {
        "id": 1,
        "createdAt": NOW,
        "status": "AWAITING_RETURN",
        "statusUrl": "http://127.0.0.1:8080/merchant/return/1",
        "order": SUMMARY_ORDER,
        "returnCosts": {
            "currencyCode": "EUR",
            "returnShipmentCost": 4.9,
            "returnHandlingCost": 1,
            "exchangeCost": 0,
            "failedDeliveryCost": 0,
            "totalCost": 5.9,
        },
        "refundTransactions": [],
        "items": [
            {
                "id": 1,
                "foreignLineItemId": SKIRT_LINE,
                "status": "AWAITING_RETURN",
                "quantity": 1,
                # The unit price paid (after the discount), not the list price.
                "purchasePriceAmount": {"currencyCode": "EUR", "amount": 85, "itemTax": 13.57},
                "productVariant": SKIRT_M,
                "returnReasons": [{"id": 102, "subReasonId": 206}],
            }
        ],
        "shipments": [
            {
                "id": 1,
                "type": "C2B",
                "carrier": "PostNord",
                "trackingUrl": "https://tracking.postnord.com/se/?id=RT0000000001",
                "trackingReference": "RT0000000001",
                "customsType": "NO_CUSTOMS",
            }
        ],
        "exchanges": [],
    }


def test_a_variant_update_keeps_the_legacy_product_variant_properties(client: TestClient) -> None:
    seed(client)
    create_return(client)
    renamed = {"sku": "51009M", "title": "Black Medium"}
    ok(client.put("/products/33/variants/1498-231", json=renamed))
    variant = detail(client, 1)["items"][0]["productVariant"]
    assert variant == {**SKIRT_M, "variantTitle": "Black Medium"}


def test_a_legacy_report_makes_the_refund_the_current_api_completes(
    client: TestClient, runtime: Runtime
) -> None:
    eur_deductions(runtime)
    seed(client)
    create_return(client)

    answer = report_legacy(client, 1, [{"sku": "51009M", "quantity": 1, "approved": True}])
    assert ok(answer) == {"status": "OK"}
    assert_schema(answer.json(), "StatusOk")

    refunds = ok(client.get("/refund-transactions"))["data"]
    assert [(r["returnId"], r["status"], r["totalAmount"]) for r in refunds] == [
        ("1", "AWAITING_EXTERNAL_REFUND", 79.1)
    ]
    assert ok(client.get("/returns/1"))["status"] == "REFUND_PENDING"
    pending = detail(client, 1)
    assert pending["status"] == "AWAITING_REFUND"
    assert pending["items"][0]["status"] == "RETURNED"
    basic = {"foreignId": None, "refundType": "BASIC", "currencyCode": "EUR", "totalAmount": 79.1}
    assert pending["refundTransactions"] == [basic]

    refund_id = refunds[0]["refundTransactionId"]
    confirmation = {"amount": 79.1, "currencyCode": "EUR", "transactionId": "re_3MtwBw"}
    ok(client.post(f"/refund-transactions/{refund_id}/complete", json=confirmation))

    done = detail(client, 1)
    assert done["status"] == "COMPLETED"
    assert done["refundTransactions"] == [{**basic, "foreignId": "re_3MtwBw"}]
    # What was deducted, as the refund transaction records it.
    assert done["returnCosts"]["totalCost"] == 5.9
    assert first_page(client)["content"][0]["status"] == "COMPLETED"


# -- money --------------------------------------------------------------------------


def test_the_gift_card_part_of_a_refund_is_its_own_entry(
    client: TestClient, runtime: Runtime
) -> None:
    eur_deductions(runtime)
    seed(client, giftCardAmount=72.45)  # half of the order's 144.9
    create_return(client)
    ok(report_legacy(client, 1, [{"sku": "51009M", "quantity": 1, "approved": True}]))

    # 85 paid - 5.9 deducted = 79.1 refunded: half to the card, half to the payment.
    assert detail(client, 1)["refundTransactions"] == [
        {"foreignId": None, "refundType": "BASIC", "currencyCode": "EUR", "totalAmount": 39.55},
        {"foreignId": None, "refundType": "GIFT_CARD", "currencyCode": "EUR", "totalAmount": 39.55},
    ]
    assert ok(client.get("/refund-transactions/1"))["totalAmount"] == 79.1


def test_an_order_paid_by_gift_card_alone_is_refunded_to_it_alone(
    client: TestClient, runtime: Runtime
) -> None:
    eur_deductions(runtime)
    seed(client, giftCardAmount=144.9)
    create_return(client)
    ok(report_legacy(client, 1, [{"sku": "51009M", "quantity": 1, "approved": True}]))

    # No BASIC entry of 0: nothing goes back to a payment method.
    assert detail(client, 1)["refundTransactions"] == [
        {"foreignId": None, "refundType": "GIFT_CARD", "currencyCode": "EUR", "totalAmount": 79.1},
    ]


def test_return_costs_follow_the_settings_until_a_refund_deducts_them(
    client: TestClient, runtime: Runtime
) -> None:
    # 1 EUR of shipment cost on a 0.5 EUR refund: only 0.5 can be deducted.
    eur_deductions(runtime, shipment="1", handling="0")
    lines = copy.deepcopy(ORDER["lineItems"])
    lines[1]["discountedUnitPrice"] = 0.5
    seed(client, lineItems=lines)
    create_return(client, items=[{"orderLineItemId": TEE_LINE, "quantity": 1}])
    assert detail(client, 1)["returnCosts"]["returnShipmentCost"] == 1

    ok(report_legacy(client, 1, [{"sku": "100011001M", "quantity": 1, "approved": True}]))
    costs = detail(client, 1)["returnCosts"]
    assert (costs["returnShipmentCost"], costs["totalCost"]) == (0.5, 0.5)


def test_exchanges_show_both_variants_and_the_replacement_order(
    client: TestClient, runtime: Runtime
) -> None:
    seed(client)
    m = merchant(runtime)
    m.settings.exchange_cost = Decimal("2.5")
    exchange_to_large = ReturnItemInput(
        SKIRT_LINE,
        1,
        "DOESNT_FIT",
        "TOO_SMALL",
        exchange_to_product_id="33",
        exchange_to_variant_id="1498-232",
    )
    returns.create_return(m, ORDER_ID, [exchange_to_large])
    assert detail(client, 1)["returnCosts"]["exchangeCost"] == 2.5

    ok(report_legacy(client, 1, [{"sku": "51009M", "quantity": 1, "approved": True}]))
    waiting = detail(client, 1)
    assert waiting["status"] == "AWAITING_EXCHANGE"
    assert waiting["refundTransactions"] == []
    exchange: dict[str, Any] = {
        "id": 1,
        "foreignDraftOrderId": None,
        "foreignOrderId": None,
        "foreignOrderNumber": None,
        "items": [
            {
                "id": 1,
                "orderItemId": waiting["items"][0]["id"],
                "quantity": 1,
                "fromProductVariant": SKIRT_M,
                "toProductVariant": SKIRT_L,
            }
        ],
    }
    assert waiting["exchanges"] == [exchange]

    replacement = {"completedOrderId": "NEWORDER12345", "completedOrderNumber": "1002"}
    ok(client.post("/exchanges/1/complete", json=replacement))
    done = detail(client, 1)
    assert done["status"] == "COMPLETED"
    exchange.update(foreignOrderId="NEWORDER12345", foreignOrderNumber="1002")
    assert done["exchanges"] == [exchange]
    assert done["returnCosts"]["exchangeCost"] == 2.5


# -- small mappings -------------------------------------------------------------------


def test_return_reasons_have_stable_integer_ids(client: TestClient) -> None:
    seed(client)
    create_return(
        client,
        items=[
            {"orderLineItemId": TEE_LINE, "quantity": 1, "reason": {"code": "CHANGED_MIND"}},
            {"orderLineItemId": TEE_LINE, "quantity": 1, "reason": {"code": "SHOP_SPECIFIC"}},
            {"orderLineItemId": SKIRT_LINE, "quantity": 1},
        ],
    )
    reasons = [item["returnReasons"] for item in detail(client, 1)["items"]]
    # 1000 + crc32("SHOP_SPECIFIC") % (2**31 - 1001): the same in every run.
    assert reasons == [
        [{"id": 105, "subReasonId": None}],
        [{"id": 952869738, "subReasonId": None}],
        [],
    ]


def test_status_url_is_under_the_bound_address_whatever_the_host_header(
    client: TestClient,
) -> None:
    seed(client)
    create_return(client)
    for url in ("https://returns.example.test/merchant/return/1", "/merchant/return/1"):
        body = ok(client.get(url, headers={"host": "evil.example"}))
        assert body["statusUrl"] == "http://127.0.0.1:8080/merchant/return/1"
    listed = ok(client.get("/merchant/return?page=0&size=1", headers={"host": "evil.example"}))
    assert listed["content"][0]["statusUrl"] == "http://127.0.0.1:8080/merchant/return/1"


def test_status_url_is_under_the_public_url() -> None:
    settings = Settings(freeze_time=FROZEN_AT, public_url="https://mock.example.test/ingrid")
    with make_client(settings) as client:
        seed(client)
        create_return(client)
        body = ok(client.get("/merchant/return/1", headers={"host": "evil.example"}))
        assert body["statusUrl"] == "https://mock.example.test/ingrid/merchant/return/1"


def test_an_order_without_name_or_number_shows_nulls(client: TestClient) -> None:
    seed(client, orderName=None, orderNumber=None)
    create_return(client)
    order = detail(client, 1)["order"]
    assert (order["foreignName"], order["foreignNumber"]) == (None, None)


# -- errors and isolation ---------------------------------------------------------------


def test_another_merchant_sees_nothing(client: TestClient, runtime: Runtime) -> None:
    seed(client)
    create_return(client)
    other = {"x-api-key": "other-key"}

    missing = client.get("/merchant/return/1", headers=other)
    body = assert_legacy_error(missing, 404, "Not Found")
    assert body["errors"] == [
        {"field": "returnId", "code": "NOT_FOUND", "message": "return '1' was not found"}
    ]
    page = ok(client.get("/merchant/return", params={"page": 0, "size": 10}, headers=other))
    assert page == {"totalPages": 0, "totalElements": 0, "size": 10, "number": 0, "content": []}
    item = {"sku": "51009M", "quantity": 1, "approved": True}
    refused = client.post(
        "/merchant/items/returned",
        json={"foreignOrderId": ORDER_ID, "returnId": 1, "items": [item]},
        headers=other,
    )
    assert_legacy_error(refused, 404, "Not Found")
    assert merchant(runtime).returns["1"].status == "CONFIRMED"


@pytest.mark.parametrize("headers", [{}, {"x-api-key": ""}], ids=["missing", "empty"])
def test_without_an_api_key_the_answer_is_401(headers: dict[str, str], settings: Any) -> None:
    with make_client(settings, api_key=None) as anonymous:
        response = anonymous.get("/merchant/return/1", headers=headers)
        assert_legacy_error(response, 401, "Unauthorized")


@pytest.mark.parametrize("raw", ["abc", "-1", "1.0", "99999999999999999999"])
def test_a_return_id_that_is_not_a_number_is_a_400(client: TestClient, raw: str) -> None:
    body = assert_legacy_error(client.get(f"/merchant/return/{raw}"), 400, "Bad Request")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("returnId", "INVALID_TYPE")]


def test_an_unknown_return_is_a_404(client: TestClient) -> None:
    body = assert_legacy_error(client.get("/merchant/return/42"), 404, "Not Found")
    assert body["message"] == "return '42' was not found"


def test_unknown_routes_and_methods_under_merchant_answer_in_the_legacy_shape(
    client: TestClient,
) -> None:
    assert_legacy_error(client.get("/merchant/returns"), 404, "Not Found")
    assert_legacy_error(client.delete("/merchant/return/1"), 405, "Method Not Allowed")
