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
from mock_ingrid.domain.lifecycle import ExchangeStatus, RefundStatus, ReportStatus, ReturnStatus
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
    """A snapshot that cannot be imported: the path of the bad value (``$.merchants[0]
    .returns[1].orderId``), a stable code and what is wrong; ``str()`` joins them."""

    def __init__(self, path: str, message: str, code: str = "INVALID_VALUE") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code


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
        raise SnapshotError("$.version", f"expected {SNAPSHOT_VERSION}")
    entries = data.get("merchants")
    if not isinstance(entries, list):
        raise SnapshotError("$.merchants", "expected a list", "INVALID_TYPE")
    loaded = [_load_merchant(state, entry, f"$.merchants[{i}]") for i, entry in enumerate(entries)]
    if replace:
        state.merchants.clear()
    for merchant in loaded:
        state.merchants[merchant.key] = merchant
    return [m.key for m in loaded]


_MERCHANT_FIELDS = frozenset({"apiKey", "settings", "sequences", "eventSequence", *_TABLES})


def _load_merchant(state: State, entry: Any, path: str) -> Merchant:
    _expect(entry, dict, path)
    unknown = [key for key in entry if key not in _MERCHANT_FIELDS]
    if unknown:
        raise SnapshotError(f"{path}.{unknown[0]}", "not a field of a merchant", "UNKNOWN_FIELD")
    if not isinstance(entry.get("apiKey"), str) or not entry["apiKey"].strip():
        raise SnapshotError(f"{path}.apiKey", "expected a non-empty string", "INVALID_TYPE")
    settings = _load(MerchantSettings, entry.get("settings", {}), f"{path}.settings")
    m = Merchant(entry["apiKey"], state.clock, settings, state.listeners)
    sequences = entry.get("sequences", {})
    if not isinstance(sequences, dict) or not all(isinstance(v, int) for v in sequences.values()):
        raise SnapshotError(f"{path}.sequences", "expected an object of integers", "INVALID_TYPE")
    m.ids.restore(sequences)
    m.event_seq = _load(int, entry.get("eventSequence", 0), f"{path}.eventSequence")
    for name, (kind, id_attribute) in _TABLES.items():
        table = getattr(m, name)
        for index, raw in enumerate(_expect(entry.get(name, []), list, f"{path}.{name}")):
            where = f"{path}.{name}[{index}]"
            entity = _load(kind, raw, where)
            entity_id = getattr(entity, id_attribute)
            if entity_id in table:
                raise SnapshotError(
                    f"{where}.{_camel(id_attribute)}",
                    f"'{entity_id}' is listed twice",
                    "DUPLICATE_ID",
                )
            table[entity_id] = entity
    _check_consistency(m, path)
    _cover_sequences(m)
    m.rebuild_indexes()
    return m


# -- consistency: what the domain takes for granted -----------------------------

_STATUSES: dict[str, type[Enum]] = {
    "returns": ReturnStatus,
    "reports": ReportStatus,
    "refunds": RefundStatus,
    "exchanges": ExchangeStatus,
}


def _check_consistency(m: Merchant, path: str) -> None:
    """Every status is one of its kind's and every id points at an entity that exists,
    so the calls made after an import do not trip over a dangling reference."""

    def fail(table: str, index: int, field: str, message: str, code: str) -> SnapshotError:
        return SnapshotError(f"{path}.{table}[{index}].{field}", message, code)

    for table, statuses in _STATUSES.items():
        for index, entity in enumerate(getattr(m, table).values()):
            values = [str(status.value) for status in statuses]
            if entity.status not in values:
                allowed = ", ".join(values)
                message = f"'{entity.status}' is not one of {allowed}"
                raise fail(table, index, "status", message, "INVALID_ENUM")

    def need(table: str, index: int, field: str, kind: str, found: bool, value: str) -> None:
        if not found:
            raise fail(
                table, index, field, f"no {kind} '{value}' in this merchant", "UNKNOWN_REFERENCE"
            )

    for index, product in enumerate(m.products.values()):
        for key, variant in product.variants.items():
            if key != variant.variant_id:
                message = f"keyed '{key}' but its variantId is '{variant.variant_id}'"
                raise fail("products", index, f"variants.{key}", message, "ID_MISMATCH")
    for index, order in enumerate(m.orders.values()):
        for key, line in order.line_items.items():
            field = f"lineItems.{key}"
            if key != line.line_item_id:
                message = f"keyed '{key}' but its lineItemId is '{line.line_item_id}'"
                raise fail("orders", index, field, message, "ID_MISMATCH")
            owner = m.products.get(line.product_id)
            if owner is None:
                message = f"no product '{line.product_id}' in this merchant"
                raise fail("orders", index, f"{field}.productId", message, "UNKNOWN_REFERENCE")
            found = line.variant_id in owner.variants
            need("orders", index, f"{field}.variantId", "variant", found, line.variant_id)
    for index, ret in enumerate(m.returns.values()):
        bought = m.orders.get(ret.order_id)
        if bought is None:
            message = f"no order '{ret.order_id}' in this merchant"
            raise fail("returns", index, "orderId", message, "UNKNOWN_REFERENCE")
        for i, item in enumerate(ret.items):
            if item.order_line_item_id not in bought.line_items:
                message = f"order '{ret.order_id}' has no line item '{item.order_line_item_id}'"
                field = f"items[{i}].orderLineItemId"
                raise fail("returns", index, field, message, "UNKNOWN_REFERENCE")
        if ret.report_id is not None:
            found = ret.report_id in m.reports
            need("returns", index, "reportId", "warehouse report", found, ret.report_id)
        for i, refund_id in enumerate(ret.refund_ids):
            found = refund_id in m.refunds
            need("returns", index, f"refundIds[{i}]", "refund transaction", found, refund_id)
        for i, exchange_id in enumerate(ret.exchange_ids):
            found = exchange_id in m.exchanges
            need("returns", index, f"exchangeIds[{i}]", "exchange", found, exchange_id)
    for table in ("reports", "refunds", "exchanges"):
        for index, entity in enumerate(getattr(m, table).values()):
            need(
                table, index, "returnId", "return", entity.return_id in m.returns, entity.return_id
            )
            need(table, index, "orderId", "order", entity.order_id in m.orders, entity.order_id)


def _cover_sequences(m: Merchant) -> None:
    """Raise an id sequence above every id already taken (a hand-written snapshot may
    leave ``sequences`` out): a new entity never overwrites an imported one."""
    taken: dict[str, list[int]] = {
        "return": [_number(r.return_id) for r in m.returns.values()],
        "return_item": [_number(i.return_item_id) for r in m.returns.values() for i in r.items],
        "return_shipment": [
            _number(r.shipment.shipment_id) for r in m.returns.values() if r.shipment
        ],
        "warehouse_report": [_number(r.report_id) for r in m.reports.values()],
        "refund": [_number(r.refund_id) for r in m.refunds.values()],
        "exchange": [_number(e.exchange_id) for e in m.exchanges.values()],
        "exchange_item": [
            _number(i.exchange_item_id) for e in m.exchanges.values() for i in e.items
        ],
        "product": [p.internal_id for p in m.products.values()],
        "variant": [v.internal_id for p in m.products.values() for v in p.variants.values()],
        "order": [o.internal_id for o in m.orders.values()],
        "line_item": [li.internal_id for o in m.orders.values() for li in o.line_items.values()],
    }
    sequences = m.ids.peek()
    for kind, numbers in taken.items():
        highest = max(numbers, default=0)
        if sequences.get(kind, 1) <= highest:
            sequences[kind] = highest + 1
    m.ids.restore(sequences)


def _number(entity_id: str) -> int:
    return int(entity_id) if entity_id.isdigit() else 0


# -- generic conversion -------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@cache
def _fields(kind: type[Any]) -> list[tuple[str, str, Any]]:
    hints = typing.get_type_hints(kind)
    return [(f.name, _camel(f.name), hints[f.name]) for f in dataclasses.fields(kind)]


@cache
def _required(kind: type[Any]) -> list[str]:
    """The wire names of the fields without a default."""
    missing = dataclasses.MISSING
    return [
        _camel(f.name)
        for f in dataclasses.fields(kind)
        if f.default is missing and f.default_factory is missing
    ]


_KIND_NAMES: dict[Any, str] = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
}


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {wire: _dump(getattr(value, name)) for name, wire, _ in _fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):  # a tuple field is a list in the file
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
    if origin is tuple:  # ``tuple[X, ...]``: a list in the file
        item, _ = typing.get_args(kind)
        return tuple(
            _load(item, entry, f"{path}[{i}]") for i, entry in enumerate(_expect(raw, list, path))
        )
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
        fields = _fields(kind)
        known = {wire for _, wire, _ in fields}
        unknown = [key for key in data if key not in known]
        if unknown:
            raise SnapshotError(
                f"{path}.{unknown[0]}", "not a field of this object", "UNKNOWN_FIELD"
            )
        missing = [wire for wire in _required(kind) if wire not in data]
        if missing:
            raise SnapshotError(f"{path}.{missing[0]}", "required", "REQUIRED")
        values = {
            name: _load(hint, data[wire], f"{path}.{wire}")
            for name, wire, hint in fields
            if wire in data
        }
        return kind(**values)
    return _scalar(kind, raw, path)


def _scalar(kind: Any, raw: Any, path: str) -> Any:
    if kind is Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise SnapshotError(path, "expected a number", "INVALID_TYPE")
        return Decimal(raw)
    if kind is datetime:
        try:
            return parse_instant(_expect(raw, str, path))
        except ValueError:
            raise SnapshotError(path, "expected an RFC 3339 date-time", "INVALID_TYPE") from None
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(raw)
        except ValueError:
            raise SnapshotError(path, f"'{raw}' is not a {kind.__name__}", "INVALID_ENUM") from None
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise SnapshotError(path, "expected an integer", "INVALID_TYPE")
    if kind in (str, bool) and not isinstance(raw, kind):
        raise SnapshotError(path, f"expected {_KIND_NAMES[kind]}", "INVALID_TYPE")
    return raw


def _expect(raw: Any, kind: type[Any], path: str) -> Any:
    if not isinstance(raw, kind):
        raise SnapshotError(
            path, f"expected {_KIND_NAMES.get(kind, kind.__name__)}", "INVALID_TYPE"
        )
    return raw
