"""``order_command`` (the hand-checked order body) against ``OrderBody``: whenever it
answers, pydantic accepts the same body and builds the same command."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ingrid.api.current.schemas import (
    Address,
    OrderBody,
    OrderLineItem,
    Shipment,
    ShipmentLineItem,
    order_command,
)
from mock_ingrid.api.jsonio import loads

TEXTS = [
    "A",
    "P-1",
    "",
    "a/b",
    "tab\there",
    "new\nline",
    "\x7f",
    "é" * 255,
    "é" * 256,
    "x" * 1024,
    "x" * 1025,
    "\ud800",
    "ok\udfff",
    "😀",
    " ",
    "SEK",
    "sek",
    "SE",
    "SEKK",
    "2026-01-15T10:00:00Z",
    "2026-01-15T10:00:00.1234567+01:00",
    "2026-01-15",
    "0001-01-01T00:00:00+01:00",
]
NUMBERS = [
    0,
    1,
    -1,
    299,
    1_000_000,
    1_000_001,
    10**12 - 1,
    10**12,
    10**18,
    2**63 - 1,
    2**63,
    True,
    False,
    Decimal("299.00"),
    Decimal("1.5"),
    Decimal("1E+2"),
    Decimal("-0"),
    Decimal("-0.5"),
    Decimal("0.000001"),
    Decimal("0.0000001"),
    Decimal("1.0000000"),
    Decimal("1E400"),
    Decimal("123456789012.5"),
    Decimal("1234567890123"),
]
# (copied: a body is changed in place, the samples must not be)
SAMPLES = [*TEXTS, *NUMBERS, None, [], {}, ["A"], {"a": 1}]
SCALARS = st.sampled_from(SAMPLES).map(copy.deepcopy)
PYTHON_NAMES = {
    f.alias: name
    for model in (OrderBody, OrderLineItem, Shipment, Address, ShipmentLineItem)
    for name, f in model.model_fields.items()
    if f.alias != name
}


def _valid_order() -> dict[str, Any]:
    line = {
        "lineItemId": "A",
        "productId": "P",
        "variantId": "V1",
        "quantity": 2,
        "originalUnitPrice": 299,
        "discountedUnitPrice": Decimal("249.50"),
        "unitTaxes": Decimal("0.5"),
        "title": "Tee",
        "sku": "S-1",
    }
    return {
        "orderId": "O-1",
        "currencyCode": "SEK",
        "shippingCost": 49,
        "totalAmount": Decimal("647.00"),
        "shippingAddress": {
            "postalCode": "111",
            "countryCode": "SE",
            "city": "Solna",
            "firstName": "Ann",
            "street2": None,
        },
        "lineItems": [line, {**line, "lineItemId": "B"}],
        "orderName": "#1",
        "orderNumber": 7,
        "giftCardAmount": 10,
        "taxesAmount": Decimal("12.5"),
        "orderedAt": "2026-01-15T10:00:00.5+02:00",
        "shippedAt": "2026-01-16T10:00:00Z",
        "tags": ["vip", "b2b"],
        "shipments": [
            {
                "shipmentId": "S",
                "shippedAt": "2026-01-16T10:00:00Z",
                "trackingReference": "T-1",
                "carrier": "UPS",
                "lineItems": [{"orderLineItemId": "A", "quantity": 1, "shipmentLineItemId": "L"}],
            }
        ],
    }


def _containers(value: Any) -> list[Any]:
    """Every dict and list in ``value``, itself included."""
    found = []
    if isinstance(value, dict | list):
        found.append(value)
        for each in value.values() if isinstance(value, dict) else value:
            found.extend(_containers(each))
    return found


@st.composite
def orders(draw: st.DrawFn) -> dict[str, Any]:
    """A valid body with up to three changes: a value replaced, a key removed,
    renamed to its Python name or added."""
    body = _valid_order()
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(_containers(body)))
        if isinstance(where, list):
            if where and draw(st.booleans()):
                where[draw(st.integers(0, len(where) - 1))] = draw(SCALARS)
            else:
                where.clear() if draw(st.booleans()) else where.append(draw(SCALARS))
            continue
        keys = list(where)
        action = draw(st.sampled_from(["replace", "replace", "remove", "rename", "add"]))
        if action == "add" or not keys:
            where[draw(st.sampled_from(["extra", "note", "orderId", "city"]))] = draw(SCALARS)
            continue
        key = draw(st.sampled_from(keys))
        if action == "replace":
            where[key] = draw(SCALARS)
        elif action == "remove":
            del where[key]
        elif key in PYTHON_NAMES:
            where[PYTHON_NAMES[key]] = where.pop(key)
    return body


def _pydantic(data: dict[str, Any]) -> str | None:
    from pydantic import ValidationError

    try:
        return repr(OrderBody.model_validate(data).to_command())
    except ValidationError:
        return None


@settings(max_examples=1500, deadline=None)
@given(orders())
def test_the_fast_path_builds_what_pydantic_builds(data: dict[str, Any]) -> None:
    fast = order_command(data)
    if fast is not None:
        assert repr(fast) == _pydantic(data)


def test_every_single_change_of_a_field() -> None:
    """Each key of the valid body set to each sample, removed, or renamed."""
    checked = 0
    for index in range(len(_containers(_valid_order()))):
        for key in _keys(_containers(_valid_order())[index]):
            for change in [*range(len(SAMPLES)), "remove", "rename"]:
                body = _valid_order()
                where = _containers(body)[index]
                if change == "remove":
                    if key == "extra":
                        continue
                    del where[key]
                elif change == "rename":
                    if key not in PYTHON_NAMES:
                        continue
                    where[PYTHON_NAMES[key]] = where.pop(key)
                else:
                    where[key] = copy.deepcopy(SAMPLES[change])
                fast = order_command(body)
                if fast is not None:
                    assert repr(fast) == _pydantic(body), (index, key, change)
                checked += 1
    assert checked > 2_000


def _keys(container: Any) -> list[Any]:
    """The keys of a dict and a new one, or the indexes of a list."""
    return [*container, "extra"] if isinstance(container, dict) else list(range(len(container)))


def test_the_usual_bodies_take_the_fast_path() -> None:
    body = loads(
        b'{"orderId": "O-1", "currencyCode": "SEK", "shippingCost": 49, "totalAmount": 647.50,'
        b' "shippingAddress": {"postalCode": "111", "countryCode": "SE", "city": "Stockholm",'
        b' "firstName": "Ann", "note": null}, "orderName": "#1", "orderNumber": 7,'
        b' "orderedAt": "2026-01-15T10:00:00Z", "tags": ["vip"], "lineItems": ['
        b'{"lineItemId": "A", "productId": "P", "variantId": "V1", "quantity": 2,'
        b' "originalUnitPrice": 299.00, "discountedUnitPrice": 249, "unitTaxes": 0.5,'
        b' "title": "Tee", "sku": "S1"}], "shipments": [{"shipmentId": "S",'
        b' "shippedAt": "2026-01-16T10:00:00+01:00", "lineItems":'
        b' [{"orderLineItemId": "A", "quantity": 1}]}]}'
    )
    fast = order_command(body)
    assert fast is not None
    assert repr(fast) == _pydantic(body)
    assert list(fast.shipping_address) == ["firstName", "city", "countryCode", "postalCode"]
