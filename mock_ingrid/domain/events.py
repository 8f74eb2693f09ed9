"""Domain events: one per status change, recorded as the change happens.

Webhooks are not a separate mechanism: a webhook type is attached to the
transitions that define it, so it fires exactly once per such transition.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from mock_ingrid.domain.lifecycle import (
    ExchangeStatus,
    RefundStatus,
    ReportStatus,
    ReturnStatus,
)

# (entity kind, status entered) -> webhook event type.
WEBHOOK_TRIGGERS: dict[tuple[str, str], str] = {
    ("return", ReturnStatus.PENDING): "RETURN_CREATED",
    # A report is created once per return: the inspection result is known.
    ("report", ReportStatus.PROCESSING): "RETURN_ARRIVED",
    ("return", ReturnStatus.COMPLETED): "RETURN_COMPLETED",
    ("refund", RefundStatus.AWAITING_EXTERNAL_REFUND): "REFUND_PENDING_EXTERNAL",
    ("exchange", ExchangeStatus.AWAITING_EXTERNAL_HANDLING): "EXCHANGE_PENDING_EXTERNAL",
}

CURRENT_WEBHOOK_TYPES = ("REFUND_PENDING_EXTERNAL", "EXCHANGE_PENDING_EXTERNAL")
LEGACY_WEBHOOK_TYPES = ("RETURN_CREATED", "RETURN_ARRIVED", "RETURN_COMPLETED")


class DomainEvent(NamedTuple):
    """Immutable, as a frozen dataclass would be, at a quarter of its cost to build
    (a report's processing records half a dozen)."""

    seq: int
    merchant: str
    entity: str
    entity_id: str
    return_id: str
    event: str
    source: str
    target: str
    at: datetime
    webhook: str | None


EventListener = Callable[[DomainEvent], None]
