"""The request journal: the last N Ingrid API calls, with filters and ``verify``.

Pure: no HTTP. ``ControlMiddleware`` records raw bytes (headers as the server gave
them, bodies cut at ``BODY_LIMIT``); redaction and JSON parsing happen only when
the journal is read, so recording stays cheap.

Secrets never leave it: the headers in ``SECRET_HEADERS`` show as ``[redacted]``
and the merchant as a fingerprint of its API key (``fingerprint``). A filter may
name the merchant by its full key or by that fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import orjson

from mock_ingrid.control.faults import PathPattern

BODY_LIMIT = 64 * 1024
REDACTED = "[redacted]"
SECRET_HEADERS = frozenset(
    {b"x-api-key", b"authorization", b"x-mock-admin-token", b"proxy-authorization", b"cookie"}
)
# A key this long shows its first 4 characters; a shorter one shows only the hash,
# so a short test key is not half given away.
PREFIX_MIN_LENGTH = 16
SIMILAR_SHOWN = 5
SIMILAR_PATH_RATIO = 0.6

Headers = list[tuple[bytes, bytes]]


@lru_cache(maxsize=1024)
def fingerprint(key: str) -> str:
    """How a merchant's key is shown: ``abcd…1a2b3c4d`` (its first 4 characters when it
    has at least 16, then the first 8 hex digits of its SHA-256), stable across runs."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    prefix = key[:4] if len(key) >= PREFIX_MIN_LENGTH else ""
    return f"{prefix}…{digest}"


class Capture:
    """A body as it streams by: every byte counted, the first ``limit`` kept."""

    __slots__ = ("_chunks", "_kept", "limit", "size")

    def __init__(self, limit: int = BODY_LIMIT) -> None:
        self.limit = limit
        self.size = 0
        self._kept = 0
        self._chunks: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = self.limit - self._kept
        if room <= 0 or not chunk:
            return
        kept = chunk if len(chunk) <= room else chunk[:room]
        self._chunks.append(kept)
        self._kept += len(kept)

    @property
    def data(self) -> bytes:
        return b"".join(self._chunks)

    @property
    def truncated(self) -> bool:
        return self.size > self._kept

    def shown(self, limit: int = BODY_LIMIT) -> tuple[bytes, bool]:
        """The first ``limit`` bytes and whether that is not all of it: a recording
        (``recorder.py``) keeps more of a body than the journal shows."""
        data = self.data
        return data[:limit], self.size > min(limit, len(data))


class Entry:
    """One call. ``key`` is the raw ``x-api-key``: kept for filtering, never shown.

    A plain class with slots rather than a dataclass: one is built per API call,
    and its ``__init__`` is the cheapest Python can run."""

    __slots__ = (
        "at",
        "fault",
        "key",
        "latency_s",
        "method",
        "path",
        "query",
        "request_body",
        "request_headers",
        "response_body",
        "response_headers",
        "seq",
        "status",
    )

    def __init__(
        self,
        at: datetime,
        method: str,
        path: str,
        query: bytes,
        key: str | None,
        request_headers: Headers,
        request_limit: int = BODY_LIMIT,
        response_limit: int = BODY_LIMIT,
    ) -> None:
        self.at = at
        self.method = method
        self.path = path
        self.query = query
        self.key = key
        self.request_headers = request_headers
        self.request_body = Capture(request_limit)
        self.status: int | None = None  # None: no response (a dropped connection, a crash)
        self.response_headers: Headers = []
        self.response_body = Capture(response_limit)
        self.latency_s = 0.0  # rounded when read: ``round`` costs more than the rest
        self.fault: str | None = None  # the injected fault in header syntax, e.g. "status=503"
        self.seq = 0

    @property
    def latency_ms(self) -> float:
        return round(self.latency_s * 1000, 3)

    @property
    def merchant(self) -> str | None:
        return fingerprint(self.key) if self.key is not None else None

    def line(self) -> str:
        """``POST /returns/1/cancel -> 400``, for messages."""
        query = f"?{self.query.decode('latin-1')}" if self.query else ""
        outcome = str(self.status) if self.status is not None else "no response"
        return f"{self.method} {self.path}{query} -> {outcome}"


def redacted_headers(headers: Headers) -> dict[str, str]:
    """Headers as a JSON object, secrets replaced; repeated names joined with ', '."""
    shown: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").lower()
        value = (
            REDACTED if name.encode("latin-1") in SECRET_HEADERS else raw_value.decode("latin-1")
        )
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    return shown


def body_view(capture: Capture) -> tuple[str, object]:
    """``(format, value)``: ``("empty", None)``, ``("json", the JSON as sent)`` when the
    whole body parses, else ``("text", the bytes as UTF-8, bad bytes replaced)``."""
    data, truncated = capture.shown()
    if not data:
        return "empty", None
    if not truncated:
        try:
            orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        else:
            return "json", orjson.Fragment(data)  # the bytes as sent: numbers keep their digits
    return "text", data.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Criteria:
    """A journal filter; None means any. ``merchant`` is a full key or a fingerprint;
    ``status_class`` is 4 for ``4xx``; ``since`` keeps entries with a larger id."""

    method: str | None = None
    path: PathPattern | None = None
    merchant: str | None = None
    status: int | None = None
    status_class: int | None = None
    since: int | None = None

    def matches(self, entry: Entry) -> bool:
        return (self.since is None or entry.seq > self.since) and not self.misses(entry)

    def misses(self, entry: Entry) -> list[str]:
        """The criteria ``entry`` fails, by name (``since`` aside)."""
        missed = []
        if self.method is not None and entry.method != self.method:
            missed.append("method")
        if self.path is not None and not self.path.matches(entry.path):
            missed.append("path")
        if self.merchant is not None and not _same_merchant(entry.key, self.merchant):
            missed.append("merchant")
        if not self._status_ok(entry.status):
            missed.append("status")
        return missed

    def _status_ok(self, status: int | None) -> bool:
        if self.status is not None and status != self.status:
            return False
        return self.status_class is None or (
            status is not None and status // 100 == self.status_class
        )

    def describe(self) -> str:
        parts = [f"{self.method or 'any method'} {self.path.text if self.path else '*'}"]
        if self.merchant is not None:
            parts.append(f"merchant {_shown_merchant(self.merchant)}")
        if self.status is not None:
            parts.append(f"status {self.status}")
        if self.status_class is not None:
            parts.append(f"status {self.status_class}xx")
        if self.since is not None:
            parts.append(f"after entry {self.since}")
        return ", ".join(parts)


def _same_merchant(key: str | None, wanted: str) -> bool:
    return key is not None and (key == wanted or fingerprint(key) == wanted)


def _shown_merchant(wanted: str) -> str:
    return wanted if "…" in wanted else fingerprint(wanted)


@dataclass(frozen=True, slots=True)
class Verification:
    matched: int
    ok: bool
    message: str
    similar: tuple[Entry, ...] = ()


class Journal:
    """The last ``capacity`` entries, oldest first. Ids keep counting across
    ``clear()``, so ``since=<id>`` stays a valid cursor. Capacity 0 records nothing."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 0)
        self._entries: deque[Entry] = deque(maxlen=self.capacity)
        self.last_id = 0

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, entry: Entry) -> None:
        self.last_id += 1
        entry.seq = self.last_id
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()

    def select(self, criteria: Criteria, limit: int | None = None) -> list[Entry]:
        """Matching entries, oldest first; with ``limit``, the most recent ``limit``."""
        found = [entry for entry in self._entries if criteria.matches(entry)]
        return found[-limit:] if limit is not None else found

    def verify(
        self, criteria: Criteria, count: int | None = None, at_least: int | None = None
    ) -> Verification:
        """Were there exactly ``count`` (or at least ``at_least``, default 1) matching
        calls? When not, the message lists what was seen instead."""
        matched = self.select(criteria)
        wanted = count if count is not None else (1 if at_least is None else at_least)
        ok = len(matched) == wanted if count is not None else len(matched) >= wanted
        if ok:
            return Verification(len(matched), True, f"found {_count(len(matched))}")
        exactly = "exactly" if count is not None else "at least"
        head = (
            f"expected {exactly} {_count(wanted)} matching {criteria.describe()}, "
            f"found {len(matched)}"
        )
        if matched:  # too many: show them
            return Verification(len(matched), False, f"{head}: {_lines(matched)}")
        similar = self._similar(criteria)
        if not similar:
            held = f"the journal holds {_count(len(self))}"
            return Verification(0, False, f"{head}; no similar requests ({held})")
        found = f"found {len(similar)} similar {_requests(len(similar))}"
        shown = similar[:SIMILAR_SHOWN]
        more = f", and {len(similar) - len(shown)} more" if len(similar) > len(shown) else ""
        message = f"{head}; {found}: {_near_misses(criteria, shown)}{more}"
        return Verification(0, False, message, tuple(shown))

    def _similar(self, criteria: Criteria) -> list[Entry]:
        """Near misses: calls on a matching path that fail another criterion, and calls
        on a path spelled much like the pattern; the closest first."""
        import difflib  # only a failed verification needs it: not imported at start-up

        pattern = criteria.path.text if criteria.path else ""
        ranked = []
        for entry in self._entries:
            if criteria.since is not None and entry.seq <= criteria.since:
                continue
            missed = criteria.misses(entry)
            ratio = difflib.SequenceMatcher(None, entry.path, pattern).ratio()
            if "path" not in missed or ratio >= SIMILAR_PATH_RATIO:
                ranked.append((len(missed), -ratio, -entry.seq, entry))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked]


def _requests(n: int) -> str:
    return "request" if n == 1 else "requests"


def _count(n: int) -> str:
    return f"{n} {_requests(n)}"


def _lines(entries: list[Entry]) -> str:
    shown = ", ".join(entry.line() for entry in entries[:SIMILAR_SHOWN])
    more = len(entries) - SIMILAR_SHOWN
    return f"{shown}, and {more} more" if more > 0 else shown


def _near_misses(criteria: Criteria, entries: Iterable[Entry]) -> str:
    return ", ".join(f"{entry.line()} ({_differences(criteria, entry)})" for entry in entries)


def _differences(criteria: Criteria, entry: Entry) -> str:
    """``status differs``, ``merchant …1a2b3c4d and status differ``: the line shows the
    method, path and status; the merchant is named here."""
    missed = criteria.misses(entry)
    names = [f"merchant {entry.merchant or '(none)'}" if m == "merchant" else m for m in missed]
    return f"{' and '.join(names)} {'differs' if len(missed) == 1 else 'differ'}"
