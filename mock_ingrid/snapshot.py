"""Export and import of the whole state (or one merchant) as JSON-ready data.

The format is the entities' own fields, converted generically from their type
hints: ``Decimal`` as a JSON number, datetimes as RFC 3339 strings, enums as
their values. Import rebuilds the indexes, so an exported file round-trips
exactly (export -> import -> export gives the same document).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union

from mock_ingrid.clock import format_instant, parse_instant
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import (
    ExchangeOrder,
    MerchantSettings,
    Order,
    Product,
    RefundTransaction,
    Return,
    WarehouseReport,
)
from mock_ingrid.store import State

SNAPSHOT_VERSION = 1

# table name -> (entity type, attribute holding its id)
_TABLES: dict[str, tuple[type[Any], str]] = {
    "products": (Product, "product_id"),
    "orders": (Order, "order_id"),
    "returns": (Return, "return_id"),
    "reports": (WarehouseReport, "report_id"),
    "refunds": (RefundTransaction, "refund_id"),
    "exchanges": (ExchangeOrder, "exchange_id"),
}


class SnapshotError(ValueError):
    """A snapshot that cannot be imported; the message names the path of the bad value."""


def export_state(state: State, merchant_key: str | None = None) -> dict[str, Any]:
    keys = [merchant_key] if merchant_key is not None else list(state.merchants)
    return {
        "version": SNAPSHOT_VERSION,
        "merchants": [
            export_merchant(state.merchants[key]) for key in keys if key in state.merchants
        ],
    }


def export_merchant(m: Merchant) -> dict[str, Any]:
    data: dict[str, Any] = {
        "apiKey": m.key,
        "settings": _dump(m.settings),
        "sequences": m.ids.peek(),
        "eventSequence": m.event_seq,
    }
    for name in _TABLES:
        data[name] = [_dump(entity) for entity in getattr(m, name).values()]
    return data


def import_state(state: State, data: Any, replace: bool = False) -> list[str]:
    """Load merchants from a snapshot; all or nothing. Returns the keys loaded."""
    version = data.get("version") if isinstance(data, dict) else None
    # true == 1 in Python: a boolean is not a version number
    if isinstance(version, bool) or version != SNAPSHOT_VERSION:
        raise SnapshotError(f"$.version: expected {SNAPSHOT_VERSION}")
    entries = data.get("merchants")
    if not isinstance(entries, list):
        raise SnapshotError("$.merchants: expected a list")
    loaded = [_load_merchant(state, entry, f"$.merchants[{i}]") for i, entry in enumerate(entries)]
    if replace:
        state.merchants.clear()
    for merchant in loaded:
        state.merchants[merchant.key] = merchant
    return [m.key for m in loaded]


def _load_merchant(state: State, entry: Any, path: str) -> Merchant:
    if not isinstance(entry, dict) or not isinstance(entry.get("apiKey"), str):
        raise SnapshotError(f"{path}.apiKey: expected a string")
    settings = _load(MerchantSettings, entry.get("settings", {}), f"{path}.settings")
    m = Merchant(entry["apiKey"], state.clock, settings, state.listeners)
    sequences = entry.get("sequences", {})
    if not isinstance(sequences, dict) or not all(isinstance(v, int) for v in sequences.values()):
        raise SnapshotError(f"{path}.sequences: expected an object of integers")
    m.ids.restore(sequences)
    m.event_seq = _load(int, entry.get("eventSequence", 0), f"{path}.eventSequence")
    for name, (kind, id_attribute) in _TABLES.items():
        table = getattr(m, name)
        for index, raw in enumerate(entry.get(name, [])):
            entity = _load(kind, raw, f"{path}.{name}[{index}]")
            table[getattr(entity, id_attribute)] = entity
    m.rebuild_indexes()
    return m


# -- generic conversion -------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@cache
def _fields(kind: type[Any]) -> list[tuple[str, str, Any]]:
    hints = typing.get_type_hints(kind)
    return [(f.name, _camel(f.name), hints[f.name]) for f in dataclasses.fields(kind)]


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {wire: _dump(getattr(value, name)) for name, wire, _ in _fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value


def _load(kind: Any, raw: Any, path: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if raw is None and type(None) in options:
            return None
        (inner,) = [option for option in options if option is not type(None)]
        return _load(inner, raw, path)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [
            _load(item, entry, f"{path}[{i}]") for i, entry in enumerate(_expect(raw, list, path))
        ]
    if origin is dict:
        _, item = typing.get_args(kind)
        return {
            key: _load(item, entry, f"{path}.{key}")
            for key, entry in _expect(raw, dict, path).items()
        }
    if kind is Any:
        return raw
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        data = _expect(raw, dict, path)
        values: dict[str, Any] = {}
        for name, wire, hint in _fields(kind):
            if wire in data:
                values[name] = _load(hint, data[wire], f"{path}.{wire}")
        try:
            return kind(**values)
        except TypeError as exc:
            raise SnapshotError(f"{path}: {exc}") from None
    return _scalar(kind, raw, path)


def _scalar(kind: Any, raw: Any, path: str) -> Any:
    if kind is Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise SnapshotError(f"{path}: expected a number")
        return Decimal(raw)
    if kind is datetime:
        try:
            return parse_instant(_expect(raw, str, path))
        except ValueError:
            raise SnapshotError(f"{path}: expected an RFC 3339 date-time") from None
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(raw)
        except ValueError:
            raise SnapshotError(f"{path}: '{raw}' is not a {kind.__name__}") from None
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise SnapshotError(f"{path}: expected an integer")
    if kind in (str, bool) and not isinstance(raw, kind):
        raise SnapshotError(f"{path}: expected a {kind.__name__}")
    return raw


def _expect(raw: Any, kind: type[Any], path: str) -> Any:
    if not isinstance(raw, kind):
        raise SnapshotError(
            f"{path}: expected {'an object' if kind is dict else 'a ' + kind.__name__}"
        )
    return raw
