"""The refund calculation: prices paid, shipping, deductions, gift cards, currencies."""

from __future__ import annotations

from decimal import Decimal

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions, ReportAction, Return
from mock_ingrid.domain.refund_maths import compute_refund
from mock_ingrid.money import quantize, wire
from tests.builders import merchant, order, return_of

D = Decimal


def _inspect(m: Merchant, ret: Return, **verdicts: tuple[int, int]) -> None:
    """``line id = (approved, denied)`` for each line of the return."""
    items = []
    for item in ret.items:
        approved, denied = verdicts[item.order_line_item_id]
        if approved:
            items.append(
                ReportItemInput(approved, ReportAction.APPROVED, return_item_id=item.return_item_id)
            )
        if denied:
            items.append(
                ReportItemInput(denied, ReportAction.DENIED, return_item_id=item.return_item_id)
            )
    warehouse.submit_report(m, ReportInput(items, return_id=ret.return_id))


def test_items_are_refunded_at_the_unit_price_paid_times_quantity() -> None:
    m = merchant()
    o = order(m, lines=[("L1", "TEE-M", "299", 2)])
    o.line_items["L1"].discounted_unit_price = D("249.50")
    ret = return_of(m, L1=2)
    _inspect(m, ret, L1=(2, 0))
    refund = m.refunds[ret.refund_ids[0]]
    assert refund.items_amount == D("499.00")
    assert [(line.order_line_item_id, line.quantity, line.amount) for line in refund.lines] == [
        ("L1", 2, D("499.00"))
    ]
    assert refund.total_amount == D("499.00")


def test_partial_approval_refunds_only_approved_units() -> None:
    m = merchant(shipment_cost="10", handling_cost="10")
    order(m, lines=[("L1", "TEE-M", "120", 3), ("L2", "CAP-1", "50", 1)])
    ret = return_of(m, L1=3, L2=1)
    _inspect(m, ret, L1=(1, 2), L2=(0, 1))
    refund = m.refunds[ret.refund_ids[0]]
    assert refund.items_amount == D(120)
    assert refund.return_shipment_cost == D(10)
    assert refund.return_handling_cost == D(10)
    assert refund.total_amount == D(100)
    assert [item.status.value for item in ret.items] == ["PARTIALLY_APPROVED", "DENIED"]


def test_deductions_larger_than_the_items_never_go_below_zero() -> None:
    m = merchant(shipment_cost="80", handling_cost="50")
    order(m, lines=[("L1", "TEE-M", "99.90", 1)])
    ret = return_of(m)
    _inspect(m, ret, L1=(1, 0))
    refund = m.refunds[ret.refund_ids[0]]
    assert refund.total_amount == D(0)
    # The deductions shown are the ones applied, so totals - deductions == total.
    assert refund.return_shipment_cost == D(80)
    assert refund.return_handling_cost == D("19.90")
    gross = refund.items_amount + refund.shipping_amount
    assert gross - refund.return_shipment_cost - refund.return_handling_cost == refund.total_amount


def test_all_items_denied_completes_the_return_without_a_refund() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    _inspect(m, ret, L1=(0, 1))
    assert ret.refund_ids == ()
    assert ret.status == "COMPLETED"


def test_each_currency_is_rounded_to_its_minor_unit() -> None:
    assert quantize(D("100.005"), "EUR") == D("100.01")
    assert quantize(D("100.5"), "JPY") == D("101")
    assert quantize(D("1.0005"), "KWD") == D("1.001")


def test_several_currencies_use_their_own_deductions() -> None:
    m = merchant(shipment_cost="49")
    m.settings.deductions_by_currency["EUR"] = Deductions(D("4.90"), D(0))
    order(m, "SEK-1", currency="SEK")
    order(m, "EUR-1", lines=[("L1", "TEE-M", "29.90", 1)], currency="EUR")
    sek = return_of(m, "SEK-1")
    eur = return_of(m, "EUR-1")
    _inspect(m, sek, L1=(1, 0))
    _inspect(m, eur, L1=(1, 0))
    sek_refund, eur_refund = m.refunds[sek.refund_ids[0]], m.refunds[eur.refund_ids[0]]
    assert (sek_refund.currency, sek_refund.total_amount) == ("SEK", D(250))
    assert (eur_refund.currency, eur_refund.total_amount) == ("EUR", D("25.00"))


def test_several_returns_on_one_order_each_get_their_refund() -> None:
    m = merchant(handling_cost="5")
    order(m, lines=[("L1", "TEE-M", "100", 3)])
    first, second = return_of(m, L1=1), return_of(m, L1=2)
    _inspect(m, second, L1=(2, 0))
    _inspect(m, first, L1=(1, 0))
    totals = [m.refunds[r.refund_ids[0]].total_amount for r in (first, second)]
    assert totals == [D(95), D(195)]
    refunded = sum(line.amount for t in m.refunds.values() for line in t.lines)
    assert refunded == D(300)  # never more than was paid for the line


def test_shipping_is_refunded_once_when_the_policy_says_so_and_the_order_comes_back_whole() -> None:
    m = merchant()
    m.settings.refund_shipping = True
    order(m, lines=[("L1", "TEE-M", "100", 2)], shipping="49")
    first = return_of(m, L1=1)
    _inspect(m, first, L1=(1, 0))
    assert m.refunds[first.refund_ids[0]].shipping_amount == D(0)
    second = return_of(m, L1=1)
    _inspect(m, second, L1=(1, 0))
    last = m.refunds[second.refund_ids[0]]
    assert (last.shipping_amount, last.total_amount) == (D(49), D(149))


def test_shipping_is_kept_by_default() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "100", 1)], shipping="49")
    ret = return_of(m)
    _inspect(m, ret, L1=(1, 0))
    assert m.refunds[ret.refund_ids[0]].shipping_amount == D(0)


def test_the_gift_card_share_of_the_refund_is_proportional_and_capped() -> None:
    m = merchant()
    o = order(m, lines=[("L1", "TEE-M", "300", 2)], shipping="0", gift_card="150")
    first, second = return_of(m, L1=1), return_of(m, L1=1)
    _inspect(m, first, L1=(1, 0))
    _inspect(m, second, L1=(1, 0))
    shares = [m.refunds[r.refund_ids[0]].gift_card_amount for r in (first, second)]
    assert shares == [D(75), D(75)]
    assert sum(shares) <= o.gift_card_amount


def test_exchanged_items_are_not_refunded() -> None:
    m = merchant()
    order(m, lines=[("L1", "TEE-M", "100", 1), ("L2", "CAP-1", "20", 1)])
    from mock_ingrid.domain.commands import ReturnItemInput

    ret = returns.create_return(
        m,
        "O1",
        [
            ReturnItemInput("L1", 1, exchange_to_product_id="TEE", exchange_to_variant_id="TEE-L"),
            ReturnItemInput("L2", 1),
        ],
    )
    _inspect(m, ret, L1=(1, 0), L2=(1, 0))
    refund = m.refunds[ret.refund_ids[0]]
    assert [line.order_line_item_id for line in refund.lines] == ["L2"]
    exchange = m.exchanges[ret.exchange_ids[0]]
    assert [(i.from_variant_id, i.to_variant_id, i.quantity) for i in exchange.items] == [
        ("TEE-M", "TEE-L", 1)
    ]


def test_shipping_is_not_refunded_when_part_of_the_order_is_exchanged() -> None:
    from mock_ingrid.domain.commands import ReturnItemInput

    m = merchant()
    m.settings.refund_shipping = True
    order(m, lines=[("L1", "TEE-M", "100", 1), ("L2", "CAP-1", "20", 1)], shipping="49")
    ret = returns.create_return(
        m,
        "O1",
        [
            ReturnItemInput("L1", 1, exchange_to_product_id="TEE", exchange_to_variant_id="TEE-L"),
            ReturnItemInput("L2", 1),
        ],
    )
    _inspect(m, ret, L1=(1, 0), L2=(1, 0))
    refund = m.refunds[ret.refund_ids[0]]
    # Every unit came back, but the customer keeps a replacement: the order stands.
    assert (refund.items_amount, refund.shipping_amount, refund.total_amount) == (
        D(20),
        D(0),
        D(20),
    )


def test_money_is_decimal_end_to_end() -> None:
    m = merchant()
    o = order(m, lines=[("L1", "TEE-M", "19.99", 3)], shipping="0")
    breakdown = compute_refund(o, {"L1": 3}, Deductions(D("0.01"), D(0)), False)
    assert breakdown.items_amount == D("59.97")
    assert breakdown.total_amount == D("59.96")
    assert wire(breakdown.total_amount) == "59.96"
    assert wire(D("100.00")) == "100"
    assert wire(D("119.80")) == "119.8"


def test_completion_records_the_amount_actually_issued() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    _inspect(m, ret, L1=(1, 0))
    refund = settlement.complete_refund(m, ret.refund_ids[0], D("250.50"), "SEK", "ch_1")
    assert (refund.status, refund.refunded_amount, refund.total_amount) == (
        "SUCCESS",
        D("250.50"),
        D("299.00"),
    )
    assert ret.status == "COMPLETED"
