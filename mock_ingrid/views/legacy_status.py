"""The mapping between the current statuses and the legacy (turnr) vocabularies.

Defined once, here, as tables; the legacy API, the legacy webhooks, the README
and the tests all read these. Where one current status maps to several legacy
ones, the extra information that decides is named in the table.
"""

from __future__ import annotations

from enum import StrEnum

from mock_ingrid.domain.lifecycle import (
    ExchangeStatus,
    RefundStatus,
    ReportStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ItemStatus, Return, ReturnItem


class LegacyReturnStatus(StrEnum):
    PENDING = "PENDING"
    AWAITING_RETURN = "AWAITING_RETURN"
    IN_TRANSIT = "IN_TRANSIT"
    QUALITY_CHECK = "QUALITY_CHECK"
    COMPLAINT_CHECK = "COMPLAINT_CHECK"
    AWAITING_REFUND = "AWAITING_REFUND"
    AWAITING_EXCHANGE = "AWAITING_EXCHANGE"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class LegacyItemStatus(StrEnum):
    NEW = "NEW"
    AWAITING_RETURN = "AWAITING_RETURN"
    IN_TRANSIT = "IN_TRANSIT"
    AWAITING_MANUAL_CHECK = "AWAITING_MANUAL_CHECK"
    ARRIVED_AT_WAREHOUSE = "ARRIVED_AT_WAREHOUSE"
    QUALITY_CHECK = "QUALITY_CHECK"
    RETURNED = "RETURNED"
    LOST_IN_TRANSIT = "LOST_IN_TRANSIT"
    CANCELLED = "CANCELLED"
    NO_RETURN_NEEDED = "NO_RETURN_NEEDED"


class LegacyRefundStatus(StrEnum):
    EXCHANGE_NO_REFUND = "EXCHANGE_NO_REFUND"
    PENDING = "PENDING"
    REFUNDED = "REFUNDED"
    HANDLED_EXTERNALLY = "HANDLED_EXTERNALLY"


# Reasons that make a manual review a complaint check rather than a quality check.
COMPLAINT_REASONS = frozenset({"DAMAGED", "NOT_AS_DESCRIBED", "WRONG_ITEM", "QUALITY"})

# Current return status -> legacy return status. A tuple lists the candidates;
# ``legacy_return_status`` picks one by the rule in the comment.
RETURN_STATUS_MAP: dict[str, tuple[LegacyReturnStatus, ...]] = {
    ReturnStatus.PENDING: (LegacyReturnStatus.PENDING,),
    ReturnStatus.CONFIRMED: (LegacyReturnStatus.AWAITING_RETURN,),
    ReturnStatus.READY: (LegacyReturnStatus.AWAITING_RETURN,),
    ReturnStatus.IN_TRANSIT: (LegacyReturnStatus.IN_TRANSIT,),
    # COMPLAINT_CHECK while a manual review of a complaint (damaged, wrong item,
    # not as described) is open; QUALITY_CHECK otherwise.
    ReturnStatus.RECEIVED: (LegacyReturnStatus.QUALITY_CHECK, LegacyReturnStatus.COMPLAINT_CHECK),
    # AWAITING_EXCHANGE when only exchange orders are open; AWAITING_REFUND otherwise.
    ReturnStatus.REFUND_PENDING: (
        LegacyReturnStatus.AWAITING_REFUND,
        LegacyReturnStatus.AWAITING_EXCHANGE,
    ),
    ReturnStatus.COMPLETED: (LegacyReturnStatus.COMPLETED,),
    ReturnStatus.CANCELLED: (LegacyReturnStatus.CANCELLED,),
}

# Legacy item status by the return's current status, for items still on their way.
_ITEM_BY_RETURN_STATUS = {
    ReturnStatus.PENDING: LegacyItemStatus.NEW,
    ReturnStatus.CONFIRMED: LegacyItemStatus.AWAITING_RETURN,
    ReturnStatus.READY: LegacyItemStatus.AWAITING_RETURN,
    ReturnStatus.IN_TRANSIT: LegacyItemStatus.IN_TRANSIT,
    ReturnStatus.CANCELLED: LegacyItemStatus.CANCELLED,
}

_ITEM_BY_ITEM_STATUS = {
    ItemStatus.CANCELLED: LegacyItemStatus.CANCELLED,
    ItemStatus.LOST_IN_TRANSIT: LegacyItemStatus.LOST_IN_TRANSIT,
    ItemStatus.NO_RETURN_NEEDED: LegacyItemStatus.NO_RETURN_NEEDED,
    ItemStatus.APPROVED: LegacyItemStatus.RETURNED,
    ItemStatus.PARTIALLY_APPROVED: LegacyItemStatus.RETURNED,
    ItemStatus.DENIED: LegacyItemStatus.RETURNED,
    # Not in the warehouse report: still expected, as far as the legacy view knows.
    ItemStatus.NOT_RECEIVED: LegacyItemStatus.IN_TRANSIT,
}


def _is_complaint_review(m: Merchant, ret: Return) -> bool:
    report = m.reports.get(ret.report_id) if ret.report_id else None
    if report is None or report.status != ReportStatus.AWAITING_REVIEW:
        return False
    return any(item.reason is not None and item.reason.code in COMPLAINT_REASONS for item in ret.items)


def legacy_return_status(m: Merchant, ret: Return) -> LegacyReturnStatus:
    candidates = RETURN_STATUS_MAP[ret.status]
    if ret.status == ReturnStatus.RECEIVED:
        return candidates[1] if _is_complaint_review(m, ret) else candidates[0]
    if ret.status == ReturnStatus.REFUND_PENDING:
        refunds_open = any(m.refunds[rid].status != RefundStatus.SUCCESS for rid in ret.refund_ids)
        exchanges_open = any(
            m.exchanges[eid].status
            not in (ExchangeStatus.COMPLETED, ExchangeStatus.CANCELLED)
            for eid in ret.exchange_ids
        )
        return candidates[1] if exchanges_open and not refunds_open else candidates[0]
    return candidates[0]


def legacy_item_status(m: Merchant, ret: Return, item: ReturnItem) -> LegacyItemStatus:
    settled_without_parcel = (
        ItemStatus.CANCELLED, ItemStatus.LOST_IN_TRANSIT, ItemStatus.NO_RETURN_NEEDED
    )
    if item.status in settled_without_parcel:
        return _ITEM_BY_ITEM_STATUS[item.status]
    if ret.status in _ITEM_BY_RETURN_STATUS:
        return _ITEM_BY_RETURN_STATUS[ret.status]
    report = m.reports.get(ret.report_id) if ret.report_id else None
    if report is None:  # delivered, not inspected yet
        return LegacyItemStatus.ARRIVED_AT_WAREHOUSE
    if report.status == ReportStatus.AWAITING_REVIEW:
        if _is_complaint_review(m, ret):
            return LegacyItemStatus.AWAITING_MANUAL_CHECK
        return LegacyItemStatus.QUALITY_CHECK
    return _ITEM_BY_ITEM_STATUS.get(item.status, LegacyItemStatus.QUALITY_CHECK)


def legacy_refund_status(m: Merchant, ret: Return, item: ReturnItem) -> LegacyRefundStatus | None:
    """How the item's money went back; ``None`` for items that get nothing (denied)."""
    if item.exchange is not None:
        return LegacyRefundStatus.EXCHANGE_NO_REFUND
    for refund_id in ret.refund_ids:
        refund = m.refunds[refund_id]
        if not any(line.order_line_item_id == item.order_line_item_id for line in refund.lines):
            continue
        if refund.status != RefundStatus.SUCCESS:
            return LegacyRefundStatus.PENDING
        # Confirmed with a payment reference: refunded to the original payment.
        # Confirmed without one: handled outside the returns platform.
        if refund.transaction_id:
            return LegacyRefundStatus.REFUNDED
        return LegacyRefundStatus.HANDLED_EXTERNALLY
    return None
