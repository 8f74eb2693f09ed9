"""The snapshot's writer (``encode_state``: generated code per entity class, histories
from a text per shape, instants' and amounts' texts kept) writes exactly what a plain
walk of the entities' fields gives, for every entity kind and every status, and a
change made after a save is in the next save."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import orjson

from mock_ingrid.clock import FrozenClock
from mock_ingrid.domain.lifecycle import (
    ExchangeStatus,
    RefundStatus,
    ReportStatus,
    ReturnStatus,
    Transition,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ItemStatus, Reason, ReturnItem
from mock_ingrid.entity_codec import camel
from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.money import wire
from mock_ingrid.snapshot import SNAPSHOT_VERSION, encode_state
from mock_ingrid.store import State
from tests.builders import new_state

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo-shop.json"
TABLES = {
    "products": None,
    "orders": None,
    "returns": ReturnStatus,
    "reports": ReportStatus,
    "refunds": RefundStatus,
    "exchanges": ExchangeStatus,
}


def _plain(value: Any) -> Any:
    """The format, from the fields as they read (``history`` as ``StatusChange``s)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return orjson.Fragment(wire(value))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value  # str, int, bool, None, datetime (orjson writes it, UTC with a Z)


def _reference(state: State) -> bytes:
    merchants = [
        {
            "apiKey": m.key,
            "settings": _plain(m.settings),
            "sequences": m.ids.peek(),
            "eventSequence": m.event_seq,
        }
        | {table: [_plain(entity) for entity in getattr(m, table).values()] for table in TABLES}
        for m in state.merchants.values()
    ]
    document = {"version": SNAPSHOT_VERSION, "merchants": merchants}
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


def _every_status() -> State:
    """The demo shop, and a copy of one entity of each kind in each of its statuses,
    its history one change longer (at its creation, then at instants of its own), and
    return items in every item status, with and without a reason."""
    state = new_state()
    load_fixture_paths(state, [DEMO])
    m = state.merchant("demo-key")
    later = next(iter(m.returns.values())).created_at
    for table, statuses in TABLES.items():
        entities: dict[str, Any] = getattr(m, table)
        model = next(iter(entities.values()))
        id_field = dataclasses.fields(model)[0].name
        for n, status in enumerate(statuses or ()):
            copied = dataclasses.replace(model, **{id_field: f"{table}-{status}"})
            later += timedelta(seconds=1, microseconds=n)
            at = copied.created_at if n % 2 else later
            copied.record_change(Transition(f"to-{status}", copied.status, str(status)), at)
            copied.status = str(status)
            entities[getattr(copied, id_field)] = copied
    ret = m.returns[f"returns-{ReturnStatus.PENDING}"]
    reason = Reason("SIZE", "Too small", "S", "Sub")
    ret.items = (
        *(ReturnItem(f"item-{s}", "A", 1, status=s, received_at=later) for s in ItemStatus),
        ReturnItem("with-reason", "A", 1, reason=reason),
    )
    return state


def _written(state: State) -> bytes:
    return b"".join(encode_state(state))


def test_the_writer_writes_what_a_plain_walk_of_the_fields_gives() -> None:
    state = _every_status()
    m = state.merchant("demo-key")
    for table, statuses in TABLES.items():  # (what the state holds)
        found = {getattr(entity, "status", None) for entity in getattr(m, table).values()}
        assert {str(status) for status in statuses or ()} <= found
    assert _written(state) == _reference(state)
    assert _written(state) == _reference(state)  # the texts kept from the first


def test_a_change_after_a_save_is_in_the_next_save() -> None:
    state = _every_status()
    before = _written(state)
    m: Merchant = state.merchant("demo-key")
    ret = m.returns[f"returns-{ReturnStatus.CONFIRMED}"]
    assert isinstance(m.clock, FrozenClock)
    m.clock.advance(timedelta(minutes=5))
    m.move("return", ret, ret.return_id, ret.return_id, "cancel")
    ret.updated_at = m.now()
    ret.items[0].comment = "changed"
    refund = m.refunds[f"refunds-{RefundStatus.PENDING}"]
    refund.refunded_amount = Decimal("12.50")
    after = _written(state)
    assert after != before
    assert after == _reference(state)
    assert b'"changed"' in after and b'"refundedAmount":12.5' in after
    instant = orjson.dumps(m.now(), option=orjson.OPT_UTC_Z)
    assert b'"event":"cancel","source":"CONFIRMED","target":"CANCELLED","at":' + instant in after


def test_instants_are_written_in_utc_with_a_z() -> None:
    state = _every_status()
    text = _written(state)
    stamps = {
        at
        for merchant in orjson.loads(text)["merchants"]
        for ret in merchant["returns"]
        for at in [ret["createdAt"], *(change["at"] for change in ret["history"])]
    }
    assert stamps and all(at.endswith("Z") for at in stamps)
    assert all(datetime.fromisoformat(at) for at in stamps)
