"""What comes next: the one table of the step that moves an entity on by itself.

Per entity kind and status, the step real life takes most often out of that status when
someone outside the merchant's API acts: the carrier, the warehouse (approving every
unit), a reviewer, the merchant's payment or order system. It is read by

- the progression policies (``progression.py``), which run a step when it falls due;
- the advance helper (``advance.py``), which walks a return's steps (and cancellation)
  to the status asked for, settling the return's refunds and exchanges with theirs;
- fixtures (``fixtures.py``), whose named steps (``"labelReady"``, ``"completeRefund"``,
  ...) take one from a return.

A step is one domain operation on the entity (merchant, entity id): it fires its events,
and fails as that operation does when the entity is not (or no longer) in the status.
Exits off the common path (lost in transit, denials, cancellation) are not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.lifecycle import ExchangeStatus, RefundStatus, ReportStatus, ReturnStatus
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction

Step = Callable[[Merchant, str], object]


@dataclass(frozen=True, slots=True)
class NextStep:
    kind: str  # the entity kind, as in the domain events: return, report, refund, exchange
    source: str  # the status the step moves the entity out of
    target: str  # where it leads (an inspection with nothing to settle completes the return)
    run: Step  # (merchant, the entity's id)


def inspect_all_approved(m: Merchant, return_id: str) -> None:
    """The warehouse reports every unit still expected, approved."""
    ret = m.returns[return_id]
    items = [
        ReportItemInput(item.quantity, ReportAction.APPROVED, return_item_id=item.return_item_id)
        for item in ret.items
        if not item.settles_without_receipt
    ]
    warehouse.submit_report(m, ReportInput(items, return_id=return_id))


def complete_refund(m: Merchant, refund_id: str) -> None:
    """The merchant confirms the refund, for its total."""
    refund = m.refunds[refund_id]
    settlement.complete_refund(m, refund_id, refund.total_amount, refund.currency, None)


def complete_exchange(m: Merchant, exchange_id: str) -> None:
    """The merchant confirms the exchange order, placed as ``EXCHANGE-<its id>``."""
    settlement.complete_exchange(m, exchange_id, f"EXCHANGE-{exchange_id}", None, None)


S = ReturnStatus

NEXT_STEPS: dict[tuple[str, str], NextStep] = {
    (step.kind, step.source): step
    for step in (
        NextStep("return", S.PENDING, S.CONFIRMED, returns.confirm_return),
        NextStep("return", S.CONFIRMED, S.READY, returns.mark_label_ready),
        NextStep("return", S.READY, S.IN_TRANSIT, returns.scan_in_transit),
        NextStep("return", S.IN_TRANSIT, S.RECEIVED, returns.deliver_to_warehouse),
        NextStep("return", S.RECEIVED, S.REFUND_PENDING, inspect_all_approved),
        NextStep(
            "report", ReportStatus.AWAITING_REVIEW, ReportStatus.PROCESSED, warehouse.approve_review
        ),
        NextStep(
            "refund", RefundStatus.AWAITING_EXTERNAL_REFUND, RefundStatus.SUCCESS, complete_refund
        ),
        NextStep(
            "exchange",
            ExchangeStatus.AWAITING_EXTERNAL_HANDLING,
            ExchangeStatus.COMPLETED,
            complete_exchange,
        ),
    )
}


def take_next_step(m: Merchant, kind: str, entity_id: str, status: str) -> bool:
    """Run the next step of an entity in ``status``; False when it has none."""
    step = NEXT_STEPS.get((kind, status))
    if step is None:
        return False
    step.run(m, entity_id)
    return True
