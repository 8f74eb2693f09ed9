"""The refund calculation, as a pure function of the order, the units and the policy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mock_ingrid.domain.model import Deductions, Order, RefundLine
from mock_ingrid.money import ZERO, quantize


@dataclass(frozen=True, slots=True)
class RefundBreakdown:
    lines: list[RefundLine]
    items_amount: Decimal
    shipping_amount: Decimal
    return_shipment_cost: Decimal
    return_handling_cost: Decimal
    total_amount: Decimal
    gift_card_amount: Decimal


def compute_refund(
    order: Order,
    units: dict[str, int],
    deductions: Deductions,
    refund_shipping: bool,
    gift_card_already_refunded: Decimal = ZERO,
) -> RefundBreakdown:
    """Refund ``units`` (line item id -> quantity) of ``order``.

    Items are refunded at the unit price actually paid. Shipping is added when
    ``refund_shipping`` says so. Deductions are taken from the gross amount but
    never push it below zero (so ``totals - deductions == totalAmount`` always
    holds). The part of the refund that goes back to a gift card is the
    order's gift-card share of the total, capped by what is left of the card.
    """
    currency = order.currency
    lines = [
        RefundLine(
            line_id,
            quantity,
            quantize(order.line_items[line_id].paid_unit_price * quantity, currency),
        )
        for line_id, quantity in units.items()
        if quantity > 0
    ]
    items_amount = sum((line.amount for line in lines), ZERO)
    shipping_amount = order.shipping_cost if refund_shipping else ZERO
    gross = items_amount + shipping_amount
    shipment_cost = min(deductions.return_shipment_cost, gross)
    handling_cost = min(deductions.return_handling_cost, gross - shipment_cost)
    total = gross - shipment_cost - handling_cost
    return RefundBreakdown(
        lines=lines,
        items_amount=items_amount,
        shipping_amount=shipping_amount,
        return_shipment_cost=shipment_cost,
        return_handling_cost=handling_cost,
        total_amount=total,
        gift_card_amount=_gift_card_share(order, total, gift_card_already_refunded),
    )


def _gift_card_share(order: Order, total: Decimal, already: Decimal) -> Decimal:
    if order.gift_card_amount <= ZERO or order.total_amount <= ZERO:
        return ZERO
    share = quantize(total * order.gift_card_amount / order.total_amount, order.currency)
    return max(ZERO, min(share, order.gift_card_amount - already, total))
