"""Warehouse reports: what arrived, and whether it passed inspection."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.errors import InvalidInput, InvalidTransition, NotFound, ProblemCollector
from mock_ingrid.domain.lifecycle import CREATED, ReturnStatus
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import (
    ItemStatus,
    Order,
    ReportAction,
    ReportItem,
    ReportProcessing,
    Return,
    ReturnItem,
    WarehouseReport,
)
from mock_ingrid.domain.settlement import settle

_BEFORE_RECEIPT = {
    ReturnStatus.PENDING,
    ReturnStatus.CONFIRMED,
    ReturnStatus.READY,
    ReturnStatus.IN_TRANSIT,
}


@one_instant
def submit_report(m: Merchant, data: ReportInput) -> WarehouseReport:
    """Record an inspection; with PROCESS_IMMEDIATELY the refund is computed at once.
    The report of the first (oldest) return when a report by order is spread."""
    return submit_reports(m, data)[0]


@one_instant
def submit_reports(m: Merchant, data: ReportInput) -> list[WarehouseReport]:
    """Record an inspection: one warehouse report per return it touches, oldest first.

    Only a report by ``orderId`` alone touches more than one return (see
    ``_spread_by_order``). Every item is placed before anything is stored, so a refused
    report changes nothing."""
    if data.order_id is not None and data.return_id is None and data.tracking_reference is None:
        m.require_order(data.order_id, "orderId")
        placed = _spread_by_order(m, data.order_id, data.items)
    else:
        ret = _find_return(m, data)
        _check_reportable(m, ret)
        placed = [(ret, _match_items(m, ret, data.items))]
    return [_record(m, data, ret, matched) for ret, matched in placed]


def _record(
    m: Merchant, data: ReportInput, ret: Return, matched: list[tuple[ReportItemInput, ReturnItem]]
) -> WarehouseReport:
    now = m.now()
    report = WarehouseReport(
        report_id=m.ids.next("warehouse_report"),
        return_id=ret.return_id,
        order_id=ret.order_id,
        status=CREATED,
        processing=data.processing,
        items=tuple(
            [
                ReportItem(
                    item.return_item_id,
                    item.order_line_item_id,
                    given.sku,
                    given.quantity,
                    given.action,
                    given.comment,
                )
                for given, item in matched
            ]
        ),
        created_at=now,
        tracking_reference=data.tracking_reference,
        return_station=data.return_station,
        comment=data.comment,
    )
    m.reports[report.report_id] = report
    ret.report_id = report.report_id
    if ret.status in _BEFORE_RECEIPT:
        m.move("return", ret, ret.return_id, ret.return_id, "receive")
    _apply_inspection(ret, matched, now)
    ret.updated_at = now
    m.move("report", report, report.report_id, ret.return_id, "create")
    if data.processing is ReportProcessing.MANUAL_REVIEW:
        m.move("report", report, report.report_id, ret.return_id, "hold_for_review")
    else:
        m.move("report", report, report.report_id, ret.return_id, "process")
        settle(m, ret)
    return report


@one_instant
def approve_review(m: Merchant, report_id: str) -> WarehouseReport:
    report = m.require_report(report_id)
    m.move("report", report, report_id, report.return_id, "approve_review")
    settle(m, m.returns[report.return_id])
    return report


@one_instant
def reject_review(m: Merchant, report_id: str) -> WarehouseReport:
    """The reviewer overrules the report: nothing of it is refunded or exchanged."""
    report = m.require_report(report_id)
    m.move("report", report, report_id, report.return_id, "reject_review")
    ret = m.returns[report.return_id]
    for item in ret.items:
        if item.approved_quantity:
            item.denied_quantity += item.approved_quantity
            item.approved_quantity = 0
            item.status = ItemStatus.DENIED
    settle(m, ret)
    return report


def _find_return(m: Merchant, data: ReportInput) -> Return:
    if data.return_id is None and data.order_id is None and data.tracking_reference is None:
        raise InvalidInput.one(
            "returnId",
            "MISSING_MATCH_KEY",
            "give at least one of returnId, orderId or shipmentTrackingReference",
        )
    candidates: list[tuple[str, Return]] = []
    if data.return_id is not None:
        candidates.append(("returnId", m.require_return(data.return_id, "returnId")))
    if data.tracking_reference is not None:
        owner = m.returns_by_tracking.get(data.tracking_reference)
        if owner is None:
            raise NotFound("return shipment", data.tracking_reference, "shipmentTrackingReference")
        candidates.append(("shipmentTrackingReference", m.returns[owner]))
    if data.order_id is not None:
        m.require_order(data.order_id, "orderId")
        # orderId alone is spread by submit_reports; here it only has to agree.
        if candidates[0][1].order_id != data.order_id:
            raise InvalidInput.one(
                "orderId",
                "MATCH_KEYS_DISAGREE",
                f"return '{candidates[0][1].return_id}' belongs to order "
                f"'{candidates[0][1].order_id}', not '{data.order_id}'",
            )
    first_key, ret = candidates[0]
    for key, other in candidates[1:]:
        if other is not ret:
            raise InvalidInput.one(
                key,
                "MATCH_KEYS_DISAGREE",
                f"{key} points at return '{other.return_id}' but {first_key} at '{ret.return_id}'",
            )
    return ret


Placed = list[tuple[Return, list[tuple[ReportItemInput, ReturnItem]]]]


def _spread_by_order(m: Merchant, order_id: str, items: list[ReportItemInput]) -> Placed:
    """The returns of the order a report by ``orderId`` alone goes to.

    The rule (written in current.json): when one return awaiting inspection holds every
    reported item, the oldest such return takes the whole report. Otherwise the report
    is spread: item by item, in the order sent, its units go to the oldest return
    awaiting inspection with a matching item that has room, up to that item's units,
    then to the next one. An item no return has room for refuses the whole report."""
    open_returns = [ret for ret in m.returns_of_order(order_id) if _is_reportable(ret)]
    if not open_returns:
        raise InvalidInput.one(
            "orderId",
            "NO_MATCHING_RETURN",
            f"order '{order_id}' has no return awaiting inspection",
        )
    for ret in open_returns:
        if _try_match(m, ret, items):
            return [(ret, _match_items(m, ret, items))]
    order = m.orders[order_id]
    room: dict[str, int] = {}
    pieces: dict[str, list[ReportItemInput]] = {}
    problems = ProblemCollector()
    for index, given in enumerate(items):
        left = given.quantity
        for ret in open_returns:
            for item in _candidates(order, ret, given):
                free = room.setdefault(item.return_item_id, item.quantity)
                if left == 0 or free == 0 or item.settles_without_receipt:
                    continue
                units = min(left, free)
                room[item.return_item_id] = free - units
                left -= units
                pieces.setdefault(ret.return_id, []).append(
                    replace(given, quantity=units, return_item_id=item.return_item_id)
                )
        if left:
            problems.add(
                f"items[{index}]",
                "NO_MATCHING_RETURN",
                f"order '{order_id}' has no return awaiting inspection with room for "
                f"{given.quantity} unit(s) of " + _describe_keys(given),
            )
    problems.raise_if_any()
    return [
        (ret, _match_items(m, ret, pieces[ret.return_id]))
        for ret in open_returns
        if ret.return_id in pieces
    ]


def _is_reportable(ret: Return) -> bool:
    if ret.report_id is not None:
        return False
    return ret.status in _BEFORE_RECEIPT or ret.status == ReturnStatus.RECEIVED


def _check_reportable(m: Merchant, ret: Return) -> None:
    if _is_reportable(ret):
        return
    if ret.report_id is not None:
        detail = f"it was already inspected by warehouse report '{ret.report_id}'"
    else:
        detail = f"a report is accepted only before inspection, and it is {ret.status}"
    raise InvalidTransition(
        "return", ret.return_id, ret.status, "accept_a_warehouse_report_for", [], detail=detail
    )


def _try_match(m: Merchant, ret: Return, items: list[ReportItemInput]) -> bool:
    try:
        _match_items(m, ret, items)
    except InvalidInput:
        return False
    return True


def _match_items(
    m: Merchant, ret: Return, items: list[ReportItemInput]
) -> list[tuple[ReportItemInput, ReturnItem]]:
    problems = ProblemCollector()
    order = m.orders[ret.order_id]
    matched: list[tuple[ReportItemInput, ReturnItem]] = []
    reported: Counter[str] = Counter()
    for index, given in enumerate(items):
        path = f"items[{index}]"
        candidates = _candidates(order, ret, given)
        if given.return_item_id is None and given.order_line_item_id is None and given.sku is None:
            problems.add(path, "MISSING_ITEM_KEY", "give returnItemId, orderLineItemId or sku")
            continue
        if not candidates:
            problems.add(
                path,
                "UNKNOWN_RETURN_ITEM",
                f"return '{ret.return_id}' has no item matching " + _describe_keys(given),
            )
            continue
        item = next(
            (c for c in candidates if reported[c.return_item_id] + given.quantity <= c.quantity),
            candidates[0],
        )
        if item.settles_without_receipt:
            problems.add(
                path, "ITEM_NOT_EXPECTED", f"item '{item.return_item_id}' is {item.status}"
            )
            continue
        reported[item.return_item_id] += given.quantity
        if reported[item.return_item_id] > item.quantity:
            problems.add(
                f"{path}.quantity",
                "QUANTITY_EXCEEDS_RETURN",
                f"item '{item.return_item_id}' was returned with quantity {item.quantity}; "
                f"{reported[item.return_item_id]} reported",
            )
        matched.append((given, item))
    problems.raise_if_any()
    return matched


def _candidates(order: Order, ret: Return, given: ReportItemInput) -> list[ReturnItem]:
    """The items of ``ret`` that every key of ``given`` matches."""
    return [
        item
        for item in ret.items
        if (given.return_item_id is None or item.return_item_id == given.return_item_id)
        and (
            given.order_line_item_id is None or item.order_line_item_id == given.order_line_item_id
        )
        and (given.sku is None or order.line_items[item.order_line_item_id].sku == given.sku)
    ]


def _describe_keys(given: ReportItemInput) -> str:
    keys = {
        "returnItemId": given.return_item_id,
        "orderLineItemId": given.order_line_item_id,
        "sku": given.sku,
    }
    return ", ".join(f"{k}='{v}'" for k, v in keys.items() if v is not None)


def _apply_inspection(
    ret: Return, matched: list[tuple[ReportItemInput, ReturnItem]], now: datetime
) -> None:
    for given, item in matched:
        if given.action is ReportAction.APPROVED:
            item.approved_quantity += given.quantity
        else:
            item.denied_quantity += given.quantity
        if given.comment:
            item.comment = given.comment
    for item in ret.items:
        if item.settles_without_receipt:
            continue
        item.status = _inspected_status(item)
        if item.approved_quantity or item.denied_quantity:
            item.received_at = now


def _inspected_status(item: ReturnItem) -> ItemStatus:
    if item.approved_quantity == item.quantity:
        return ItemStatus.APPROVED
    if item.approved_quantity:
        return ItemStatus.PARTIALLY_APPROVED
    if item.denied_quantity:
        return ItemStatus.DENIED
    return ItemStatus.NOT_RECEIVED
