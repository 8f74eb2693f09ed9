"""Retry schedules: when each attempt of a delivery is due, counted from the failure before it.

A schedule is a list of delays; attempt ``n`` (0-based) waits ``delays[n]`` after
attempt ``n - 1`` failed, and the delivery fails for good after the last one.
Delays are jittered (+-20 %) with a seeded ``random.Random`` so that many
deliveries failing together do not come back together, and so that a run
repeats exactly under the same ``--seed``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta

JITTER = 0.2

# Short enough for a test suite: the first retry within about a second, six attempts.
SANDBOX = "0,500ms,1s,2s,4s,8s"
# The providers' schedule (immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).
REALISTIC = "0,5s,5m,30m,2h,5h,10h,10h"
NAMED = {"sandbox": SANDBOX, "realistic": REALISTIC}

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "": 1.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|)")


class ScheduleError(ValueError):
    """A schedule that cannot be parsed; ``str()`` names the bad part."""


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    delays: tuple[timedelta, ...]

    @property
    def attempts(self) -> int:
        return len(self.delays)

    def delay(self, attempt: int, rng: random.Random) -> timedelta | None:
        """The jittered wait before ``attempt`` (0-based), or None when none is left."""
        if attempt >= len(self.delays):
            return None
        base = self.delays[attempt]
        return base * rng.uniform(1 - JITTER, 1 + JITTER) if base else base


def parse_duration(text: str) -> timedelta:
    """``250ms``, ``5s``, ``5m``, ``2h``; a bare number is seconds."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ScheduleError(f"'{text}' is not a duration (try 250ms, 5s, 5m or 2h)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def parse_schedule(text: str) -> Schedule:
    """``sandbox``, ``realistic`` or a comma list of delays such as ``0,100ms,1s``."""
    name = text.strip().lower()
    spec = NAMED.get(name, text)
    parts = [part for part in spec.split(",") if part.strip()]
    if not parts:
        raise ScheduleError("a retry schedule needs at least one delay")
    return Schedule(name if name in NAMED else "custom", tuple(parse_duration(p) for p in parts))
