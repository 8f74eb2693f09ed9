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
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from mock_ingrid.domain.errors import DomainError
from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.next_steps import NEXT_STEPS, Step
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


# The longest duration accepted: far more than any test needs, and a clock at any
# instant of this century can still move that far.
MAX_DURATION = timedelta(days=36_500)


def parse_duration(text: str) -> timedelta:
    """``90s``, ``5m``, ``2h``, ``1d``, ``1h30m``, ``250ms``; at most 36500 days."""
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise PolicyError(f"'{text}' is not a duration such as 30s, 5m, 2h, 1d or 1h30m")
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds > MAX_DURATION.total_seconds():
        raise PolicyError(f"'{text}' is longer than the longest duration accepted, 36500d")
    return timedelta(seconds=seconds)


def format_duration(delay: timedelta) -> str:
    seconds = delay.total_seconds()
    if seconds == 0:
        return "0s"
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


class Progression:
    """Schedules the next step (``domain/next_steps.py``) of every entity whose kind has an
    automatic policy."""

    def __init__(self, state: State, timers: Timers) -> None:
        self.state = state
        self.timers = timers
        self.policies: dict[str, Policy] = dict.fromkeys(KINDS, MANUAL)
        state.listeners.append(self.on_event)

    def set_policy(self, kind: str, policy: Policy) -> None:
        """Change a kind's policy; a change applies to the entities that already wait in
        a status it moves them out of, counting its delay from now (``manual`` stops them)."""
        if kind not in KINDS:
            raise PolicyError(f"'{kind}' is not one of {', '.join(KINDS)}")
        if self.policies[kind] == policy:
            return
        self.policies[kind] = policy
        for merchant in self.state.merchants.values():
            self._reschedule(merchant, (kind,))

    def schedule_existing(self, keys: Iterable[str]) -> None:
        """Give the entities of these merchants (just imported or reset) their next step
        under the current policies, counting from now; drop their earlier timers."""
        for key in keys:
            self.forget(key)
            merchant = self.state.merchants.get(key)
            if merchant is not None:
                self._reschedule(merchant, KINDS)

    def pending_steps(self) -> list[tuple[datetime, str, str, str]]:
        """Each step waiting: (due, merchant, kind, entity id), what a state file keeps."""
        found = []
        for due, key in self.timers.pending():
            parts = key.split(_SEP)
            if len(parts) == 3:  # (every timer is a step: the check says what the key is)
                merchant, kind, entity_id = parts
                found.append((due, merchant, kind, entity_id))
        return found

    def resume_step(self, due: datetime, merchant_key: str, kind: str, entity_id: str) -> None:
        """Put a saved step back at its due time (after ``schedule_existing``, which
        counts every delay from now): a restart does not start ``after:2h`` again.
        A step the entity no longer waits for (or that no policy takes) is dropped."""
        merchant = self.state.merchants.get(merchant_key)
        entity = _tables(merchant).get(kind, {}).get(entity_id) if merchant else None
        step = NEXT_STEPS.get((kind, entity.status)) if entity is not None else None
        key = _key(merchant_key, kind, entity_id)
        if entity is None or step is None or self.policies[kind].mode == "manual":
            return
        where = (merchant_key, kind, entity_id, entity.status)
        self.timers.schedule(due, key, self._runner(where, step.run))

    def forget(self, merchant_key: str) -> None:
        """Drop every pending step of one merchant's entities."""
        self.timers.cancel_prefix(merchant_key + _SEP)

    def _reschedule(self, m: Merchant, kinds: Iterable[str]) -> None:
        now = self.state.clock.now()
        for kind in kinds:
            policy = self.policies[kind]
            for entity_id, entity in _tables(m)[kind].items():
                step = NEXT_STEPS.get((kind, entity.status))
                if step is None:
                    continue
                key = _key(m.key, kind, entity_id)
                if policy.mode == "manual":
                    self.timers.cancel(key)
                else:
                    where = (m.key, kind, entity_id, entity.status)
                    self._schedule(now, policy, key, where, step.run)

    def on_event(self, event: DomainEvent) -> None:
        step = NEXT_STEPS.get((event.entity, event.target))
        policy = self.policies[event.entity]
        if step is None or policy.mode == "manual":
            return
        key = _key(event.merchant, event.entity, event.entity_id)
        where = (event.merchant, event.entity, event.entity_id, event.target)
        self._schedule(event.at, policy, key, where, step.run)

    def _schedule(
        self, since: datetime, policy: Policy, key: str, where: _Where, step: Step
    ) -> None:
        try:
            due = since + policy.delay
        except OverflowError:  # past the year 9999: it never comes
            self.timers.cancel(key)
            return
        self.timers.schedule(due, key, self._runner(where, step))

    def _runner(self, where: _Where, step: Step) -> Callable[[], None]:
        merchant_key, kind, entity_id, status = where

        def run() -> None:
            merchant = self.state.merchants.get(merchant_key)
            if merchant is None:
                return  # reset meanwhile
            entity = _tables(merchant)[kind].get(entity_id)
            if entity is None or entity.status != status:
                return  # moved on by someone else meanwhile
            # The entity may no longer allow the step (e.g. its order changed): skip it.
            with suppress(DomainError):
                step(merchant, entity_id)

        return run


# (merchant, kind, entity id, the status it waits in)
_Where = tuple[str, str, str, str]
_SEP = "\x1f"


def _key(merchant_key: str, kind: str, entity_id: str) -> str:
    return f"{merchant_key}{_SEP}{kind}{_SEP}{entity_id}"


def _tables(m: Merchant) -> dict[str, Mapping[str, HasStatus]]:
    return {"return": m.returns, "report": m.reports, "refund": m.refunds, "exchange": m.exchanges}


class HasStatus(Protocol):
    status: str
