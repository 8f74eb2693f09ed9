"""The mapping between the current statuses and the legacy (turnr) vocabularies.

Defined once, here, as tables; the legacy API, the legacy webhooks, docs/legacy-api.md
and the tests all read these. Where one current status maps to several legacy
ones, the tuple lists the candidates and the extra information that decides is
named in the comment (and applied by the ``legacy_*_status`` functions, which
never answer outside their table: a test holds them to it).
"""

from __future__ import annotations

from enum import StrEnum

from mock_ingrid.domain.lifecycle import (
    EXCHANGE_SETTLED,
    RefundStatus,
    ReportStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ItemStatus, Return, ReturnItem, WarehouseReport
from mock_ingrid.domain.settlement import settled_units


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

# Current return status -> legacy return status.
RETURN_STATUS_MAP: dict[str, tuple[LegacyReturnStatus, ...]] = {
    # Only while the merchant has turned automatic confirmation off.
    ReturnStatus.PENDING: (LegacyReturnStatus.PENDING,),
    ReturnStatus.CONFIRMED: (LegacyReturnStatus.AWAITING_RETURN,),
    ReturnStatus.READY: (LegacyReturnStatus.AWAITING_RETURN,),
    ReturnStatus.IN_TRANSIT: (LegacyReturnStatus.IN_TRANSIT,),
    # COMPLAINT_CHECK while a manual review of a complaint (damaged, wrong item,
    # not as described, quality) is open; QUALITY_CHECK otherwise.
    ReturnStatus.RECEIVED: (LegacyReturnStatus.QUALITY_CHECK, LegacyReturnStatus.COMPLAINT_CHECK),
    # AWAITING_EXCHANGE when only exchange orders are open; AWAITING_REFUND otherwise.
    ReturnStatus.REFUND_PENDING: (
        LegacyReturnStatus.AWAITING_REFUND,
        LegacyReturnStatus.AWAITING_EXCHANGE,
    ),
    ReturnStatus.COMPLETED: (LegacyReturnStatus.COMPLETED,),
    ReturnStatus.CANCELLED: (LegacyReturnStatus.CANCELLED,),
}

# Current item status -> legacy item status.
ITEM_STATUS_MAP: dict[str, tuple[LegacyItemStatus, ...]] = {
    # Not inspected yet: decided by the return's status (PENDING -> NEW,
    # CONFIRMED/READY -> AWAITING_RETURN, IN_TRANSIT -> IN_TRANSIT, RECEIVED ->
    # ARRIVED_AT_WAREHOUSE, CANCELLED -> CANCELLED: a cancelled return's items
    # keep their status, as in the reference).
    ItemStatus.PENDING: (
        LegacyItemStatus.NEW,
        LegacyItemStatus.AWAITING_RETURN,
        LegacyItemStatus.IN_TRANSIT,
        LegacyItemStatus.ARRIVED_AT_WAREHOUSE,
        LegacyItemStatus.CANCELLED,
    ),
    # Inspected: AWAITING_MANUAL_CHECK while a complaint's report is held for
    # review, QUALITY_CHECK while another report is, RETURNED once processed
    # (a denied unit came back too; it is just not refunded).
    ItemStatus.APPROVED: (
        LegacyItemStatus.QUALITY_CHECK,
        LegacyItemStatus.AWAITING_MANUAL_CHECK,
        LegacyItemStatus.RETURNED,
    ),
    ItemStatus.PARTIALLY_APPROVED: (
        LegacyItemStatus.QUALITY_CHECK,
        LegacyItemStatus.AWAITING_MANUAL_CHECK,
        LegacyItemStatus.RETURNED,
    ),
    ItemStatus.DENIED: (
        LegacyItemStatus.QUALITY_CHECK,
        LegacyItemStatus.AWAITING_MANUAL_CHECK,
        LegacyItemStatus.RETURNED,
    ),
    # Missing from the warehouse report: still expected, as far as the legacy
    # view knows (the legacy vocabulary has no "did not arrive"); under review
    # it shares the review's status like the other items.
    ItemStatus.NOT_RECEIVED: (
        LegacyItemStatus.QUALITY_CHECK,
        LegacyItemStatus.AWAITING_MANUAL_CHECK,
        LegacyItemStatus.IN_TRANSIT,
    ),
    ItemStatus.LOST_IN_TRANSIT: (LegacyItemStatus.LOST_IN_TRANSIT,),
    ItemStatus.NO_RETURN_NEEDED: (LegacyItemStatus.NO_RETURN_NEEDED,),
}

# Current refund transaction status -> legacy refund status of its items. An item
# exchanged instead of refunded is EXCHANGE_NO_REFUND once units of it are settled
# (approved, lost or kept), whatever its exchange order's status.
REFUND_STATUS_MAP: dict[str, tuple[LegacyRefundStatus, ...]] = {
    RefundStatus.PENDING: (LegacyRefundStatus.PENDING,),
    RefundStatus.AWAITING_EXTERNAL_REFUND: (LegacyRefundStatus.PENDING,),
    # A failed payout is retried, so the money is still on its way.
    RefundStatus.FAILED: (LegacyRefundStatus.PENDING,),
    # REFUNDED when the merchant confirmed with a payment reference
    # (transactionId); HANDLED_EXTERNALLY when it confirmed without one.
    RefundStatus.SUCCESS: (LegacyRefundStatus.REFUNDED, LegacyRefundStatus.HANDLED_EXTERNALLY),
}

# The legacy item status by the return's status, for items not inspected yet.
_UNINSPECTED_ITEM = {
    ReturnStatus.PENDING: LegacyItemStatus.NEW,
    ReturnStatus.CONFIRMED: LegacyItemStatus.AWAITING_RETURN,
    ReturnStatus.READY: LegacyItemStatus.AWAITING_RETURN,
    ReturnStatus.IN_TRANSIT: LegacyItemStatus.IN_TRANSIT,
    ReturnStatus.RECEIVED: LegacyItemStatus.ARRIVED_AT_WAREHOUSE,
    ReturnStatus.CANCELLED: LegacyItemStatus.CANCELLED,
}

_PROCESSED_ITEM = {
    ItemStatus.APPROVED: LegacyItemStatus.RETURNED,
    ItemStatus.PARTIALLY_APPROVED: LegacyItemStatus.RETURNED,
    ItemStatus.DENIED: LegacyItemStatus.RETURNED,
    ItemStatus.NOT_RECEIVED: LegacyItemStatus.IN_TRANSIT,
}


def _report_of(m: Merchant, ret: Return) -> WarehouseReport | None:
    return m.reports.get(ret.report_id) if ret.report_id else None


def _is_complaint(ret: Return) -> bool:
    return any(
        item.reason is not None and item.reason.code in COMPLAINT_REASONS for item in ret.items
    )


def _under_review(m: Merchant, ret: Return) -> bool:
    report = _report_of(m, ret)
    return report is not None and report.status == ReportStatus.AWAITING_REVIEW


def legacy_return_status(m: Merchant, ret: Return) -> LegacyReturnStatus:
    candidates = RETURN_STATUS_MAP[ret.status]
    if ret.status == ReturnStatus.RECEIVED:
        complaint = _under_review(m, ret) and _is_complaint(ret)
        return candidates[1] if complaint else candidates[0]
    if ret.status == ReturnStatus.REFUND_PENDING:
        refunds_open = any(m.refunds[rid].status != RefundStatus.SUCCESS for rid in ret.refund_ids)
        exchanges_open = any(
            m.exchanges[eid].status not in EXCHANGE_SETTLED for eid in ret.exchange_ids
        )
        return candidates[1] if exchanges_open and not refunds_open else candidates[0]
    return candidates[0]


def legacy_item_status(m: Merchant, ret: Return, item: ReturnItem) -> LegacyItemStatus:
    candidates = ITEM_STATUS_MAP[item.status]
    if len(candidates) == 1:
        return candidates[0]
    if item.status == ItemStatus.PENDING:
        # After the warehouse report every item has an inspected status, so a
        # pending item belongs to a return that is at most RECEIVED.
        fallback = LegacyItemStatus.ARRIVED_AT_WAREHOUSE
        return _UNINSPECTED_ITEM.get(ReturnStatus(ret.status), fallback)
    if _under_review(m, ret):
        if _is_complaint(ret):
            return LegacyItemStatus.AWAITING_MANUAL_CHECK
        return LegacyItemStatus.QUALITY_CHECK
    return _PROCESSED_ITEM[ItemStatus(item.status)]


def legacy_refund_status(m: Merchant, ret: Return, item: ReturnItem) -> LegacyRefundStatus | None:
    """How the item's money went back; ``None`` while nothing is settled for it, and
    for items that get nothing (denied, not received)."""
    if not settled_units(item):
        return None
    if item.exchange is not None:
        return LegacyRefundStatus.EXCHANGE_NO_REFUND
    for refund_id in ret.refund_ids:
        refund = m.refunds[refund_id]
        if not any(line.order_line_item_id == item.order_line_item_id for line in refund.lines):
            continue
        candidates = REFUND_STATUS_MAP[refund.status]
        if refund.status == RefundStatus.SUCCESS and not refund.transaction_id:
            return candidates[1]
        return candidates[0]
    return None
