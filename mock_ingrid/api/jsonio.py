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


def dumps(data: object) -> bytes:
    return orjson.dumps(data, default=_default, option=_DUMP_OPTIONS)


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
    """Parse a request body exactly: floats become ``Decimal``, duplicate keys,
    NaN/Infinity, invalid UTF-8 and absurd nesting are refused."""
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


# msgspec's decoder: about four times as fast as ``json`` with the duplicate-key hook,
# and as exact (a float's text goes to ``Decimal`` unchanged); it refuses NaN, a BOM,
# invalid UTF-8 and control characters in strings as ``loads`` does. What it cannot
# tell is a key given twice: ``scan_plain`` counts the keys in the text instead.
# Imported with the first body scanned, not at start-up (about 20 ms).
_SCANNER: Any = None
_WHITESPACE = b" \t\r\n"


def scan_plain(body: bytes) -> tuple[Any, int] | None:
    """A fast parse of a body with no backslash: its value and how many keys its
    objects hold in the text; None when the body is not such a body or does not parse
    (``loads`` then says why). The value is what ``loads`` gives, except that a key
    given twice holds its last value: a caller that counts the keys of every object
    it reads and finds the same number knows that no key was given twice.

    Without a backslash every ``"`` delimits a string, so in valid JSON ``"`` then a
    colon, whitespace left out, can only end a key (the string's own whitespace going
    too does not matter: it holds no ``"``)."""
    global _SCANNER
    if b"\\" in body:
        return None
    if _SCANNER is None:
        import msgspec

        _SCANNER = msgspec.json.Decoder(float_hook=Decimal)
    try:
        value = _SCANNER.decode(body)
    except (ValueError, RecursionError):  # msgspec.DecodeError is a ValueError
        return None
    return value, body.translate(None, _WHITESPACE).count(b'":')
