"""What the suite exercised: operations and status codes per document, lifecycle
transitions and webhook event types.

Every in-process status change goes through ``Merchant.move``, which ``record_moves``
wraps for the whole test session; every response a test client sees goes through the
oracle, which reports the operation and status here. Under pytest-xdist each worker
sends its record to the controller, which merges them and prints the report. A run of
the whole suite fails when a declared transition or event type was never exercised:
either a test is missing or the transition cannot happen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mock_ingrid.domain.events import CURRENT_WEBHOOK_TYPES, LEGACY_WEBHOOK_TYPES, WEBHOOK_TRIGGERS
from mock_ingrid.domain.lifecycle import LIFECYCLES
from mock_ingrid.domain.merchant import HasLifecycle, Merchant
from tests.oracle import ORACLES

Transition = tuple[str, str, str, str]  # kind, event, source, target
OperationKey = tuple[str, str]  # document, operation id
EVENT_TYPES = (*CURRENT_WEBHOOK_TYPES, *LEGACY_WEBHOOK_TYPES)


def declared_transitions() -> set[Transition]:
    return {
        (kind, t.event, t.source, t.target)
        for kind, lifecycle in LIFECYCLES.items()
        for t in lifecycle.transitions
    }


@dataclass
class Exercised:
    statuses: dict[OperationKey, set[int]] = field(default_factory=dict)
    transitions: set[Transition] = field(default_factory=set)
    event_types: set[str] = field(default_factory=set)
    calls: Counter[str] = field(default_factory=Counter)

    def response(self, document: str, operation_id: str, status: int) -> None:
        self.statuses.setdefault((document, operation_id), set()).add(status)
        self.calls[document] += 1

    def move(self, kind: str, event: str, source: str, target: str) -> None:
        self.transitions.add((kind, event, source, target))
        webhook = WEBHOOK_TRIGGERS.get((kind, target))
        if webhook is not None:
            self.event_types.add(webhook)

    def to_json(self) -> dict[str, Any]:
        return {
            "statuses": [[doc, op, sorted(codes)] for (doc, op), codes in self.statuses.items()],
            "transitions": sorted(list(t) for t in self.transitions),
            "eventTypes": sorted(self.event_types),
            "calls": dict(self.calls),
        }

    def merge(self, data: dict[str, Any]) -> None:
        for document, operation_id, codes in data["statuses"]:
            self.statuses.setdefault((document, operation_id), set()).update(codes)
        self.transitions.update((k, e, s, t) for k, e, s, t in data["transitions"])
        self.event_types.update(data["eventTypes"])
        self.calls.update(data["calls"])

    # -- the report -------------------------------------------------------------------

    def missing(self) -> list[str]:
        """What a whole run must have exercised and did not."""
        transitions = [
            f"transition {kind}: {source} --{event}--> {target}"
            for kind, event, source, target in sorted(declared_transitions() - self.transitions)
        ]
        events = [f"event type {e}" for e in EVENT_TYPES if e not in self.event_types]
        return transitions + events

    def report(self) -> list[str]:
        lines: list[str] = []
        for name, document in ORACLES.documents.items():
            operations = document.operations
            seen = [op for op in operations if (name, op.operation_id) in self.statuses]
            lines.append(
                f"{name}.json: {len(seen)} of {len(operations)} operations exercised "
                f"by {self.calls[name]:,} responses"
            )
            for op in operations:
                codes = self.statuses.get((name, op.operation_id), set())
                lines.append(
                    f"  {op.method.upper():6} {op.template}: {_codes(codes, op.responses)}"
                )
        declared = declared_transitions()
        lines.append(
            f"transitions: {len(declared & self.transitions)} of {len(declared)} exercised"
        )
        for kind, lifecycle in LIFECYCLES.items():
            for t in lifecycle.transitions:
                mark = "x" if (kind, t.event, t.source, t.target) in self.transitions else " "
                lines.append(f"  [{mark}] {kind}: {t.source} --{t.event}--> {t.target}")
        events = ", ".join(f"{e}{'' if e in self.event_types else ' (never)'}" for e in EVENT_TYPES)
        lines.append(f"webhook event types: {events}")
        return lines


def _codes(seen: Iterable[int], documented: Iterable[str]) -> str:
    shown = " ".join(str(code) for code in sorted(seen)) or "never called"
    unseen = sorted(key for key in documented if key.isdigit() and int(key) not in set(seen))
    return shown + (f" (documented, not seen: {' '.join(unseen)})" if unseen else "")


EXERCISED = Exercised()


def record_moves() -> None:
    """Wrap ``Merchant.move`` once, so every transition of the session is recorded."""
    original = Merchant.move
    if getattr(original, "records_exercise", False):
        return

    def move(
        self: Merchant, kind: str, entity: HasLifecycle, entity_id: str, return_id: str, event: str
    ) -> None:
        source = entity.status
        original(self, kind, entity, entity_id, return_id, event)
        EXERCISED.move(kind, event, source, entity.status)

    move.records_exercise = True  # type: ignore[attr-defined]
    Merchant.move = move  # type: ignore[method-assign]


def record_response(method: str, path: str, status: int) -> None:
    document = ORACLES.for_path(path)
    op = document.find(method, path) if document.has_paths else None
    if op is not None:
        EXERCISED.response(document.name, op.operation_id, status)
