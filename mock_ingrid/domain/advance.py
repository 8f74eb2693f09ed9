"""Drive a return to a status along the happy path, firing every event on the way.

The path is the shortest one in a graph of the steps real life takes most often
(confirm, label, carrier scan, delivery, an inspection that approves everything,
settling every refund and exchange) plus cancellation. Exotic exits (lost in
transit, kept items, denials) have their own helpers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.errors import InvalidTransition
from mock_ingrid.domain.lifecycle import (
    EXCHANGE_SETTLED,
    RefundStatus,
    ReportStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import ReportAction, Return

Step = Callable[[Merchant, str], object]

S = ReturnStatus


@one_instant
def inspect_all_approved(m: Merchant, return_id: str) -> None:
    """The warehouse approves every unit still expected (or a held review is approved)."""
    ret = m.returns[return_id]
    report = m.reports.get(ret.report_id) if ret.report_id else None
    if report is not None and report.status == ReportStatus.AWAITING_REVIEW:
        warehouse.approve_review(m, report.report_id)
        return
    items = [
        ReportItemInput(item.quantity, ReportAction.APPROVED, return_item_id=item.return_item_id)
        for item in ret.items
        if not item.settles_without_receipt
    ]
    warehouse.submit_report(m, ReportInput(items, return_id=return_id))


@one_instant
def settle_everything(m: Merchant, return_id: str) -> None:
    """The merchant confirms every open refund (for its total) and exchange."""
    ret = m.returns[return_id]
    for refund_id in ret.refund_ids:
        refund = m.refunds[refund_id]
        if refund.status == RefundStatus.FAILED:
            settlement.retry_refund(m, refund_id)
        if refund.status == RefundStatus.AWAITING_EXTERNAL_REFUND:
            settlement.complete_refund(m, refund_id, refund.total_amount, refund.currency, None)
    for exchange_id in ret.exchange_ids:
        if m.exchanges[exchange_id].status not in EXCHANGE_SETTLED:
            settlement.complete_exchange(m, exchange_id, f"EXCHANGE-{exchange_id}", None, None)


_BEFORE_RECEIPT = (S.PENDING, S.CONFIRMED, S.READY, S.IN_TRANSIT)

# (from, to, step)
HAPPY_STEPS: list[tuple[str, str, Step]] = [
    (S.PENDING, S.CONFIRMED, returns.confirm_return),
    (S.CONFIRMED, S.READY, lambda m, rid: returns.mark_label_ready(m, rid)),
    (S.READY, S.IN_TRANSIT, returns.scan_in_transit),
    (S.IN_TRANSIT, S.RECEIVED, returns.deliver_to_warehouse),
    (S.RECEIVED, S.REFUND_PENDING, inspect_all_approved),
    (S.REFUND_PENDING, S.COMPLETED, settle_everything),
    *[(source, S.CANCELLED, returns.cancel_return) for source in _BEFORE_RECEIPT],
]


def path_to(source: str, target: str) -> list[tuple[str, str, Step]] | None:
    """The shortest list of steps from ``source`` to ``target``; None when there is none."""
    previous: dict[str, tuple[str, str, Step] | None] = {source: None}
    queue = deque([source])
    while queue:
        status = queue.popleft()
        if status == target:
            path = []
            while (edge := previous[status]) is not None:
                path.append(edge)
                status = edge[0]
            return path[::-1]
        for edge in HAPPY_STEPS:
            if edge[0] == status and edge[1] not in previous:
                previous[edge[1]] = edge
                queue.append(edge[1])
    return None


@one_instant
def advance_return(m: Merchant, return_id: str, target: str) -> Return:
    ret = m.require_return(return_id)
    path = path_to(ret.status, target)
    if path is None:
        reachable = sorted({to for to in ReturnStatus if path_to(ret.status, to)} - {ret.status})
        raise InvalidTransition(
            "return",
            return_id,
            ret.status,
            "advance",
            reachable,
            detail=f"no path leads from {ret.status} to {target}; reachable: "
            + (", ".join(reachable) or "nothing (it is final)"),
        )
    for _ in range(len(HAPPY_STEPS)):  # every step moves the return, so this ends
        if ret.status == target:
            break
        remaining = path_to(ret.status, target)
        if not remaining:  # e.g. an inspection with nothing to refund completed it
            break
        remaining[0][2](m, return_id)
    return ret
