"""L3: ``POST /merchant/items/returned`` drives the one warehouse-report path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.domain import returns
from mock_ingrid.runtime import Runtime
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
from tests.conftest import API_KEY

SKIRT = "51009M"
TEE = "100011001M"


@pytest.fixture
def skirt_return(client: TestClient) -> TestClient:
    """Return 1: one skirt, confirmed, shipped under RT0000000001."""
    seed(client)
    create_return(client)
    return client


@pytest.fixture
def tee_return(client: TestClient) -> TestClient:
    """Return 1: two t-shirts of one line."""
    seed(client)
    create_return(client, items=[{"orderLineItemId": TEE_LINE, "quantity": 2}])
    return client


def refused(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert_schema(body, "Error")
    assert body["path"] == "/merchant/items/returned"
    return body


def problems(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in body["errors"]]


# A second order line of the t-shirt's variant (sold again at another price).
TEE_AGAIN_LINE = "3393730"


@pytest.fixture
def tee_on_two_lines(client: TestClient) -> TestClient:
    """Return 1: both t-shirts of TEE_LINE (27.5 each) and the one of TEE_AGAIN_LINE (20):
    three units of one sku over two items."""
    lines = copy.deepcopy(ORDER["lineItems"])
    lines.append(
        {**lines[1], "lineItemId": TEE_AGAIN_LINE, "discountedUnitPrice": 20, "quantity": 1}
    )
    shipments = copy.deepcopy(ORDER["shipments"])
    shipments[0]["lineItems"].append({"orderLineItemId": TEE_AGAIN_LINE, "quantity": 1})
    seed(client, lineItems=lines, shipments=shipments, totalAmount=164.9)
    items = [
        {"orderLineItemId": TEE_LINE, "quantity": 2},
        {"orderLineItemId": TEE_AGAIN_LINE, "quantity": 1},
    ]
    create_return(client, items=items)
    return client


def current_return(client: TestClient, return_id: str = "1") -> dict[str, Any]:
    return ok(client.get(f"/returns/{return_id}"))  # type: ignore[no-any-return]


# -- accepted -------------------------------------------------------------------------


def test_an_approved_item_is_refunded_and_the_current_view_moves(
    skirt_return: TestClient, runtime: Runtime
) -> None:
    answer = report_legacy(
        skirt_return,
        1,
        [{"sku": SKIRT, "quantity": 1, "approved": True, "comment": "Item in perfect condition."}],
        trackingReference="RT0000000001",
    )
    assert answer.status_code == 200 and answer.json() == {"status": "OK"}

    ret = current_return(skirt_return)
    assert ret["status"] == "REFUND_PENDING" and ret["items"][0]["status"] == "APPROVED"
    refunds = ok(skirt_return.get("/refund-transactions"))["data"]
    assert [r["lineItems"] for r in refunds] == [
        [{"orderLineItemId": SKIRT_LINE, "quantity": 1, "amount": 85}]
    ]
    # The report is the same record POST /warehouse-reports makes.
    report = runtime.state.merchant(API_KEY).reports["1"]
    assert (report.return_id, report.tracking_reference) == ("1", "RT0000000001")
    assert [(i.sku, i.action.value, i.comment) for i in report.items] == [
        (SKIRT, "APPROVED", "Item in perfect condition.")
    ]


def test_a_denied_item_is_not_refunded_and_the_return_completes(skirt_return: TestClient) -> None:
    ok(report_legacy(skirt_return, 1, [{"sku": SKIRT, "quantity": 1, "approved": False}]))
    ret = current_return(skirt_return)
    assert (ret["status"], ret["items"][0]["status"]) == ("COMPLETED", "DENIED")
    assert ok(skirt_return.get("/refund-transactions"))["data"] == []
    legacy = ok(skirt_return.get("/merchant/return/1"))
    assert (legacy["status"], legacy["items"][0]["status"]) == ("COMPLETED", "RETURNED")
    assert legacy["refundTransactions"] == []


def test_one_sku_can_be_part_approved_and_part_denied(tee_return: TestClient) -> None:
    items = [
        {"sku": TEE, "quantity": 1, "approved": True},
        {"sku": TEE, "quantity": 1, "approved": False, "comment": "Stained"},
    ]
    ok(report_legacy(tee_return, 1, items))
    assert current_return(tee_return)["items"][0]["status"] == "PARTIALLY_APPROVED"
    refunds = ok(tee_return.get("/refund-transactions"))["data"]
    assert [r["lineItems"] for r in refunds] == [
        [{"orderLineItemId": TEE_LINE, "quantity": 1, "amount": 27.5}]
    ]


def test_fewer_units_than_returned_leave_the_rest_not_received(tee_return: TestClient) -> None:
    ok(report_legacy(tee_return, 1, [{"sku": TEE, "quantity": 1, "approved": True}]))
    assert current_return(tee_return)["items"][0]["status"] == "PARTIALLY_APPROVED"


def test_units_of_a_sku_on_several_items_are_shared_out_in_the_returns_order(
    tee_on_two_lines: TestClient, runtime: Runtime
) -> None:
    # The legacy body names units by sku only: three t-shirts came back.
    ok(report_legacy(tee_on_two_lines, 1, [{"sku": TEE, "quantity": 3, "approved": True}]))
    ret = current_return(tee_on_two_lines)
    assert [(i["orderLineItemId"], i["status"]) for i in ret["items"]] == [
        (TEE_LINE, "APPROVED"),
        (TEE_AGAIN_LINE, "APPROVED"),
    ]
    refunds = ok(tee_on_two_lines.get("/refund-transactions"))["data"]
    assert [r["lineItems"] for r in refunds] == [
        [
            {"orderLineItemId": TEE_LINE, "quantity": 2, "amount": 55},
            {"orderLineItemId": TEE_AGAIN_LINE, "quantity": 1, "amount": 20},
        ]
    ]
    report = runtime.state.merchant(API_KEY).reports["1"]
    assert [(i.order_line_item_id, i.sku, i.quantity) for i in report.items] == [
        (TEE_LINE, TEE, 2),
        (TEE_AGAIN_LINE, TEE, 1),
    ]


def test_entries_of_one_sku_fill_its_items_one_after_the_other(
    tee_on_two_lines: TestClient,
) -> None:
    items = [
        {"sku": TEE, "quantity": 1, "approved": True},
        {"sku": TEE, "quantity": 2, "approved": False, "comment": "Stained"},
    ]
    ok(report_legacy(tee_on_two_lines, 1, items))
    ret = current_return(tee_on_two_lines)
    assert [i["status"] for i in ret["items"]] == ["PARTIALLY_APPROVED", "DENIED"]


def test_units_go_to_the_items_of_the_sku_still_expected(
    tee_on_two_lines: TestClient, runtime: Runtime
) -> None:
    # The customer keeps the two t-shirts of TEE_LINE: the one unit that comes back
    # is TEE_AGAIN_LINE's, though both lines carry the sku.
    returns.mark_no_return_needed(runtime.state.merchant(API_KEY), "1", ["1"])
    ok(report_legacy(tee_on_two_lines, 1, [{"sku": TEE, "quantity": 1, "approved": True}]))
    ret = current_return(tee_on_two_lines)
    assert [i["status"] for i in ret["items"]] == ["NO_RETURN_NEEDED", "APPROVED"]


@pytest.mark.parametrize(
    ("items", "field", "reported"),
    [
        ([{"sku": TEE, "quantity": 4, "approved": True}], "items[0].quantity", 4),
        (
            [
                # On the order, not on this return: refused too, at its own index.
                {"sku": SKIRT, "quantity": 1, "approved": True},
                {"sku": TEE, "quantity": 3, "approved": True},
                {"sku": TEE, "quantity": 1, "approved": False},
            ],
            "items[2].quantity",
            4,
        ),
    ],
    ids=["one-entry", "third-entry"],
)
def test_more_units_of_a_sku_than_its_items_hold_is_a_400_at_the_legacy_entry(
    tee_on_two_lines: TestClient, items: list[dict[str, Any]], field: str, reported: int
) -> None:
    body = refused(report_legacy(tee_on_two_lines, 1, items))
    expected = [(field, "QUANTITY_EXCEEDS_RETURN")]
    if items[0]["sku"] == SKIRT:
        expected.insert(0, ("items[0]", "UNKNOWN_RETURN_ITEM"))
    assert problems(body) == expected
    assert f"holds 3 units of sku '{TEE}' over 2 items; {reported} reported" in body["message"]
    assert current_return(tee_on_two_lines)["status"] == "CONFIRMED"


# -- refused by the domain --------------------------------------------------------------


def test_an_unknown_return_is_a_404(skirt_return: TestClient) -> None:
    body = refused(
        report_legacy(skirt_return, 2, [{"sku": SKIRT, "quantity": 1, "approved": True}]), 404
    )
    assert body["error"] == "Not Found" and body["message"] == "return '2' was not found"
    assert problems(body) == [("returnId", "NOT_FOUND")]


@pytest.mark.parametrize("foreign_order_id", ["another-order", "O2"])
def test_a_foreign_order_id_of_another_order_is_a_400(
    skirt_return: TestClient, foreign_order_id: str
) -> None:
    seed(skirt_return, order_id="O2")  # "O2" exists, but the return is not one of its
    response = report_legacy(
        skirt_return,
        1,
        [{"sku": SKIRT, "quantity": 1, "approved": True}],
        foreign_order_id=foreign_order_id,
    )
    body = refused(response)
    assert problems(body) == [("foreignOrderId", "ORDER_MISMATCH")]
    assert ORDER_ID in body["message"] and foreign_order_id in body["message"]
    assert current_return(skirt_return)["status"] == "CONFIRMED"


@pytest.mark.parametrize("sku", ["NO-SUCH-SKU", TEE], ids=["unknown", "on-the-order-only"])
def test_a_sku_that_is_not_on_the_return_is_a_400(skirt_return: TestClient, sku: str) -> None:
    body = refused(report_legacy(skirt_return, 1, [{"sku": sku, "quantity": 1, "approved": True}]))
    assert problems(body) == [("items[0]", "UNKNOWN_RETURN_ITEM")]
    assert sku in body["message"]
    assert current_return(skirt_return)["status"] == "CONFIRMED"


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"sku": SKIRT, "quantity": 2, "approved": True}], "items[0].quantity"),
        (
            [
                {"sku": SKIRT, "quantity": 1, "approved": True},
                {"sku": SKIRT, "quantity": 1, "approved": False},
            ],
            "items[1].quantity",
        ),
    ],
    ids=["one-entry", "two-entries"],
)
def test_more_units_than_returned_is_a_400(
    skirt_return: TestClient, items: list[dict[str, Any]], field: str
) -> None:
    body = refused(report_legacy(skirt_return, 1, items))
    assert problems(body) == [(field, "QUANTITY_EXCEEDS_RETURN")]
    assert ok(skirt_return.get("/refund-transactions"))["data"] == []


def test_a_tracking_reference_of_another_parcel_is_a_400(skirt_return: TestClient) -> None:
    response = report_legacy(
        skirt_return,
        1,
        [{"sku": SKIRT, "quantity": 1, "approved": True}],
        trackingReference="RT9999999999",
    )
    body = refused(response)
    assert problems(body) == [("trackingReference", "TRACKING_REFERENCE_MISMATCH")]
    assert "RT0000000001" in body["message"]


def test_a_return_is_inspected_once(skirt_return: TestClient) -> None:
    item = {"sku": SKIRT, "quantity": 1, "approved": True}
    ok(report_legacy(skirt_return, 1, [item]))
    body = refused(report_legacy(skirt_return, 1, [item]))
    assert "already inspected" in body["message"] and body["errors"] == []
    assert len(ok(skirt_return.get("/refund-transactions"))["data"]) == 1


def test_a_cancelled_return_cannot_be_reported(skirt_return: TestClient) -> None:
    ok(skirt_return.post("/returns/1/cancel"))
    body = refused(
        report_legacy(skirt_return, 1, [{"sku": SKIRT, "quantity": 1, "approved": True}])
    )
    assert "CANCELLED" in body["message"]


# -- refused before the domain ------------------------------------------------------------

VALID: dict[str, Any] = {
    "foreignOrderId": ORDER_ID,
    "returnId": 1,
    "items": [{"sku": SKIRT, "quantity": 1, "approved": True}],
}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"foreignOrderId": None}, "foreignOrderId", "REQUIRED"),
        ({"returnId": None}, "returnId", "REQUIRED"),
        ({"returnId": "1"}, "returnId", "INVALID_TYPE"),
        ({"returnId": 0}, "returnId", "OUT_OF_RANGE"),
        ({"items": None}, "items", "REQUIRED"),
        ({"items": []}, "items", "INVALID_LENGTH"),
        ({"items": [{"quantity": 1, "approved": True}]}, "items[0].sku", "REQUIRED"),
        ({"items": [{"sku": SKIRT, "approved": True}]}, "items[0].quantity", "REQUIRED"),
        (
            {"items": [{"sku": SKIRT, "quantity": 0, "approved": True}]},
            "items[0].quantity",
            "OUT_OF_RANGE",
        ),
        ({"items": [{"sku": SKIRT, "quantity": 1}]}, "items[0].approved", "REQUIRED"),
        (
            {"items": [{"sku": SKIRT, "quantity": 1, "approved": "yes"}]},
            "items[0].approved",
            "INVALID_TYPE",
        ),
        ({"trackingReference": 42}, "trackingReference", "INVALID_TYPE"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(
    skirt_return: TestClient, change: dict[str, Any], field: str, code: str
) -> None:
    body = {**VALID, **change}
    body = {key: value for key, value in body.items() if value is not None}
    answer = refused(skirt_return.post("/merchant/items/returned", json=body))
    assert (field, code) in problems(answer)
    assert current_return(skirt_return)["status"] == "CONFIRMED"


def test_a_body_that_is_not_json_is_a_400(skirt_return: TestClient) -> None:
    response = skirt_return.post(
        "/merchant/items/returned",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert refused(response)["errors"] == []


def test_a_body_sent_as_form_data_is_a_415(skirt_return: TestClient) -> None:
    response = skirt_return.post("/merchant/items/returned", data={"returnId": "1"})
    assert refused(response, 415)["error"] == "Unsupported Media Type"
