"""The snapshot: every merchant's world as one JSON document, written and read fast.

    {"version": 1, "merchants": [{"apiKey": ..., "settings": ..., "sequences": ...,
      "eventSequence": ..., "products": [...], "orders": [...], "returns": [...],
      "reports": [...], "refunds": [...], "exchanges": [...]}]}

Each entity is its fields (``entity_codec``). ``GET /_mock/state`` and the state file
write it with ``encode_state``, a batch of entities per orjson call; ``PUT``/``POST
/_mock/state`` and the state file read it with ``read_merchants``: msgspec finds the
entities in the text (``msgspec.Raw``, no copy), and each is decoded and checked
alone, so what a load holds at once is the document's bytes and the entities made,
not a tree of dicts of the whole document (ten times its size). An import is all or
nothing, and exports, imports and exports again to the same document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import msgspec

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
from mock_ingrid.entity_codec import (
    Shared,
    SnapshotError,
    camel,
    dumper,
    forget_instants,
    loader,
)
from mock_ingrid.jsonio import dumps, loads
from mock_ingrid.store import State

__all__ = [
    "SNAPSHOT_VERSION",
    "SnapshotError",
    "encode_state",
    "export_state",
    "import_state",
    "install",
    "merchants_from_data",
    "read_merchants",
]

SNAPSHOT_VERSION = 1

# table name -> (entity type, attribute holding its id)
_TABLES: dict[str, tuple[Any, str]] = {
    "products": (Product, "product_id"),
    "orders": (Order, "order_id"),
    "returns": (Return, "return_id"),
    "reports": (WarehouseReport, "report_id"),
    "refunds": (RefundTransaction, "refund_id"),
    "exchanges": (ExchangeOrder, "exchange_id"),
}
_MERCHANT_FIELDS = frozenset({"apiKey", "settings", "sequences", "eventSequence", *_TABLES})
# Entities per orjson call: large enough that the call costs nothing, small enough
# that a batch of dicts is a few hundred KB.
_BATCH = 512


# -- writing ----------------------------------------------------------------------


def encode_state(
    state: State, merchant_key: str | None = None, tail: bytes = b""
) -> Iterator[bytes | memoryview]:
    """The snapshot of every merchant (or of one), in pieces; ``tail`` goes after the
    merchants (more top-level fields: ``,"server":{...}``)."""
    keys = [merchant_key] if merchant_key is not None else list(state.merchants)
    yield b'{"version":%d,"merchants":[' % SNAPSHOT_VERSION
    first = True
    try:
        for key in keys:
            merchant = state.merchants.get(key)
            if merchant is None:
                continue
            if not first:
                yield b","
            first = False
            yield from _encode_merchant(merchant)
    finally:
        forget_instants()
    yield b"]" + tail + b"}"


def _encode_merchant(m: Merchant) -> Iterator[bytes | memoryview]:
    head = {
        "apiKey": m.key,
        "settings": dumper(MerchantSettings)(m.settings),
        "sequences": m.ids.peek(),
        "eventSequence": m.event_seq,
    }
    yield dumps(head)[:-1]
    for name, (kind, _) in _TABLES.items():
        yield b',"%s":[' % name.encode()
        dump = dumper(kind)
        entities = list(getattr(m, name).values())
        for start in range(0, len(entities), _BATCH):
            batch = [dump(entity) for entity in entities[start : start + _BATCH]]
            text = dumps(batch)  # (jsonio's: amounts in free-form fields too)
            yield memoryview(text)[1:-1]  # the items, without the brackets
            if start + _BATCH < len(entities):
                yield b","
        yield b"]"
    yield b"}"


def export_state(state: State, merchant_key: str | None = None) -> dict[str, Any]:
    """The snapshot as JSON-ready data (amounts as ``Decimal``), as ``import_state``
    takes it."""
    data: dict[str, Any] = loads(b"".join(encode_state(state, merchant_key)))
    return data


# -- reading ----------------------------------------------------------------------


def import_state(state: State, data: Any, replace: bool = False) -> list[str]:
    """Load merchants from snapshot data (``export_state``'s); all or nothing.
    Returns the keys loaded."""
    return install(state, merchants_from_data(state, data), replace)


def install(state: State, merchants: list[Merchant], replace: bool = False) -> list[str]:
    """Put merchants read from a snapshot in the state (with ``replace``, instead of
    every merchant it held)."""
    if replace:
        state.merchants.clear()
    for merchant in merchants:
        state.merchants[merchant.key] = merchant
    return [m.key for m in merchants]


def merchants_from_data(state: State, data: Any) -> list[Merchant]:
    """The merchants of snapshot data (``export_state``'s), checked, not installed."""
    shared = Shared()
    version = data.get("version") if isinstance(data, dict) else None
    # true == 1 in Python: a boolean is not a version number
    if isinstance(version, bool) or version != SNAPSHOT_VERSION:
        raise SnapshotError("$.version", f"expected {SNAPSHOT_VERSION}")
    entries = data.get("merchants")
    if not isinstance(entries, list):
        raise SnapshotError("$.merchants", "expected a list", "INVALID_TYPE")
    return [
        _load_merchant(state, entry, f"$.merchants[{i}]", shared) for i, entry in enumerate(entries)
    ]


class _MerchantText(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A merchant of a snapshot's text: its fields found, not yet decoded."""

    api_key: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    settings: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    sequences: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    event_sequence: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    products: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    orders: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    returns: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    reports: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    refunds: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    exchanges: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET


class _DocumentText(msgspec.Struct):
    version: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    merchants: list[_MerchantText] | msgspec.UnsetType = msgspec.UNSET
    server: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_DOCUMENT = msgspec.json.Decoder(_DocumentText)


def read_merchants(state: State, raw: bytes | bytearray) -> tuple[list[Merchant], bytes | None]:
    """The merchants of a snapshot's text, checked, not yet installed; and the text of
    its ``server`` field, if any (the state file's, see ``state_file``). Raises
    ``JsonSyntaxError`` for text that is not JSON, ``SnapshotError`` for a snapshot
    that does not load.

    The fast way finds each entity in the text and reads it alone (see the module's
    doc); a decoder keeps the last value of a key given twice, so the ``":`` in the
    text (one per key as orjson, and most clients, write them) are counted against the
    keys read: more of them in the text means a key given twice (or a ``\\":`` in a
    string), and the exact reader (``jsonio.loads``) then decides, saying which key.
    A space before a colon counts one less: a document that has both that and a
    key given twice could pass for one without (its last value kept, as most readers
    do). What the fast way does not take (a syntax error, an integer past 64 bits)
    goes the exact way too, all of it parsed at once, and so does a snapshot the fast
    way refuses: it may have stopped before counting a key given twice, which the exact
    reader names first (a refused upload is read twice; a good one once).
    """
    try:
        return _read_fast(state, raw)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, _Inexact):
        pass
    except SnapshotError:  # maybe a key given twice before it: the exact way says
        pass
    data = loads(bytes(raw))
    server = data.get("server") if isinstance(data, dict) else None
    merchants = merchants_from_data(state, data)
    return merchants, None if server is None else dumps(server)


class _Inexact(Exception):
    """More keys in the text than were read (or fewer: a space before a colon)."""


def _read_fast(state: State, raw: bytes | bytearray) -> tuple[list[Merchant], bytes | None]:
    document = _DOCUMENT.decode(raw)
    server = None if isinstance(document.server, msgspec.UnsetType) else bytes(document.server)
    shared = Shared()
    decode = msgspec.json.Decoder(float_hook=shared.decimal).decode
    # The keys outside the entities: the document's and each merchant's fields.
    shared.keys += sum(value is not msgspec.UNSET for value in _fields(document))
    version = _decoded(decode, document.version, None)
    if isinstance(version, bool) or version != SNAPSHOT_VERSION:
        raise SnapshotError("$.version", f"expected {SNAPSHOT_VERSION}")
    if isinstance(document.merchants, msgspec.UnsetType):
        raise SnapshotError("$.merchants", "expected a list", "INVALID_TYPE")
    merchants = []
    for index, text in enumerate(document.merchants):
        entry: dict[str, Any] = {}
        for name, value in zip(_MERCHANT_NAMES, _fields(text), strict=True):
            if value is msgspec.UNSET:
                continue
            entry[name] = value if isinstance(value, list) else decode(value)
            shared.keys += 1
        merchants.append(_load_merchant(state, entry, f"$.merchants[{index}]", shared, decode))
    if server is not None:
        shared.keys += server.count(b'":')
    if shared.keys != raw.count(b'":'):
        raise _Inexact
    return merchants, server


_MERCHANT_NAMES = tuple(camel(name) for name in _MerchantText.__struct_fields__)


def _fields(struct: msgspec.Struct) -> tuple[Any, ...]:
    return msgspec.structs.astuple(struct)


def _decoded(decode: Callable[[Any], Any], raw: Any, default: Any) -> Any:
    return default if raw is msgspec.UNSET else decode(raw)


def _load_merchant(
    state: State,
    entry: Any,
    path: str,
    shared: Shared,
    decode: Callable[[Any], Any] | None = None,
) -> Merchant:
    """One merchant from its fields: decoded, except each table's items when read from
    text (``decode`` turns one into what ``loads`` would give)."""
    if not isinstance(entry, dict):
        raise SnapshotError(path, "expected an object", "INVALID_TYPE")
    unknown = [key for key in entry if key not in _MERCHANT_FIELDS]
    if unknown:
        raise SnapshotError(f"{path}.{unknown[0]}", "not a field of a merchant", "UNKNOWN_FIELD")
    if not isinstance(entry.get("apiKey"), str) or not entry["apiKey"].strip():
        raise SnapshotError(f"{path}.apiKey", "expected a non-empty string", "INVALID_TYPE")
    settings = _entity(MerchantSettings, entry.get("settings", {}), f"{path}.settings", shared)
    m = Merchant(entry["apiKey"], state.clock, settings, state.listeners)
    sequences = entry.get("sequences", {})
    if not isinstance(sequences, dict) or not all(isinstance(v, int) for v in sequences.values()):
        raise SnapshotError(f"{path}.sequences", "expected an object of integers", "INVALID_TYPE")
    shared.keys += len(sequences)
    m.ids.restore(sequences)
    event_seq = entry.get("eventSequence", 0)
    if type(event_seq) is not int:
        raise SnapshotError(f"{path}.eventSequence", "expected an integer", "INVALID_TYPE")
    m.event_seq = event_seq
    for name, (kind, id_attribute) in _TABLES.items():
        items = entry.get(name, [])
        if not isinstance(items, list):
            raise SnapshotError(f"{path}.{name}", "expected a list", "INVALID_TYPE")
        _load_table(getattr(m, name), kind, id_attribute, items, f"{path}.{name}", shared, decode)
    _check_consistency(m, path)
    _cover_sequences(m)
    m.rebuild_indexes()
    return m


def _entity(kind: Any, raw: Any, path: str, shared: Shared) -> Any:
    try:
        return loader(kind)(raw, shared)
    except SnapshotError as error:
        raise error.within(path) from None


def _load_table(
    table: dict[str, Any],
    kind: Any,
    id_attribute: str,
    items: list[Any],
    path: str,
    shared: Shared,
    decode: Callable[[Any], Any] | None,
) -> None:
    load = loader(kind)
    for index, item in enumerate(items):
        try:
            entity = load(item if decode is None else decode(item), shared)
        except SnapshotError as error:
            raise error.within(f"{path}[{index}]") from None
        entity_id = getattr(entity, id_attribute)
        if entity_id in table:
            raise SnapshotError(
                f"{path}[{index}].{camel(id_attribute)}",
                f"'{entity_id}' is listed twice",
                "DUPLICATE_ID",
            )
        table[entity_id] = entity


# -- consistency: what the domain takes for granted -----------------------------

_STATUSES: dict[str, list[str]] = {
    table: [str(status.value) for status in statuses]
    for table, statuses in (
        ("returns", ReturnStatus),
        ("reports", ReportStatus),
        ("refunds", RefundStatus),
        ("exchanges", ExchangeStatus),
    )
}


def _check_consistency(m: Merchant, path: str) -> None:
    """Every status is one of its kind's and every id points at an entity that exists,
    so the calls made after an import do not trip over a dangling reference. (Paths
    and messages are made only for what fails: this runs for every entity loaded.)"""

    def fail(table: str, index: int, field: str, message: str, code: str) -> SnapshotError:
        return SnapshotError(f"{path}.{table}[{index}].{field}", message, code)

    def missing(table: str, index: int, field: str, kind: str, value: str) -> SnapshotError:
        message = f"no {kind} '{value}' in this merchant"
        return fail(table, index, field, message, "UNKNOWN_REFERENCE")

    for table, values in _STATUSES.items():
        allowed = frozenset(values)
        for index, entity in enumerate(getattr(m, table).values()):
            if entity.status not in allowed:
                message = f"'{entity.status}' is not one of {', '.join(values)}"
                raise fail(table, index, "status", message, "INVALID_ENUM")
    for index, product in enumerate(m.products.values()):
        for key, variant in product.variants.items():
            if key != variant.variant_id:
                message = f"keyed '{key}' but its variantId is '{variant.variant_id}'"
                raise fail("products", index, f"variants.{key}", message, "ID_MISMATCH")
    for index, order in enumerate(m.orders.values()):
        for key, line in order.line_items.items():
            if key != line.line_item_id:
                message = f"keyed '{key}' but its lineItemId is '{line.line_item_id}'"
                raise fail("orders", index, f"lineItems.{key}", message, "ID_MISMATCH")
            owner = m.products.get(line.product_id)
            if owner is None:
                field = f"lineItems.{key}.productId"
                raise missing("orders", index, field, "product", line.product_id)
            if line.variant_id not in owner.variants:
                field = f"lineItems.{key}.variantId"
                raise missing("orders", index, field, "variant", line.variant_id)
    for index, ret in enumerate(m.returns.values()):
        bought = m.orders.get(ret.order_id)
        if bought is None:
            raise missing("returns", index, "orderId", "order", ret.order_id)
        for i, item in enumerate(ret.items):
            if item.order_line_item_id not in bought.line_items:
                message = f"order '{ret.order_id}' has no line item '{item.order_line_item_id}'"
                field = f"items[{i}].orderLineItemId"
                raise fail("returns", index, field, message, "UNKNOWN_REFERENCE")
        if ret.report_id is not None and ret.report_id not in m.reports:
            raise missing("returns", index, "reportId", "warehouse report", ret.report_id)
        for i, refund_id in enumerate(ret.refund_ids):
            if refund_id not in m.refunds:
                field = f"refundIds[{i}]"
                raise missing("returns", index, field, "refund transaction", refund_id)
        for i, exchange_id in enumerate(ret.exchange_ids):
            if exchange_id not in m.exchanges:
                raise missing("returns", index, f"exchangeIds[{i}]", "exchange", exchange_id)
    for table in ("reports", "refunds", "exchanges"):
        for index, entity in enumerate(getattr(m, table).values()):
            if entity.return_id not in m.returns:
                raise missing(table, index, "returnId", "return", entity.return_id)
            if entity.order_id not in m.orders:
                raise missing(table, index, "orderId", "order", entity.order_id)


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
