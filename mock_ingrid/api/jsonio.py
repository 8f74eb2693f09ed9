"""JSON in and out. Money is ``Decimal`` on both sides: never a float in between."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson

from mock_ingrid.money import wire

_DUMP_OPTIONS = orjson.OPT_UTC_Z


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(wire(value))
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(data: object) -> bytes:
    return orjson.dumps(data, default=_default, option=_DUMP_OPTIONS)


class JsonSyntaxError(ValueError):
    """The body is not acceptable JSON; ``str()`` says where and why."""


def _reject_constant(name: str) -> Any:
    raise JsonSyntaxError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonSyntaxError(f"duplicate key '{key}' in an object")
        result[key] = value
    return result


def loads(body: bytes) -> Any:
    """Parse a request body exactly: floats become ``Decimal``, duplicate keys,
    NaN/Infinity, invalid UTF-8 and absurd nesting are refused."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonSyntaxError(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonSyntaxError("the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python allows
        raise JsonSyntaxError(str(exc)) from None
