"""``control/journal.py`` without HTTP: capture, redaction, body views, filters, verify."""

from __future__ import annotations

import hashlib

import orjson
import pytest

from mock_ingrid.control.faults import PathPattern
from mock_ingrid.control.journal import (
    REDACTED,
    Capture,
    Criteria,
    Entry,
    Journal,
    body_view,
    fingerprint,
    redacted_headers,
)
from tests.conftest import FROZEN_AT

LONG_KEY = "live_4f0c2b9d8e7a6b5c"


def entry(
    method: str = "GET", path: str = "/returns", status: int | None = 200, key: str | None = "k"
) -> Entry:
    found = Entry(FROZEN_AT, method, path, b"", key, [(b"x-api-key", (key or "").encode())])
    found.status = status
    return found


def journal_of(*entries: Entry, capacity: int = 100) -> Journal:
    journal = Journal(capacity)
    for item in entries:
        journal.record(item)
    return journal


def test_capture_counts_every_byte_and_keeps_the_first_limit() -> None:
    capture = Capture(limit=10)
    for chunk in (b"12345", b"", b"67890abc", b"def"):
        capture.add(chunk)
    assert (capture.data, capture.size, capture.truncated) == (b"1234567890", 16, True)
    whole = Capture(limit=10)
    whole.add(b"0123456789")
    assert not whole.truncated


def test_a_fingerprint_is_stable_and_hides_short_keys_entirely() -> None:
    digest = hashlib.sha256(LONG_KEY.encode()).hexdigest()[:8]
    assert fingerprint(LONG_KEY) == f"live…{digest}"
    short = fingerprint("test-key")
    assert short.startswith("…") and "test" not in short
    assert fingerprint("test-key") == short != fingerprint("test-kez")


def test_secret_headers_are_redacted_and_repeats_joined() -> None:
    headers = [
        (b"x-api-key", b"secret"),
        (b"Authorization", b"Bearer admin"),
        (b"x-mock-admin-token", b"admin"),
        (b"cookie", b"session=1"),
        (b"accept", b"text/plain"),
        (b"accept", b"application/json"),
    ]
    shown = redacted_headers(headers)
    assert shown == {
        "x-api-key": REDACTED,
        "authorization": REDACTED,
        "x-mock-admin-token": REDACTED,
        "cookie": REDACTED,
        "accept": "text/plain, application/json",
    }


@pytest.mark.parametrize(
    ("data", "limit", "expected"),
    [
        (b"", 100, ("empty", None)),
        (b'{"amount": 19.990}', 100, ("json", {"amount": 19.99})),
        (b"[1, 2]", 100, ("json", [1, 2])),
        (b"not json", 100, ("text", "not json")),
        (b'{"cut": "off"}', 5, ("text", '{"cut')),
        (b"\xff\xfeok", 100, ("text", "\ufffd\ufffdok")),
    ],
)
def test_a_body_is_json_when_it_parses_whole(
    data: bytes, limit: int, expected: tuple[str, object]
) -> None:
    capture = Capture(limit)
    capture.add(data)
    body_format, value = body_view(capture)
    if isinstance(value, orjson.Fragment):
        assert orjson.dumps(value) == data  # the bytes as sent, digits untouched
        value = orjson.loads(orjson.dumps(value))
    assert (body_format, value) == expected


def test_the_journal_keeps_the_last_n_and_ids_survive_a_clear() -> None:
    journal = journal_of(*(entry(path=f"/returns/{n}") for n in range(5)), capacity=3)
    assert [e.path for e in journal.select(Criteria())] == [
        "/returns/2",
        "/returns/3",
        "/returns/4",
    ]
    journal.clear()
    journal.record(entry())
    assert [e.seq for e in journal.select(Criteria())] == [6]
    assert journal.last_id == 6


def test_criteria_filter_by_each_field() -> None:
    journal = journal_of(
        entry("GET", "/returns", 200, "a"),
        entry("POST", "/returns/1/cancel", 400, "a"),
        entry("POST", "/returns/2/cancel", 200, "b"),
        entry("GET", "/orders", 404, None),
    )

    def paths(criteria: Criteria) -> list[str]:
        return [e.path for e in journal.select(criteria)]

    assert paths(Criteria(method="POST")) == ["/returns/1/cancel", "/returns/2/cancel"]
    assert paths(Criteria(path=PathPattern("/returns/*/cancel"))) == [
        "/returns/1/cancel",
        "/returns/2/cancel",
    ]
    assert paths(Criteria(merchant="a")) == ["/returns", "/returns/1/cancel"]
    assert paths(Criteria(merchant=fingerprint("b"))) == ["/returns/2/cancel"]
    assert paths(Criteria(status=200)) == ["/returns", "/returns/2/cancel"]
    assert paths(Criteria(status_class=4)) == ["/returns/1/cancel", "/orders"]
    assert paths(Criteria(since=2)) == ["/returns/2/cancel", "/orders"]
    assert [e.path for e in journal.select(Criteria(), limit=1)] == ["/orders"]


def test_verify_passes_with_at_least_and_exactly() -> None:
    journal = journal_of(entry("POST", "/returns/1/cancel"), entry("POST", "/returns/2/cancel"))
    criteria = Criteria(method="POST", path=PathPattern("/returns/*/cancel"))
    assert journal.verify(criteria).ok
    assert journal.verify(criteria, at_least=2).ok
    assert journal.verify(criteria, count=2).matched == 2
    assert not journal.verify(criteria, at_least=3).ok
    assert journal.verify(Criteria(method="DELETE", path=PathPattern("/x")), count=0).ok


def test_a_failed_verify_lists_the_near_misses_closest_first() -> None:
    journal = journal_of(
        entry("GET", "/orders", 200),
        entry("POST", "/returns/1/cancel", 400),
        entry("POST", "/returns/2/cancel", 400, key="other"),
        entry("GET", "/returns/1", 200),
    )
    criteria = Criteria(
        method="POST", path=PathPattern("/returns/*/cancel"), merchant="k", status=200
    )
    result = journal.verify(criteria)
    assert not result.ok and result.matched == 0
    assert result.message == (
        f"expected at least 1 request matching POST /returns/*/cancel, merchant {fingerprint('k')}"
        ", status 200, found 0; found 3 similar requests: "
        "POST /returns/1/cancel -> 400 (status differs), "
        f"POST /returns/2/cancel -> 400 (merchant {fingerprint('other')} and status differ), "
        "GET /returns/1 -> 200 (method and path differ)"
    )
    assert [e.path for e in result.similar] == [
        "/returns/1/cancel",
        "/returns/2/cancel",
        "/returns/1",
    ]


def test_a_failed_exact_count_shows_what_matched() -> None:
    journal = journal_of(*(entry("POST", "/orders", 201) for _ in range(7)))
    result = journal.verify(Criteria(method="POST", path=PathPattern("/orders")), count=1)
    assert result.matched == 7
    assert result.message.startswith("expected exactly 1 request matching POST /orders, found 7: ")
    assert result.message.endswith("POST /orders -> 201, and 2 more")


def test_verify_with_nothing_similar_says_how_much_it_looked_at() -> None:
    journal = journal_of(entry("GET", "/products"))
    result = journal.verify(Criteria(method="POST", path=PathPattern("/warehouse-reports")))
    assert result.message.endswith("no similar requests (the journal holds 1 request)")


def test_a_dropped_call_reads_as_no_response() -> None:
    dropped = entry("POST", "/orders", None)
    dropped.query = b"page=2"
    assert dropped.line() == "POST /orders?page=2 -> no response"


def test_capacity_zero_keeps_nothing() -> None:
    journal = journal_of(entry(), capacity=0)
    assert len(journal) == 0 and journal.capacity == 0
