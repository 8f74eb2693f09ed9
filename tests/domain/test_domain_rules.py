"""Rules of the domain that hold without any HTTP in between."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest

from mock_ingrid.clock import FrozenClock
from mock_ingrid.domain import orders, returns, settlement, warehouse
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ReportInput,
    ReportItemInput,
    ReturnItemInput,
)
from mock_ingrid.domain.errors import InvalidInput, InvalidTransition, NotFound
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction, ReportProcessing
from tests.builders import merchant, new_state, order, return_of


def _problems(error: InvalidInput) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in error.problems]


def _snapshot(m: Merchant) -> object:
    return copy.deepcopy(
        (m.products, m.orders, m.returns, m.reports, m.refunds, m.exchanges, m.ids.peek())
    )


def test_only_shipped_units_can_be_returned() -> None:
    m = merchant()
    order(m, shipped=False)
    with pytest.raises(InvalidInput) as caught:
        return_of(m)
    assert _problems(caught.value) == [("items[0].quantity", "QUANTITY_NOT_RETURNABLE")]
    assert "0 returnable unit(s) (0 shipped" in caught.value.message


def test_units_on_an_open_return_cannot_be_returned_again_until_it_is_cancelled() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "10", 2)])
    first = return_of(m, L1=2)
    with pytest.raises(InvalidInput):
        return_of(m, L1=1)
    returns.cancel_return(m, first.return_id)
    again = return_of(m, L1=2)
    assert again.status == "CONFIRMED"


def test_a_completed_return_keeps_its_units() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "10", 1)])
    ret = return_of(m)
    warehouse.submit_report(
        m,
        ReportInput(
            [ReportItemInput(1, ReportAction.DENIED, order_line_item_id="L1")],
            return_id=ret.return_id,
        ),
    )
    assert ret.status == "COMPLETED"
    with pytest.raises(InvalidInput):
        return_of(m)


def test_unknown_line_items_are_named() -> None:
    m = merchant()
    order(m)
    with pytest.raises(InvalidInput) as caught:
        returns.create_return(m, "O1", [ReturnItemInput("NOPE", 1)])
    assert _problems(caught.value) == [("items[0].orderLineItemId", "UNKNOWN_LINE_ITEM")]


def test_the_return_window_is_enforced_when_the_merchant_sets_one() -> None:
    state = new_state()
    m = merchant(state)
    m.settings.return_window_days = 30
    order(m)
    assert isinstance(state.clock, FrozenClock)
    state.clock.advance(timedelta(days=31))
    with pytest.raises(InvalidInput) as caught:
        return_of(m)
    assert _problems(caught.value) == [("orderId", "RETURN_WINDOW_EXPIRED")]


def test_orders_refuse_unknown_products_and_variants_and_store_nothing() -> None:
    m = merchant()
    before = _snapshot(m)
    with pytest.raises(InvalidInput) as caught:
        orders.upsert_order(
            m,
            OrderInput(
                "O9",
                "SEK",
                Decimal(0),
                Decimal(10),
                {},
                [
                    LineItemInput("A", "GHOST", "V", 1, Decimal(5)),
                    LineItemInput("B", "TEE", "TEE-XXL", 1, Decimal(5)),
                ],
            ),
        )
    assert _problems(caught.value) == [
        ("lineItems[0].productId", "UNKNOWN_PRODUCT"),
        ("lineItems[1].variantId", "UNKNOWN_VARIANT"),
    ]
    assert "GHOST" in caught.value.message
    assert _snapshot(m) == before


def test_an_order_update_cannot_pull_units_from_under_a_return() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "10", 2)])
    return_of(m, L1=2)
    with pytest.raises(InvalidInput) as caught:
        order(m, lines=[("L1", "TEE-M", "10", 1)])
    assert _problems(caught.value) == [("lineItems", "LINE_ITEM_IN_USE")]


def test_cancel_is_refused_once_received() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    returns.deliver_to_warehouse(m, ret.return_id)
    with pytest.raises(InvalidTransition) as caught:
        returns.cancel_return(m, ret.return_id)
    assert caught.value.status == "RECEIVED"


@pytest.mark.parametrize("key", ["return_id", "order_id", "tracking_reference"])
def test_a_report_is_matched_by_any_one_key(key: str) -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    assert ret.shipment is not None
    keys = {
        "return_id": ret.return_id,
        "order_id": "O1",
        "tracking_reference": ret.shipment.tracking_reference,
    }
    report = warehouse.submit_report(
        m, ReportInput([ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")], **{key: keys[key]})
    )
    assert report.return_id == ret.return_id
    assert ret.status == "REFUND_PENDING"


def test_a_report_by_order_picks_the_return_that_holds_the_items() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "10", 1), ("L2", "CAP-1", "5", 1)])
    first = return_of(m, L1=1)
    second = return_of(m, L2=1)
    report = warehouse.submit_report(
        m,
        ReportInput(
            [ReportItemInput(1, ReportAction.APPROVED, order_line_item_id="L2")], order_id="O1"
        ),
    )
    assert report.return_id == second.return_id
    assert first.status == "CONFIRMED"


def test_report_keys_that_disagree_are_refused() -> None:
    m = merchant()
    order(m, "O1")
    order(m, "O2")
    ret = return_of(m, "O1")
    with pytest.raises(InvalidInput) as caught:
        warehouse.submit_report(
            m,
            ReportInput(
                [ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")],
                return_id=ret.return_id,
                order_id="O2",
            ),
        )
    assert _problems(caught.value) == [("orderId", "MATCH_KEYS_DISAGREE")]


def test_a_report_needs_a_key_and_known_items_within_quantity() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    with pytest.raises(InvalidInput) as caught:
        warehouse.submit_report(
            m, ReportInput([ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")])
        )
    assert _problems(caught.value) == [("returnId", "MISSING_MATCH_KEY")]
    with pytest.raises(InvalidInput) as caught:
        warehouse.submit_report(
            m,
            ReportInput(
                [
                    ReportItemInput(1, ReportAction.APPROVED, sku="NOT-ON-RETURN"),
                    ReportItemInput(2, ReportAction.APPROVED, sku="TS-M"),
                ],
                return_id=ret.return_id,
            ),
        )
    assert _problems(caught.value) == [
        ("items[0]", "UNKNOWN_RETURN_ITEM"),
        ("items[1].quantity", "QUANTITY_EXCEEDS_RETURN"),
    ]
    with pytest.raises(NotFound):
        warehouse.submit_report(
            m, ReportInput([ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")], return_id="999")
        )


def test_a_second_report_and_a_report_on_a_cancelled_return_are_refused() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "10", 2)])
    done, cancelled = return_of(m, L1=1), return_of(m, L1=1)
    item = [ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")]
    warehouse.submit_report(m, ReportInput(item, return_id=done.return_id))
    returns.cancel_return(m, cancelled.return_id)
    for ret in (done, cancelled):
        with pytest.raises(InvalidTransition):
            warehouse.submit_report(m, ReportInput(item, return_id=ret.return_id))


def test_a_failed_report_changes_nothing() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    before = _snapshot(m)
    with pytest.raises(InvalidInput):
        warehouse.submit_report(
            m,
            ReportInput(
                [ReportItemInput(5, ReportAction.APPROVED, sku="TS-M")], return_id=ret.return_id
            ),
        )
    assert _snapshot(m) == before


def test_manual_review_holds_the_refund_until_approved() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    report = warehouse.submit_report(
        m,
        ReportInput(
            [ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")],
            return_id=ret.return_id,
            processing=ReportProcessing.MANUAL_REVIEW,
        ),
    )
    assert (ret.status, ret.refund_ids, report.status) == ("RECEIVED", (), "AWAITING_REVIEW")
    warehouse.approve_review(m, report.report_id)
    assert ret.status == "REFUND_PENDING"
    assert len(ret.refund_ids) == 1


def test_refund_completion_rules() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    warehouse.submit_report(
        m,
        ReportInput(
            [ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")], return_id=ret.return_id
        ),
    )
    refund_id = ret.refund_ids[0]
    with pytest.raises(InvalidInput) as caught:
        settlement.complete_refund(m, refund_id, Decimal(1), "EUR", None)
    assert _problems(caught.value) == [("currencyCode", "CURRENCY_MISMATCH")]
    settlement.complete_refund(m, refund_id, Decimal(299), "SEK", None)
    with pytest.raises(InvalidTransition) as again:
        settlement.complete_refund(m, refund_id, Decimal(299), "SEK", None)
    assert again.value.status == "SUCCESS"


def test_tenants_are_isolated_and_may_share_order_ids() -> None:
    state = new_state()
    a, b = merchant(state, "a"), merchant(state, "b")
    order(a, "SAME")
    order(b, "SAME", lines=[("L1", "TEE-M", "1", 1)])
    return_of(a, "SAME")
    assert len(a.returns) == 1 and len(b.returns) == 0
    assert a.orders["SAME"].line_items["L1"].quantity == 2
    assert b.orders["SAME"].line_items["L1"].quantity == 1
    with pytest.raises(NotFound):
        b.require_return("1")


def test_ids_are_deterministic_per_merchant() -> None:
    def run() -> list[str]:
        state = new_state()
        noise = merchant(state, "noise")
        order(noise)
        return_of(noise)
        m = merchant(state, "m")
        order(m)
        ret = return_of(m)
        return [ret.return_id, ret.items[0].return_item_id]

    assert run() == run() == ["1", "1"]
