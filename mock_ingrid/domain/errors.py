"""Protocol-free domain errors; each API generation renders them in its own shape.

DomainError
├── NotFound            an entity named by the caller does not exist
├── InvalidInput        the request is well-formed but breaks a rule (field paths)
└── InvalidTransition   the entity's lifecycle does not allow the event now
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One offending field: ``path`` like ``lineItems[0].productId``."""

    path: str
    code: str
    message: str
    location: str = "body"


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, kind: str, entity_id: str, path: str | None = None) -> None:
        super().__init__(f"{kind} '{entity_id}' was not found")
        self.kind = kind
        self.entity_id = entity_id
        self.path = path


class InvalidInput(DomainError):
    code = "INVALID_INPUT"

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidInput needs at least one problem")
        summary = "; ".join(f"{p.path}: {p.message}" for p in problems)
        super().__init__(summary)
        self.problems = tuple(problems)

    @classmethod
    def one(cls, path: str, code: str, message: str) -> InvalidInput:
        return cls([Problem(path, code, message)])


class InvalidTransition(DomainError):
    code = "INVALID_STATE_TRANSITION"

    def __init__(
        self,
        entity: str,
        entity_id: str,
        status: str,
        event: str,
        allowed: Iterable[str],
        detail: str | None = None,
    ) -> None:
        allowed = tuple(allowed)
        options = ", ".join(allowed) if allowed else "nothing (it is final)"
        reason = detail or f"it is {status}; allowed from {status}: {options}"
        super().__init__(f"cannot {event.replace('_', ' ')} {entity} '{entity_id}': {reason}")
        self.entity = entity
        self.entity_id = entity_id
        self.status = status
        self.event = event
        self.allowed = allowed


class ProblemCollector:
    """Gathers every problem of a request before anything is changed."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)
