"""Progression policies: lifecycles that move by themselves, moto-style.

Per entity kind, a policy says how an entity leaves a status that, in real
life, something outside the merchant's API would end (a carrier scan, a
warehouse, a reviewer, the merchant's payment system):

- ``manual``: only the control API's helpers move it (the default);
- ``immediate``: it moves as soon as the request that put it there has finished;
- ``after:<duration>``: it moves that long (on the runtime's clock) after it got there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.errors import DomainError
from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.domain.lifecycle import ExchangeStatus, RefundStatus, ReportStatus, ReturnStatus
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction
from mock_ingrid.store import State
from mock_ingrid.timers import Timers

KINDS = ("return", "report", "refund", "exchange")

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


class PolicyError(ValueError):
    """A policy that cannot be parsed; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class Policy:
    mode: str  # manual | immediate | after
    delay: timedelta = timedelta(0)

    def __str__(self) -> str:
        if self.mode != "after":
            return self.mode
        return f"after:{format_duration(self.delay)}"


MANUAL = Policy("manual")


def parse_duration(text: str) -> timedelta:
    """``90s``, ``5m``, ``2h``, ``1d``, ``1h30m``, ``250ms``."""
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise PolicyError(f"'{text}' is not a duration such as 30s, 5m, 2h, 1d or 1h30m")
    return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))


def format_duration(delay: timedelta) -> str:
    seconds = delay.total_seconds()
    for unit in ("d", "h", "m", "s"):
        size = _UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds * 1000)}ms"


def parse_policy(text: str) -> Policy:
    if text in ("manual", "immediate"):
        return Policy(text)
    if text.startswith("after:"):
        return Policy("after", parse_duration(text.removeprefix("after:")))
    raise PolicyError(f"'{text}' is not a policy: use manual, immediate or after:<duration>")


def parse_assignment(text: str) -> tuple[str, Policy]:
    """``return=after:2h`` as given to ``--progression``."""
    kind, sep, policy = text.partition("=")
    if not sep or kind not in KINDS:
        raise PolicyError(f"'{text}' should be KIND=POLICY with KIND one of {', '.join(KINDS)}")
    return kind, parse_policy(policy)


def _inspect_all_approved(m: Merchant, return_id: str) -> None:
    ret = m.returns[return_id]
    items = [
        ReportItemInput(item.quantity, ReportAction.APPROVED, return_item_id=item.return_item_id)
        for item in ret.items
        if not item.settles_without_receipt
    ]
    warehouse.submit_report(m, ReportInput(items, return_id=return_id, return_station="auto"))


def _complete_refund(m: Merchant, refund_id: str) -> None:
    refund = m.refunds[refund_id]
    settlement.complete_refund(m, refund_id, refund.total_amount, refund.currency, None)


Step = Callable[[Merchant, str], object]

# (kind, status) -> what moves an entity of that kind out of that status.
STEPS: dict[tuple[str, str], Step] = {
    ("return", ReturnStatus.PENDING): returns.confirm_return,
    ("return", ReturnStatus.CONFIRMED): lambda m, rid: returns.mark_label_ready(m, rid),
    ("return", ReturnStatus.READY): returns.scan_in_transit,
    ("return", ReturnStatus.IN_TRANSIT): returns.deliver_to_warehouse,
    ("return", ReturnStatus.RECEIVED): _inspect_all_approved,
    ("report", ReportStatus.AWAITING_REVIEW): warehouse.approve_review,
    ("refund", RefundStatus.AWAITING_EXTERNAL_REFUND): _complete_refund,
    ("exchange", ExchangeStatus.AWAITING_EXTERNAL_HANDLING): lambda m, eid: (
        settlement.complete_exchange(m, eid, f"EXCHANGE-{eid}", None, None)
    ),
}


class Progression:
    """Schedules the next step of every entity whose kind has an automatic policy."""

    def __init__(self, state: State, timers: Timers) -> None:
        self.state = state
        self.timers = timers
        self.policies: dict[str, Policy] = dict.fromkeys(KINDS, MANUAL)
        state.listeners.append(self.on_event)

    def set_policy(self, kind: str, policy: Policy) -> None:
        if kind not in KINDS:
            raise PolicyError(f"'{kind}' is not one of {', '.join(KINDS)}")
        self.policies[kind] = policy

    def on_event(self, event: DomainEvent) -> None:
        step = STEPS.get((event.entity, event.target))
        policy = self.policies[event.entity]
        if step is None or policy.mode == "manual":
            return
        key = f"{event.merchant}\x1f{event.entity}\x1f{event.entity_id}"
        self.timers.schedule(event.at + policy.delay, key, self._runner(event, step))

    def _runner(self, event: DomainEvent, step: Step) -> Callable[[], None]:
        def run() -> None:
            merchant = self.state.merchants.get(event.merchant)
            if merchant is None or _status(merchant, event) != event.target:
                return  # reset, or moved on by someone else meanwhile
            # The entity may no longer allow the step (e.g. its order changed): skip it.
            with suppress(DomainError):
                step(merchant, event.entity_id)

        return run


def _status(m: Merchant, event: DomainEvent) -> str | None:
    tables: dict[str, Mapping[str, HasStatus]] = {
        "return": m.returns,
        "report": m.reports,
        "refund": m.refunds,
        "exchange": m.exchanges,
    }
    entity = tables[event.entity].get(event.entity_id)
    return entity.status if entity is not None else None


class HasStatus(Protocol):
    status: str
