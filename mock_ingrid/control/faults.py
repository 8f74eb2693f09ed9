"""Fault injection: rules that make Ingrid API calls slow, fail or drop, and the
``x-mock-fault`` request header that asks for one fault on one call.

Pure: no HTTP here. ``ControlMiddleware`` asks ``Faults.pick`` for the rule a call
triggers (consuming one of its ``times``) and applies the rule's ``Fault``.

The header syntax, ``;``-separated items, keys case-insensitive::

    x-mock-fault: status=503
    x-mock-fault: status=429;retry-after=2
    x-mock-fault: latency=200
    x-mock-fault: drop
    x-mock-fault: latency=200;status=500      (slow, then an error)
"""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass

MAX_LATENCY_MS = 60_000
MAX_RETRY_AFTER = 86_400
GLOB_CHARS = frozenset("*?[")
FAULT_ID_PREFIX = "fault_"


class FaultSyntaxError(ValueError):
    """An ``x-mock-fault`` header that does not parse; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one call: wait ``latency_ms``, then answer ``status`` (with
    ``Retry-After`` when ``retry_after`` is set), drop the connection, or, with
    neither, let the call through (a latency-only fault)."""

    latency_ms: int = 0
    status: int | None = None
    retry_after: int | None = None
    drop: bool = False

    @property
    def passes_through(self) -> bool:
        return self.status is None and not self.drop

    @property
    def spec(self) -> str:
        """The fault in header syntax: echoed in ``x-mock-fault`` and the journal."""
        items = [f"latency={self.latency_ms}"] if self.latency_ms else []
        if self.status is not None:
            items.append(f"status={self.status}")
        if self.retry_after is not None:
            items.append(f"retry-after={self.retry_after}")
        if self.drop:
            items.append("drop")
        return ";".join(items)

    def problem(self) -> str | None:
        """Why this combination means nothing, or None when it is a fault."""
        if self.status is not None and self.drop:
            return "a call either gets a status or is dropped, not both"
        if self.retry_after is not None and self.status is None:
            return "Retry-After goes with a status, such as 429 or 503"
        if self.passes_through and not self.latency_ms:
            return "name a fault: a status, drop, or a latency above 0"
        return None


def parse_fault_header(value: str) -> Fault:
    """Parse ``x-mock-fault``; raise FaultSyntaxError naming the offending item."""
    fields: dict[str, int] = {}
    drop = False
    for raw in value.split(";"):
        item = raw.strip()
        if not item:
            continue
        if item.lower() == "drop":
            drop = True
            continue
        name, sep, number = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in _LIMITS:
            raise FaultSyntaxError(
                f"'{item}' is not a fault item; use status=503, retry-after=2, "
                "latency=200 or drop, separated by ';'"
            )
        fields[name] = _bounded(name, number.strip())
    fault = Fault(fields.get("latency", 0), fields.get("status"), fields.get("retry-after"), drop)
    problem = fault.problem()
    if problem:
        raise FaultSyntaxError(problem)
    return fault


_LIMITS = {
    "status": (400, 599),
    "retry-after": (0, MAX_RETRY_AFTER),
    "latency": (0, MAX_LATENCY_MS),
}


def _bounded(name: str, text: str) -> int:
    low, high = _LIMITS[name]
    if not text.isdigit() or not low <= int(text) <= high:
        raise FaultSyntaxError(f"{name}={text}: expected an integer from {low} to {high}")
    return int(text)


class PathPattern:
    """A request path, exact or a glob: ``*`` matches any run of characters, ``/``
    included (``/returns/*`` covers ``/returns/1/cancel``), ``?`` one character,
    ``[...]`` a set. Compiled once, when the pattern is made, not per request."""

    __slots__ = ("_regex", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        glob = not GLOB_CHARS.isdisjoint(text)
        self._regex = re.compile(fnmatch.translate(text)) if glob else None

    def matches(self, path: str) -> bool:
        if self._regex is None:
            return path == self.text
        return self._regex.match(path) is not None


class FaultRule:
    """A fault for the calls matching a path pattern, a method and a merchant (None:
    any). It fires with ``probability`` and, when ``times`` is set, that many times:
    an exhausted rule stays listed with ``remaining`` 0 until deleted."""

    def __init__(
        self,
        fault_id: str,
        fault: Fault,
        path: str,
        method: str | None = None,
        merchant: str | None = None,
        times: int | None = None,
        probability: float = 1.0,
    ) -> None:
        self.fault_id = fault_id
        self.fault = fault
        self.path = PathPattern(path)
        self.method = method.upper() if method else None
        self.merchant = merchant
        self.times = times
        self.remaining = times
        self.probability = probability
        self.applied = 0

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0

    def matches(self, method: str, path: str, key: str | None) -> bool:
        return (
            not self.exhausted
            and (self.method is None or self.method == method)
            and (self.merchant is None or self.merchant == key)
            and self.path.matches(path)
        )

    def consume(self) -> None:
        self.applied += 1
        if self.remaining is not None:
            self.remaining -= 1


class Faults:
    """The rules, in creation order, and the seeded random source of their
    probabilities: the same seed and the same calls give the same failures."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: dict[str, FaultRule] = {}
        self._random = random.Random(seed)
        self._count = 0

    def add(
        self,
        fault: Fault,
        path: str = "/*",
        method: str | None = None,
        merchant: str | None = None,
        times: int | None = None,
        probability: float = 1.0,
    ) -> FaultRule:
        problem = fault.problem()
        if problem:
            raise ValueError(problem)
        self._count += 1  # ids are never reused, even after clear()
        rule_id = f"{FAULT_ID_PREFIX}{self._count}"
        rule = FaultRule(rule_id, fault, path, method, merchant, times, probability)
        self.rules[rule_id] = rule
        return rule

    def get(self, fault_id: str) -> FaultRule | None:
        return self.rules.get(fault_id)

    def remove(self, fault_id: str) -> bool:
        return self.rules.pop(fault_id, None) is not None

    def clear(self) -> None:
        self.rules.clear()

    @property
    def issued(self) -> int:
        """How many rule ids were given (the next is ``fault_<issued + 1>``)."""
        return self._count

    def restore(self, rules: list[FaultRule], issued: int) -> None:
        """Rules saved in a state file, with their ids and what they have done."""
        self.rules = {rule.fault_id: rule for rule in rules}
        self._count = max(self._count, issued)

    def pick(self, method: str, path: str, key: str | None) -> FaultRule | None:
        """The first matching rule that fires, consumed; a rule whose dice say no
        lets the next one try. Only rules with a probability below 1 roll the dice,
        so adding a certain rule does not shift the random sequence of the others."""
        for rule in self.rules.values():
            if not rule.matches(method, path, key):
                continue
            if rule.probability < 1.0 and self._random.random() >= rule.probability:
                continue
            rule.consume()
            return rule
        return None
