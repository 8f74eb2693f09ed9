"""Drive a return to a status along the happy path, firing every event on the way.

The path is the shortest one in a graph of the return's next steps (``next_steps.py``:
confirm, label, carrier scan, delivery, an inspection that approves everything), settling
every refund and exchange with theirs, plus cancellation. Exotic exits (lost in transit,
kept items, denials) have their own helpers.
"""

from __future__ import annotations

from collections import deque

from mock_ingrid.domain import returns, settlement
from mock_ingrid.domain.errors import InvalidTransition
from mock_ingrid.domain.lifecycle import RETURN_LIFECYCLE, RefundStatus, ReturnStatus
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import Return
from mock_ingrid.domain.next_steps import NEXT_STEPS, Step, take_next_step

S = ReturnStatus


@one_instant
def inspect(m: Merchant, return_id: str) -> None:
    """A held review is approved, or the warehouse approves every unit still expected."""
    ret = m.returns[return_id]
    report = m.reports.get(ret.report_id) if ret.report_id else None
    if report is None or not take_next_step(m, "report", report.report_id, report.status):
        NEXT_STEPS["return", S.RECEIVED].run(m, return_id)


@one_instant
def settle_everything(m: Merchant, return_id: str) -> None:
    """The merchant confirms every open refund (a failed one is retried first) and exchange."""
    ret = m.returns[return_id]
    for refund_id in ret.refund_ids:
        if m.refunds[refund_id].status == RefundStatus.FAILED:
            settlement.retry_refund(m, refund_id)
        take_next_step(m, "refund", refund_id, m.refunds[refund_id].status)
    for exchange_id in ret.exchange_ids:
        take_next_step(m, "exchange", exchange_id, m.exchanges[exchange_id].status)


# (from, to, step): the return's next steps, its inspection and settling, and cancelling.
HAPPY_STEPS: list[tuple[str, str, Step]] = [
    *[
        (step.source, step.target, inspect if step.source == S.RECEIVED else step.run)
        for (kind, _), step in NEXT_STEPS.items()
        if kind == "return"
    ],
    (S.REFUND_PENDING, S.COMPLETED, settle_everything),
    *[
        (t.source, t.target, returns.cancel_return)
        for t in RETURN_LIFECYCLE.transitions
        if t.event == "cancel"
    ],
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
