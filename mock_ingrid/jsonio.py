"""JSON in and out. Money is ``Decimal`` on both sides: never a float in between."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson

from mock_ingrid.money import wire

_DUMP_OPTIONS = orjson.OPT_UTC_Z


# Amounts repeat (prices, shipping costs): their JSON text is kept, per value (equal
# Decimals have the same text). Cleared when full rather than evicted one by one.
_AMOUNTS: dict[Decimal, orjson.Fragment] = {}
_AMOUNTS_KEPT = 4096


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():  # a signalling NaN cannot even be hashed
            return orjson.Fragment(wire(value))
        fragment = _AMOUNTS.get(value)
        if fragment is None:
            if len(_AMOUNTS) >= _AMOUNTS_KEPT:
                _AMOUNTS.clear()
            fragment = _AMOUNTS[value] = orjson.Fragment(wire(value))
        return fragment
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(data: object, indent: bool = False) -> bytes:
    """``indent``: two spaces a level, for a file a person reads (a scenario export)."""
    option = _DUMP_OPTIONS | orjson.OPT_INDENT_2 if indent else _DUMP_OPTIONS
    return orjson.dumps(data, default=_default, option=option)


class JsonSyntaxError(ValueError):
    """The body is not acceptable JSON; ``str()`` says where and why."""


def _reject_constant(name: str) -> Any:
    raise JsonSyntaxError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _ in pairs:  # name the first key given twice
        if key in seen:
            raise JsonSyntaxError(f"duplicate key '{key}' in an object")
        seen.add(key)
    raise AssertionError("unreachable")  # pragma: no cover


# One decoder for every body (``json.loads`` with options builds one per call).
_DECODER = json.JSONDecoder(
    parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_unique_keys
)


def loads(body: bytes) -> Any:
    """Parse a request body exactly: a number with a fraction or an exponent becomes
    the ``Decimal`` of its text (never a float), an integer an ``int``. Refused: a key
    given twice in one object (the rule the OpenAPI documents state), NaN/Infinity,
    invalid UTF-8 and absurd nesting."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonSyntaxError(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        if text.startswith("\ufeff"):  # what ``json.loads`` refuses before decoding
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonSyntaxError("the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python allows
        raise JsonSyntaxError(str(exc)) from None
