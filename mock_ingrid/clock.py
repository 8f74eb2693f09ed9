"""Injectable clocks: the domain never calls ``datetime.now()`` itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to, so responses can be snapshot."""

    def __init__(self, at: datetime) -> None:
        self._at = _as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _as_utc(at)

    def advance(self, by: timedelta) -> None:
        self._at += by


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock needs a timezone-aware datetime")
    return at.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; a trailing ``Z`` means UTC, an offset is required."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return _as_utc(at)


def format_instant(at: datetime) -> str:
    """Render a UTC instant as RFC 3339 with a ``Z`` suffix."""
    text = at.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
