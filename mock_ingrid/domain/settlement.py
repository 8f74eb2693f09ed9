"""After inspection: refund transactions and exchange orders, and their completion."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from mock_ingrid.domain.errors import InvalidInput
from mock_ingrid.domain.lifecycle import (
    CREATED,
    EXCHANGE_SETTLED,
    REFUND_SETTLED,
    RefundStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import (
    ExchangeItem,
    ExchangeOrder,
    Order,
    RefundTransaction,
    Return,
    ReturnItem,
)
from mock_ingrid.domain.refund_maths import compute_refund
from mock_ingrid.money import ZERO


def settled_units(item: ReturnItem) -> int:
    """Units of an item that are refunded or exchanged."""
    if item.settles_without_receipt:
        return item.quantity
    return item.approved_quantity


@one_instant
def settle(m: Merchant, ret: Return, event: str = "settle") -> None:
    """Create the refund and/or exchange a processed return calls for, or complete it."""
    order = m.require_order(ret.order_id)
    refund_units: Counter[str] = Counter()
    exchange_items: list[ReturnItem] = []
    for item in ret.items:
        units = settled_units(item)
        if units and item.exchange is not None:
            exchange_items.append(item)
        elif units:
            refund_units[item.order_line_item_id] += units
    if not refund_units and not exchange_items:
        _move_return(m, ret, "complete")
        return
    m.target_of("return", ret.return_id, ret.status, event)
    if refund_units:
        _create_refund(m, ret, order, dict(refund_units))
    if exchange_items:
        _create_exchange(m, ret, order, exchange_items)
    _move_return(m, ret, event)


@one_instant
def complete_refund(
    m: Merchant, refund_id: str, amount: Decimal, currency: str, transaction_id: str | None
) -> RefundTransaction:
    refund = m.require_refund(refund_id)
    m.target_of("refund", refund_id, refund.status, "complete")
    if currency != refund.currency:
        raise InvalidInput.one(
            "currencyCode",
            "CURRENCY_MISMATCH",
            f"refund transaction '{refund_id}' is in {refund.currency}, not {currency}",
        )
    refund.refunded_amount = amount
    refund.transaction_id = transaction_id
    refund.completed_at = m.now()
    _move_refund(m, refund, "complete")
    _complete_return_if_settled(m, refund.return_id)
    return refund


@one_instant
def fail_refund(m: Merchant, refund_id: str) -> RefundTransaction:
    refund = m.require_refund(refund_id)
    _move_refund(m, refund, "fail")
    return refund


@one_instant
def retry_refund(m: Merchant, refund_id: str) -> RefundTransaction:
    refund = m.require_refund(refund_id)
    _move_refund(m, refund, "retry")
    return refund


@one_instant
def complete_exchange(
    m: Merchant,
    exchange_id: str,
    completed_order_id: str,
    completed_order_number: str | None,
    completed_order_name: str | None,
) -> ExchangeOrder:
    exchange = m.require_exchange(exchange_id)
    m.target_of("exchange", exchange_id, exchange.status, "complete")
    exchange.completed_order_id = completed_order_id
    exchange.completed_order_number = completed_order_number
    exchange.completed_order_name = completed_order_name
    exchange.completed_at = m.now()
    _move_exchange(m, exchange, "complete")
    _complete_return_if_settled(m, exchange.return_id)
    return exchange


@one_instant
def cancel_exchange(m: Merchant, exchange_id: str) -> ExchangeOrder:
    exchange = m.require_exchange(exchange_id)
    _move_exchange(m, exchange, "cancel")
    _complete_return_if_settled(m, exchange.return_id)
    return exchange


def _complete_return_if_settled(m: Merchant, return_id: str) -> None:
    ret = m.returns[return_id]
    if ret.status != ReturnStatus.REFUND_PENDING:
        return
    refunds_done = all(m.refunds[rid].status in REFUND_SETTLED for rid in ret.refund_ids)
    exchanges_done = all(m.exchanges[eid].status in EXCHANGE_SETTLED for eid in ret.exchange_ids)
    if refunds_done and exchanges_done:
        _move_return(m, ret, "complete")


def _create_refund(m: Merchant, ret: Return, order: Order, units: dict[str, int]) -> None:
    earlier = [
        m.refunds[rid]
        for other in m.returns_of_order(order.order_id)
        for rid in other.refund_ids
        if m.refunds[rid].status != RefundStatus.FAILED
    ]
    shipping_done = any(r.shipping_amount > ZERO for r in earlier)
    refund_shipping = (
        m.settings.refund_shipping and not shipping_done and _fully_returned(m, order, ret)
    )
    breakdown = compute_refund(
        order,
        units,
        m.settings.deductions_for(order.currency),
        refund_shipping,
        sum((r.gift_card_amount for r in earlier), ZERO),
    )
    now = m.now()
    refund = RefundTransaction(
        refund_id=m.ids.next("refund"),
        return_id=ret.return_id,
        order_id=order.order_id,
        status=CREATED,
        currency=order.currency,
        total_amount=m.amount(breakdown.total_amount),
        items_amount=m.amount(breakdown.items_amount),
        shipping_amount=m.amount(breakdown.shipping_amount),
        return_shipment_cost=m.amount(breakdown.return_shipment_cost),
        return_handling_cost=m.amount(breakdown.return_handling_cost),
        lines=tuple(breakdown.lines),
        created_at=now,
        updated_at=now,
        gift_card_amount=m.amount(breakdown.gift_card_amount),
    )
    for line in refund.lines:
        line.amount = m.amount(line.amount)
    m.refunds[refund.refund_id] = refund
    ret.refund_ids = (*ret.refund_ids, refund.refund_id)
    _move_refund(m, refund, "create")
    _move_refund(m, refund, "await_external_refund")


def _fully_returned(m: Merchant, order: Order, current: Return) -> bool:
    """Whether, with ``current`` settled, every ordered unit has come back for a refund
    (an exchanged unit has not: the customer keeps a replacement)."""
    units: Counter[str] = Counter()
    for ret in m.returns_of_order(order.order_id):
        settled = ret is current or ret.status in (
            ReturnStatus.REFUND_PENDING,
            ReturnStatus.COMPLETED,
        )
        if settled:
            for item in ret.items:
                if item.exchange is None:
                    units[item.order_line_item_id] += settled_units(item)
    return all(units[line_id] >= line.quantity for line_id, line in order.line_items.items())


def _create_exchange(m: Merchant, ret: Return, order: Order, items: list[ReturnItem]) -> None:
    now = m.now()
    exchange = ExchangeOrder(
        exchange_id=m.ids.next("exchange"),
        return_id=ret.return_id,
        order_id=order.order_id,
        status=CREATED,
        currency=order.currency,
        exchange_cost=m.settings.exchange_cost,
        items=tuple([_exchange_item(m, order, item) for item in items]),
        created_at=now,
        updated_at=now,
    )
    m.exchanges[exchange.exchange_id] = exchange
    ret.exchange_ids = (*ret.exchange_ids, exchange.exchange_id)
    _move_exchange(m, exchange, "create")
    _move_exchange(m, exchange, "await_external_handling")


def _exchange_item(m: Merchant, order: Order, item: ReturnItem) -> ExchangeItem:
    assert item.exchange is not None
    line = order.line_items[item.order_line_item_id]
    return ExchangeItem(
        exchange_item_id=m.ids.next("exchange_item"),
        return_item_id=item.return_item_id,
        order_line_item_id=item.order_line_item_id,
        from_product_id=line.product_id,
        from_variant_id=line.variant_id,
        to_product_id=item.exchange.to_product_id,
        to_variant_id=item.exchange.to_variant_id,
        quantity=settled_units(item),
    )


def _move_return(m: Merchant, ret: Return, event: str) -> None:
    m.move("return", ret, ret.return_id, ret.return_id, event)
    ret.updated_at = m.now()


def _move_refund(m: Merchant, refund: RefundTransaction, event: str) -> None:
    m.move("refund", refund, refund.refund_id, refund.return_id, event)
    refund.updated_at = m.now()


def _move_exchange(m: Merchant, exchange: ExchangeOrder, event: str) -> None:
    m.move("exchange", exchange, exchange.exchange_id, exchange.return_id, event)
    exchange.updated_at = m.now()
