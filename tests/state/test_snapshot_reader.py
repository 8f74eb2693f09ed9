"""The snapshot's text reader (``read_merchants``) reads what the exact reader reads:
the same merchants, the same errors, a key given twice refused; and it stays on its
fast way for what orjson writes, escapes in the state file's server section included."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_ingrid import snapshot
from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.jsonio import JsonSyntaxError, dumps, loads
from mock_ingrid.snapshot import (
    SnapshotError,
    encode_state,
    export_state,
    install,
    merchants_from_data,
    read_merchants,
)
from tests.builders import new_state

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo-shop.json"


def _demo_text() -> bytes:
    state = new_state()
    load_fixture_paths(state, [DEMO])
    return b"".join(encode_state(state))


DEMO_TEXT = _demo_text()


def _read(text: bytes) -> bytes:
    """Read ``text`` the fast way, install it in a new state, write it again."""
    state = new_state()
    merchants, _ = read_merchants(state, text)
    install(state, merchants)
    return b"".join(encode_state(state))


def test_a_snapshot_reads_back_to_the_same_text() -> None:
    assert _read(DEMO_TEXT) == DEMO_TEXT
    assert loads(DEMO_TEXT) == export_state(_state_of(DEMO_TEXT))


def _state_of(text: bytes) -> Any:
    state = new_state()
    install(state, read_merchants(state, text)[0])
    return state


def test_a_pretty_printed_or_escaped_snapshot_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pretty = json.dumps(json.loads(DEMO_TEXT), indent=2).encode()
    assert _read(pretty) == DEMO_TEXT
    data = loads(DEMO_TEXT)
    data["merchants"][0]["returns"][0]["customerNote"] = 'said "too small"\n'
    escaped = dumps(data)
    assert b"\\" in escaped
    assert loads(_read(escaped)) == data


def test_what_orjson_writes_is_read_without_the_exact_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The exact reader parses the whole document at once: ten times its size. What the
    server writes, escapes in the server section and all, never needs it."""
    server = b',"server":{"note":"a \\"quoted\\" word: \\\\ and a line\\n"}'
    text = DEMO_TEXT[:-1] + server + b"}"

    def no_exact_reading(body: bytes) -> Any:
        raise AssertionError("read the exact way")

    monkeypatch.setattr(snapshot, "loads", no_exact_reading)
    state = new_state()
    merchants, section = read_merchants(state, text)
    assert section == server[len(b',"server":') :]
    assert [m.key for m in merchants] == ["demo-key"]


@pytest.mark.parametrize(
    "where",
    [
        ("top", lambda t: t.replace(b'{"version":1,', b'{"version":1,"version":1,', 1)),
        ("merchant", lambda t: t.replace(b'"apiKey":', b'"eventSequence":0,"apiKey":', 1)),
        ("entity", lambda t: t.replace(b'"returnId":', b'"status":"X","returnId":', 1)),
        ("nested", lambda t: t.replace(b'"countryCode":', b'"city":"x","countryCode":', 1)),
    ],
    ids=lambda w: w[0],
)
def test_a_key_given_twice_is_refused_wherever_it_is(where: Any) -> None:
    name, duplicate = where
    text = duplicate(DEMO_TEXT)
    assert text != DEMO_TEXT, name
    with pytest.raises(JsonSyntaxError, match="duplicate key"):
        read_merchants(new_state(), text)


def test_numbers_the_fast_decoder_cannot_hold_are_read_exactly() -> None:
    data = loads(DEMO_TEXT)
    data["merchants"][0]["orders"][0]["orderNumber"] = 2**64 - 1
    data["merchants"][0]["orders"][0]["shippingCost"] = Decimal("49.1234567890123456789")
    text = dumps(data)
    assert loads(_read(text)) == data


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value: each object member and list item."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


DEMO_DATA = loads(DEMO_TEXT)
PLACES = [p for p in _paths(DEMO_DATA) if len(p) >= 3]  # inside a merchant
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.text(max_size=8)
    | st.sampled_from(["PENDING", "CONFIRMED", "2026-01-15T10:00:00Z", "1", "SEK"]),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=4,
)


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        state = new_state()
        install(state, read(state))
    except SnapshotError as exc:
        return "refused", (exc.path, exc.code, exc.message)
    return "loaded", export_state(state)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACES), JSON_VALUES, st.booleans())
def test_the_text_reader_agrees_with_the_data_reader(
    place: tuple[Any, ...], value: Any, remove: bool
) -> None:
    """One change anywhere in a merchant (a value replaced, or a member or item taken
    away): reading the text gives what reading the data gives, loaded or refused."""
    data = copy.deepcopy(DEMO_DATA)
    parent = data
    for step in place[:-1]:
        parent = parent[step]
    if remove:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value
    text = orjson.dumps(data, default=lambda d: orjson.Fragment(str(d)))
    exact = _outcome(lambda state: merchants_from_data(state, loads(text)))
    fast = _outcome(lambda state: read_merchants(state, text)[0])
    assert fast == exact


def test_tables_longer_than_a_batch_read_back_to_the_same_text() -> None:
    """The writer encodes a table in batches of entities: their seams are valid JSON."""
    state = new_state()
    load_fixture_paths(state, [DEMO])
    merchant = state.merchants["demo-key"]
    (product,) = list(merchant.products.values())[:1]
    for n in range(snapshot._BATCH * 2 + 3):
        copied = copy.copy(product)
        copied.product_id = f"COPY-{n}"
        merchant.products[copied.product_id] = copied
    text = b"".join(encode_state(state))
    assert len(loads(text)["merchants"][0]["products"]) == len(merchant.products)
    assert _read(text) == text
