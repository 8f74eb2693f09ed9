"""Every field of the order body reaches the stored order: for each field of ``OrderBody``
(walked from the model's own JSON schema, at every depth), an order carrying it
round-trips through ``POST /orders`` and ``GET /orders/{orderId}``. A field added to
the model and forgotten on the way to the domain, or in the view, fails here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from mock_ingrid.api.current.schemas import OrderBody
from mock_ingrid.clock import parse_instant
from mock_ingrid.jsonio import dumps

Json = dict[str, Any]
Path = tuple[str | int, ...]

SCHEMA: Json = OrderBody.model_json_schema(by_alias=True)
# Values the domain needs to accept an order: the line item, product and variant it
# names must exist. Everything else is drawn from the field's schema.
PRODUCT = {"productId": "P", "title": "T", "variants": [{"variantId": "V", "sku": "SKU-V"}]}
KNOWN = {"lineItemId": "L1", "orderLineItemId": "L1", "productId": "P", "variantId": "V"}
EXTRA = "extraField"  # a key of an object that keeps unknown fields
AMOUNT = Decimal("12.345")
INSTANT = "2026-01-10T08:30:00.25+02:00"
PATTERNS = {"^[A-Z]{3}$": "EUR", "^[A-Z]{2}$": "NO"}


def _resolve(schema: Json) -> Json:
    """The schema itself: a ``$ref`` followed, ``X | None`` read as ``X``."""
    if "$ref" in schema:
        return _resolve(SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]])
    if "anyOf" in schema:
        return _resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    return schema


def _sample(schema: Json, name: str) -> Any:
    """A valid value of the schema: the smallest object, one-element arrays."""
    schema = _resolve(schema)
    kind = schema.get("type", "object")
    if kind == "object":
        required = schema.get("required", [])
        return {key: _sample(schema["properties"][key], key) for key in required}
    if kind == "array":
        return [_sample(schema["items"], name)]
    if name in KNOWN:
        return KNOWN[name]
    if kind == "integer":
        return schema.get("minimum", 7)
    if kind == "number":
        return AMOUNT
    assert kind == "string", schema
    if schema.get("format") == "date-time":
        return INSTANT
    return PATTERNS.get(schema.get("pattern", ""), f"{name}-value")


def _leaves(schema: Json, path: Path = ()) -> Iterator[tuple[Path, Json]]:
    """Every field under ``schema``, with its path (an array's element is ``0``)."""
    schema = _resolve(schema)
    for key, field in schema.get("properties", {}).items():
        yield (*path, key), field
        inner = _resolve(field)
        if inner.get("type") == "array":
            if _resolve(inner["items"]).get("type", "object") == "object":
                yield from _leaves(inner["items"], (*path, key, 0))
        elif inner.get("type", "object") == "object":
            yield from _leaves(inner, (*path, key))
    if schema.get("additionalProperties") not in (None, False):
        yield (*path, EXTRA), {"type": "string"}


LEAVES = dict(_leaves(SCHEMA))


def _fields_of(model: type[BaseModel]) -> int:
    """How many fields ``model`` and the models inside it declare (an open object's
    extra keys counting as one)."""
    count = 1 if model.model_config.get("extra") == "allow" else 0
    for field in model.model_fields.values():
        count += 1
        for inner in _models_in(field.annotation):
            count += _fields_of(inner)
    return count


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def test_the_walk_finds_every_field_of_the_model() -> None:
    assert len(LEAVES) == _fields_of(OrderBody)
    assert {"orderId", "tags", "shippingAddress", "lineItems"} <= {p[0] for p in LEAVES}


def _order_with(path: Path, value: Any) -> Json:
    """The smallest valid order, with ``value`` at ``path`` (containers on the way
    created at their smallest)."""
    body: Json = _sample(SCHEMA, "order")
    body["orderId"] = "O-" + ".".join(map(str, path))
    where: Any = body
    for depth, step in enumerate(path[:-1]):
        if isinstance(step, int):
            continue  # the one element of an array, made with the array
        if step not in where:
            where[step] = _sample(LEAVES[path[: depth + 1]], step)
        where = where[step]
        if isinstance(where, list):
            where = where[0]
    where[path[-1]] = value
    return body


def _at(data: Any, path: Path) -> Any:
    for step in path:
        data = data[step]
    return data


def _assert_carried(sent: Any, got: Any, where: str) -> None:
    """``got`` is what was sent: an object holds at least the keys sent, a number the
    same value (exactly), an instant the same instant."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), where
        for key, value in sent.items():
            assert key in got, f"{where}.{key} was sent but is not in the stored order"
            _assert_carried(value, got[key], f"{where}.{key}")
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent), (where, got)
        for index, (each, found) in enumerate(zip(sent, got, strict=True)):
            _assert_carried(each, found, f"{where}[{index}]")
    elif sent == INSTANT:
        assert parse_instant(got) == parse_instant(sent), (where, got)
    else:
        assert got == sent and type(got) is type(sent), (where, sent, got)


@pytest.mark.parametrize("path", list(LEAVES), ids=lambda p: ".".join(map(str, p)))
def test_every_field_of_an_order_round_trips(client: TestClient, path: Path) -> None:
    assert client.post("/products", json=PRODUCT).status_code == 201
    value = _sample(LEAVES[path], str(path[-1]))
    body = _order_with(path, value)
    raw = dumps(body)  # amounts as JSON numbers, written exactly: 12.345
    created = client.post("/orders", content=raw, headers={"content-type": "application/json"})
    assert created.status_code == 201, created.text
    stored = client.get(f"/orders/{body['orderId']}")
    assert stored.status_code == 200
    found = json.loads(stored.content, parse_float=Decimal)
    _assert_carried(value, _at(found, path), ".".join(map(str, path)))
