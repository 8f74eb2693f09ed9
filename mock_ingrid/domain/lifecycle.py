"""The lifecycles, declared as tables: (event, from-states, to-state).

``Lifecycle.transition`` is the only way a status changes; everything else asks it.
``CREATED`` is the pseudo-state an entity is in before its first event. Which
transition commonly comes next, and the operation that takes it, is the table of
``next_steps.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from mock_ingrid.domain.errors import InvalidTransition

CREATED = "<new>"


class ReturnStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    READY = "READY"
    IN_TRANSIT = "IN_TRANSIT"
    RECEIVED = "RECEIVED"
    REFUND_PENDING = "REFUND_PENDING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class RefundStatus(StrEnum):
    PENDING = "PENDING"
    AWAITING_EXTERNAL_REFUND = "AWAITING_EXTERNAL_REFUND"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


class ExchangeStatus(StrEnum):
    PENDING = "PENDING"
    AWAITING_EXTERNAL_HANDLING = "AWAITING_EXTERNAL_HANDLING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class ReportStatus(StrEnum):
    PROCESSING = "PROCESSING"
    AWAITING_REVIEW = "AWAITING_REVIEW"
    PROCESSED = "PROCESSED"
    REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True, eq=False)
class Transition:
    """One row of a lifecycle, shared by every change that takes it (compared and
    hashed by identity: histories key their shapes on it, see ``model._append``)."""

    event: str
    source: str
    target: str


class Lifecycle:
    """A finite state machine of one entity kind."""

    def __init__(self, entity: str, rows: Iterable[tuple[str, Iterable[str], str]]) -> None:
        self.entity = entity
        self.transitions: tuple[Transition, ...] = tuple(
            Transition(event, source, target)
            for event, sources, target in rows
            for source in sources
        )
        self._table = {(t.event, t.source): t for t in self.transitions}

    @property
    def states(self) -> frozenset[str]:
        found = {t.target for t in self.transitions} | {t.source for t in self.transitions}
        return frozenset(found - {CREATED})

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.event for t in self.transitions))

    def allowed_from(self, status: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == status]

    def can(self, status: str, event: str) -> bool:
        return (event, status) in self._table

    def target(self, entity_id: str, status: str, event: str) -> str:
        """The status ``event`` leads to from ``status``, or an error naming what is allowed."""
        return self.transition(entity_id, status, event).target

    def transition(self, entity_id: str, status: str, event: str) -> Transition:
        """The (shared) transition ``event`` takes from ``status``, or an error naming
        what is allowed."""
        try:
            return self._table[(event, status)]
        except KeyError:
            allowed = [f"{t.event} (-> {t.target})" for t in self.allowed_from(status)]
            raise InvalidTransition(self.entity, entity_id, status, event, allowed) from None


_BEFORE_RECEIPT = (
    ReturnStatus.PENDING,
    ReturnStatus.CONFIRMED,
    ReturnStatus.READY,
    ReturnStatus.IN_TRANSIT,
)

RETURN_LIFECYCLE = Lifecycle(
    "return",
    [
        ("create", [CREATED], ReturnStatus.PENDING),
        ("confirm", [ReturnStatus.PENDING], ReturnStatus.CONFIRMED),
        ("label_ready", [ReturnStatus.CONFIRMED], ReturnStatus.READY),
        ("scan_in_transit", [ReturnStatus.READY], ReturnStatus.IN_TRANSIT),
        # A warehouse may report a parcel that never got a carrier scan.
        ("receive", _BEFORE_RECEIPT, ReturnStatus.RECEIVED),
        ("cancel", _BEFORE_RECEIPT, ReturnStatus.CANCELLED),
        # Refunds and exchanges are created: after inspection, when the carrier
        # loses the parcel, or when the customer keeps every item.
        ("settle", [ReturnStatus.RECEIVED], ReturnStatus.REFUND_PENDING),
        ("lose_in_transit", [ReturnStatus.IN_TRANSIT], ReturnStatus.REFUND_PENDING),
        ("waive_return", _BEFORE_RECEIPT, ReturnStatus.REFUND_PENDING),
        # Everything settled, or nothing to settle (every item denied or not received).
        ("complete", [ReturnStatus.RECEIVED, ReturnStatus.REFUND_PENDING], ReturnStatus.COMPLETED),
    ],
)

# A refund or exchange is PENDING only while it is being created (inside one
# operation): it then awaits the merchant at once, so nothing else leaves PENDING.
REFUND_LIFECYCLE = Lifecycle(
    "refund transaction",
    [
        ("create", [CREATED], RefundStatus.PENDING),
        ("await_external_refund", [RefundStatus.PENDING], RefundStatus.AWAITING_EXTERNAL_REFUND),
        ("complete", [RefundStatus.AWAITING_EXTERNAL_REFUND], RefundStatus.SUCCESS),
        ("fail", [RefundStatus.AWAITING_EXTERNAL_REFUND], RefundStatus.FAILED),
        ("retry", [RefundStatus.FAILED], RefundStatus.AWAITING_EXTERNAL_REFUND),
    ],
)

EXCHANGE_LIFECYCLE = Lifecycle(
    "exchange order",
    [
        ("create", [CREATED], ExchangeStatus.PENDING),
        (
            "await_external_handling",
            [ExchangeStatus.PENDING],
            ExchangeStatus.AWAITING_EXTERNAL_HANDLING,
        ),
        ("complete", [ExchangeStatus.AWAITING_EXTERNAL_HANDLING], ExchangeStatus.COMPLETED),
        ("cancel", [ExchangeStatus.AWAITING_EXTERNAL_HANDLING], ExchangeStatus.CANCELLED),
    ],
)

REPORT_LIFECYCLE = Lifecycle(
    "warehouse report",
    [
        ("create", [CREATED], ReportStatus.PROCESSING),
        ("hold_for_review", [ReportStatus.PROCESSING], ReportStatus.AWAITING_REVIEW),
        ("process", [ReportStatus.PROCESSING], ReportStatus.PROCESSED),
        ("approve_review", [ReportStatus.AWAITING_REVIEW], ReportStatus.PROCESSED),
        ("reject_review", [ReportStatus.AWAITING_REVIEW], ReportStatus.REJECTED),
    ],
)

LIFECYCLES = {
    "return": RETURN_LIFECYCLE,
    "refund": REFUND_LIFECYCLE,
    "exchange": EXCHANGE_LIFECYCLE,
    "report": REPORT_LIFECYCLE,
}

RETURN_DONE = frozenset({ReturnStatus.COMPLETED, ReturnStatus.CANCELLED})
REFUND_SETTLED = frozenset({RefundStatus.SUCCESS})
EXCHANGE_SETTLED = frozenset({ExchangeStatus.COMPLETED, ExchangeStatus.CANCELLED})
