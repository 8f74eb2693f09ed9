"""Returns: creation from shipped units, and every step before the warehouse."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.domain.errors import InvalidInput, ProblemCollector
from mock_ingrid.domain.lifecycle import CREATED, ReturnStatus
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import (
    ExchangeRequest,
    ItemStatus,
    Order,
    Return,
    ReturnItem,
    ReturnShipment,
)
from mock_ingrid.domain.reasons import make_reason
from mock_ingrid.domain.settlement import settle


def returnable_units(m: Merchant, order: Order) -> Counter[str]:
    """Shipped units per line item that are on no open (non-cancelled) return."""
    units: Counter[str] = Counter(
        {line_id: order.shipped_quantity(line_id) for line_id in order.line_items}
    )
    for ret in m.returns_of_order(order.order_id):
        if ret.status != ReturnStatus.CANCELLED:
            for item in ret.items:
                units[item.order_line_item_id] -= item.quantity
    return units


@one_instant
def create_return(
    m: Merchant, order_id: str, items: list[ReturnItemInput], customer_note: str | None = None
) -> Return:
    order = m.require_order(order_id)
    _check_window(m, order)
    _check_items(m, order, items)
    now = m.now()
    ret = Return(
        return_id=m.ids.next("return"),
        order_id=order_id,
        status=CREATED,
        items=tuple([_return_item(m, item) for item in items]),
        created_at=now,
        updated_at=now,
        customer_note=customer_note,
    )
    m.returns[ret.return_id] = ret
    m.add_return_of_order(order_id, ret.return_id)
    _move(m, ret, "create")
    if m.settings.auto_confirm_returns:
        confirm_return(m, ret.return_id)
    return ret


@one_instant
def confirm_return(m: Merchant, return_id: str) -> Return:
    """The return is accepted and a return shipment is booked with the carrier."""
    ret = m.require_return(return_id)
    m.target_of("return", return_id, ret.status, "confirm")
    if ret.shipment is None:
        _book_shipment(m, ret, None, None)
    _move(m, ret, "confirm")
    return ret


@one_instant
def mark_label_ready(
    m: Merchant, return_id: str, tracking_reference: str | None = None, carrier: str | None = None
) -> Return:
    ret = m.require_return(return_id)
    m.target_of("return", return_id, ret.status, "label_ready")
    _check_tracking_free(m, ret, tracking_reference)
    _book_shipment(m, ret, tracking_reference, carrier)
    _move(m, ret, "label_ready")
    return ret


@one_instant
def scan_in_transit(m: Merchant, return_id: str) -> Return:
    ret = m.require_return(return_id)
    _move(m, ret, "scan_in_transit")
    return ret


@one_instant
def deliver_to_warehouse(m: Merchant, return_id: str) -> Return:
    """The parcel reached the warehouse; inspection (a warehouse report) is still to come."""
    ret = m.require_return(return_id)
    _move(m, ret, "receive")
    ret.delivered_at = m.now()
    return ret


@one_instant
def cancel_return(m: Merchant, return_id: str) -> Return:
    ret = m.require_return(return_id)
    # Items keep their status, as in the reference's example of a cancelled return.
    _move(m, ret, "cancel")
    return ret


@one_instant
def lose_in_transit(m: Merchant, return_id: str) -> Return:
    """The carrier lost the parcel: every item still out is settled as if received."""
    ret = m.require_return(return_id)
    m.target_of("return", return_id, ret.status, "lose_in_transit")
    for item in ret.items:
        if item.status == ItemStatus.PENDING:
            item.status = ItemStatus.LOST_IN_TRANSIT
    settle(m, ret, "lose_in_transit")
    return ret


@one_instant
def mark_no_return_needed(m: Merchant, return_id: str, return_item_ids: list[str]) -> Return:
    """The customer keeps these items; when no item is left to send, settle at once."""
    ret = m.require_return(return_id)
    m.target_of("return", return_id, ret.status, "waive_return")
    problems = ProblemCollector()
    for index, item_id in enumerate(return_item_ids):
        item = ret.item(item_id)
        if item is None:
            problems.add(
                f"returnItemIds[{index}]",
                "UNKNOWN_RETURN_ITEM",
                f"the return has no item '{item_id}'",
            )
        elif item.status != ItemStatus.PENDING:
            problems.add(
                f"returnItemIds[{index}]", "ITEM_NOT_PENDING", f"item '{item_id}' is {item.status}"
            )
    problems.raise_if_any()
    for item_id in return_item_ids:
        item = ret.item(item_id)
        assert item is not None
        item.status = ItemStatus.NO_RETURN_NEEDED
    ret.updated_at = m.now()
    if all(item.settles_without_receipt for item in ret.items):
        settle(m, ret, "waive_return")
    return ret


def _move(m: Merchant, ret: Return, event: str) -> None:
    m.move("return", ret, ret.return_id, ret.return_id, event)
    ret.updated_at = m.now()


def _book_shipment(m: Merchant, ret: Return, tracking: str | None, carrier: str | None) -> None:
    if ret.shipment is not None and tracking is None and carrier is None:
        return
    if ret.shipment is not None:
        m.returns_by_tracking.pop(ret.shipment.tracking_reference, None)
    shipment_id = ret.shipment.shipment_id if ret.shipment else m.ids.next("return_shipment")
    reference = tracking or f"RT{int(ret.return_id):010d}"
    ret.shipment = ReturnShipment(
        shipment_id=shipment_id,
        carrier=carrier or m.settings.carrier,
        tracking_reference=reference,
        booked_at=m.now(),
    )
    m.returns_by_tracking[reference] = ret.return_id


def _check_tracking_free(m: Merchant, ret: Return, tracking: str | None) -> None:
    owner = m.returns_by_tracking.get(tracking) if tracking else None
    if owner is not None and owner != ret.return_id:
        raise InvalidInput.one(
            "trackingReference",
            "DUPLICATE_TRACKING_REFERENCE",
            f"return '{owner}' already uses '{tracking}'",
        )


def _return_item(m: Merchant, data: ReturnItemInput) -> ReturnItem:
    exchange = None
    if data.exchange_to_product_id and data.exchange_to_variant_id:
        exchange = ExchangeRequest(data.exchange_to_product_id, data.exchange_to_variant_id)
    return ReturnItem(
        return_item_id=m.ids.next("return_item"),
        order_line_item_id=data.order_line_item_id,
        quantity=data.quantity,
        reason=make_reason(data.reason_code, data.sub_reason_code) if data.reason_code else None,
        exchange=exchange,
    )


def _check_window(m: Merchant, order: Order) -> None:
    days = m.settings.return_window_days
    if days is None:
        return
    start = order.shipped_at or order.ordered_at
    if m.now() > start + timedelta(days=days):
        raise InvalidInput.one(
            "orderId",
            "RETURN_WINDOW_EXPIRED",
            f"the return window of {days} days from {start.isoformat()} has passed",
        )


def _check_items(m: Merchant, order: Order, items: list[ReturnItemInput]) -> None:
    problems = ProblemCollector()
    available = returnable_units(m, order)
    requested: Counter[str] = Counter()
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if item.order_line_item_id not in order.line_items:
            problems.add(
                f"{path}.orderLineItemId",
                "UNKNOWN_LINE_ITEM",
                f"order '{order.order_id}' has no line item '{item.order_line_item_id}'",
            )
            continue
        requested[item.order_line_item_id] += item.quantity
        if requested[item.order_line_item_id] > available[item.order_line_item_id]:
            shipped = order.shipped_quantity(item.order_line_item_id)
            left = max(available[item.order_line_item_id], 0)
            problems.add(
                f"{path}.quantity",
                "QUANTITY_NOT_RETURNABLE",
                f"line item '{item.order_line_item_id}' has {left} "
                f"returnable unit(s) ({shipped} shipped, the rest on returns not cancelled); "
                f"{requested[item.order_line_item_id]} requested",
            )
        _check_exchange(m, item, path, problems)
    problems.raise_if_any()


def _check_exchange(
    m: Merchant, item: ReturnItemInput, path: str, problems: ProblemCollector
) -> None:
    product_id, variant_id = item.exchange_to_product_id, item.exchange_to_variant_id
    if product_id is None and variant_id is None:
        return
    if not product_id or not variant_id:
        problems.add(
            f"{path}.exchangeTo",
            "INCOMPLETE_EXCHANGE",
            "an exchange needs both a product and a variant",
        )
        return
    product = m.products.get(product_id)
    if product is None or variant_id not in product.variants:
        problems.add(
            f"{path}.exchangeTo.variantId",
            "UNKNOWN_VARIANT",
            f"no variant '{variant_id}' of product '{product_id}' to exchange to",
        )
