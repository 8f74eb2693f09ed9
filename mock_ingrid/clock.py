"""Injectable clocks: the domain never calls ``datetime.now()`` itself."""

from __future__ import annotations

import re
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


class ControlledClock:
    """The runtime's clock: wall time by default, and a virtual clock on demand.

    ``freeze`` stops it, ``set`` and ``advance`` move it (frozen or running),
    ``resume`` lets a frozen clock run again from where it stands. Only the
    control API moves it; the domain only reads ``now()``.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._frozen_at = _as_utc(frozen_at) if frozen_at is not None else None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        offset = self._offset
        return datetime.now(UTC) + offset if offset else datetime.now(UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | None = None) -> None:
        self._frozen_at = _as_utc(at) if at is not None else self.now()

    def resume(self) -> None:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - datetime.now(UTC)
            self._frozen_at = None

    def set(self, at: datetime) -> None:
        if self._frozen_at is not None:
            self._frozen_at = _as_utc(at)
        else:
            self._offset = _as_utc(at) - datetime.now(UTC)

    def advance(self, by: timedelta) -> None:
        self.set(self.now() + by)

    def setting(self) -> tuple[datetime | None, timedelta]:
        """Where the clock was put: the instant it is frozen at (None: running) and
        its offset from wall time, what a state file keeps."""
        return self._frozen_at, self._offset

    def restore(self, frozen_at: datetime | None, offset: timedelta) -> None:
        self._frozen_at = _as_utc(frozen_at) if frozen_at is not None else None
        self._offset = offset


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock needs a timezone-aware datetime")
    return at.astimezone(UTC)


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def parse_instant(text: str) -> datetime:
    """Parse an RFC 3339 date-time (``2026-01-15T10:00:00Z``); the offset is required.

    Raises ``ValueError`` for anything else (dates alone, epoch numbers, spaces).
    """
    if not _RFC3339.fullmatch(text):
        raise ValueError(f"'{text}' is not an RFC 3339 date-time such as 2026-01-15T10:00:00Z")
    normalised = text.upper().replace("Z", "+00:00")
    fraction = re.search(r"\.(\d+)", normalised)
    if fraction and len(fraction.group(1)) > 6:  # Python keeps microseconds
        normalised = normalised.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        return _as_utc(datetime.fromisoformat(normalised))
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first UTC instant
        raise ValueError(f"'{text}' is out of range (years 1 to 9999 in UTC)") from None


def format_instant(at: datetime) -> str:
    """Render a UTC instant as RFC 3339 with a ``Z`` suffix."""
    text = at.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
