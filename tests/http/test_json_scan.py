"""The fast order path (``scan_plain`` + ``order_command_from_json``) against the exact
one (``loads`` + ``order_command``): whenever the fast one answers, the exact one
gives the same; a key given twice is never let through."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ingrid.api.current.schemas import order_command, order_command_from_json
from mock_ingrid.api.jsonio import JsonSyntaxError, loads, scan_plain
from tests.http.test_order_fast_path import orders

WHITESPACE = st.sampled_from(["", "", " ", "\n", "\t", "\r\n  "])


@st.composite
def texts(draw: st.DrawFn, value: Any) -> str:
    """``value`` as JSON, with whitespace drawn around every token and now and then
    a key of an object given twice (first with a value of its own)."""
    space = draw(WHITESPACE)
    if isinstance(value, dict):
        members = []
        for key, each in value.items():
            if draw(st.integers(0, 9)) == 0:
                members.append(f"{_key(draw, key)}{draw(texts('decoy'))}")
            members.append(f"{_key(draw, key)}{draw(texts(each))}")
        return space + "{" + ",".join(members) + draw(WHITESPACE) + "}"
    if isinstance(value, list):
        return space + "[" + ",".join(draw(texts(each)) for each in value) + draw(WHITESPACE) + "]"
    if isinstance(value, Decimal):
        return space + str(value)
    return space + json.dumps(value, ensure_ascii=draw(st.booleans()))


def _key(draw: st.DrawFn, key: str) -> str:
    return f"{draw(WHITESPACE)}{json.dumps(key)}{draw(WHITESPACE)}:"


def _keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_keys(each) for each in value.values())
    if isinstance(value, list):
        return sum(_keys(each) for each in value)
    return 0


def _exact(body: bytes) -> Any:
    try:
        return loads(body)
    except JsonSyntaxError:
        return JsonSyntaxError


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_the_fast_order_path_builds_what_the_exact_one_builds(data: st.DataObject) -> None:
    text = data.draw(texts(data.draw(orders())))
    body = text.encode("utf-8", "surrogatepass")
    fast = order_command_from_json(body)
    if fast is None:
        return
    exact = _exact(body)
    assert exact is not JsonSyntaxError
    assert repr(fast) == repr(order_command(exact))


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_a_scan_whose_keys_all_count_is_what_loads_gives(data: st.DataObject) -> None:
    text = data.draw(texts(data.draw(orders())))
    body = text.encode("utf-8", "surrogatepass")
    scanned = scan_plain(body)
    if scanned is None or _keys(scanned[0]) != scanned[1]:
        return
    assert repr(_exact(body)) == repr(scanned[0])


@pytest.mark.parametrize(
    "body",
    [
        b'{"orderId": "A", "orderId": "B"}',
        b'{"orderId": "A", "orderId" : "B"}',
        b'{"a" :1, "a":2, "b":3}',
        b'{"a":{"x":1,"x" :2},"b" :3}',
    ],
)
def test_a_key_given_twice_never_counts_right(body: bytes) -> None:
    scanned = scan_plain(body)
    assert scanned is None or _keys(scanned[0]) != scanned[1]
    with pytest.raises(JsonSyntaxError, match="duplicate key"):
        loads(body)


@pytest.mark.parametrize(
    "body",
    [b'{"a": "\\u0041"}', b'{"a": NaN}', b'\xef\xbb\xbf{"a": 1}', b'{"a": "\xff"}', b"[" * 5000],
)
def test_what_the_scan_leaves_to_loads(body: bytes) -> None:
    assert scan_plain(body) is None


def test_the_benchmark_body_takes_the_fast_path() -> None:
    body = (
        b'{"orderId": "O-1", "currencyCode": "SEK", "shippingCost": 49, "totalAmount": 647.50,'
        b' "shippingAddress": {"countryCode": "SE", "city": "Stockholm", "postalCode": "1"},'
        b' "lineItems": [{"lineItemId": "A", "productId": "P", "variantId": "V1",'
        b' "quantity": 1, "originalUnitPrice": 299.00}]}'
    )
    fast = order_command_from_json(body)
    assert fast is not None
    assert fast.total_amount == Decimal("647.50")
    assert str(fast.line_items[0].original_unit_price) == "299.00"
    assert repr(fast) == repr(order_command(loads(body)))
