"""How the domain keeps its data small: one instant per operation, flat histories, shared
amounts and ids. What it shows must not change."""

from __future__ import annotations

import copy
import gc
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mock_ingrid import runtime as runtime_module
from mock_ingrid.clock import ControlledClock
from mock_ingrid.domain import returns, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput, ReturnItemInput
from mock_ingrid.domain.errors import NotFound
from mock_ingrid.domain.lifecycle import CREATED, ReturnStatus
from mock_ingrid.domain.model import ReportAction, Return, StatusChange
from mock_ingrid.ids import IdFactory
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.snapshot import export_state, import_state
from mock_ingrid.store import State
from tests.builders import merchant, order


def test_one_operation_stamps_one_instant_even_on_a_running_clock() -> None:
    state = State(ControlledClock())  # wall time: every read of it differs
    m = merchant(state)
    order(m)
    ret = returns.create_return(m, "O1", [ReturnItemInput("L1", 1)])  # create, then confirm
    assert ret.status == ReturnStatus.CONFIRMED
    stamps = {ret.created_at, ret.updated_at, *(c.at for c in ret.history)}
    assert ret.shipment is not None
    stamps.add(ret.shipment.booked_at)
    assert len(stamps) == 1
    later = warehouse.submit_report(
        m, ReportInput([ReportItemInput(1, ReportAction.APPROVED, order_line_item_id="L1")], "1")
    )
    assert later.created_at > ret.created_at  # the next operation reads the clock again
    assert ret.updated_at == later.created_at == m.refunds["1"].created_at
    assert m._instant is None


def test_an_operation_that_fails_leaves_no_instant_behind() -> None:
    state = State(ControlledClock())
    m = merchant(state)
    with pytest.raises(NotFound):
        returns.create_return(m, "NO-SUCH-ORDER", [ReturnItemInput("L1", 1)])
    assert m._instant is None


def test_the_history_reads_as_status_changes_and_shares_transitions() -> None:
    m = merchant()
    order(m)
    ret = returns.create_return(m, "O1", [ReturnItemInput("L1", 1)])
    assert [(c.event, c.source, c.target) for c in ret.history] == [
        ("create", CREATED, ReturnStatus.PENDING),
        ("confirm", ReturnStatus.PENDING, ReturnStatus.CONFIRMED),
    ]
    assert all(isinstance(c, StatusChange) for c in ret.history)
    order(m, "O2")
    other = returns.create_return(m, "O2", [ReturnItemInput("L1", 1)])
    stored = Return._history_slot.__get__  # the flat tuple behind ``history``
    assert stored(ret)[0] is stored(other)[0]  # one shared transition object
    assert copy.deepcopy(ret).history == ret.history
    rebuilt = Return(**{**{f: getattr(ret, f) for f in Return.__slots__}})
    assert rebuilt == ret and rebuilt.history == ret.history


def test_snapshots_still_carry_the_history_and_round_trip() -> None:
    m = merchant()
    order(m)
    returns.create_return(m, "O1", [ReturnItemInput("L1", 1)])
    exported = export_state(m_state := _state_of(m))
    history = exported["merchants"][0]["returns"][0]["history"]
    assert [h["event"] for h in history] == ["create", "confirm"]
    assert set(history[0]) == {"event", "source", "target", "at"}
    restored = State(m_state.clock)
    import_state(restored, exported)
    assert export_state(restored) == exported


def _state_of(m: object) -> State:
    state = State(m.clock)  # type: ignore[attr-defined]
    state.merchants[m.key] = m  # type: ignore[attr-defined,assignment]
    return state


def test_amounts_are_shared_by_exact_text() -> None:
    m = merchant()
    a, b = Decimal("299"), Decimal("299")
    assert a is not b
    assert m.amount(a) is m.amount(b) is a
    assert str(m.amount(Decimal("299.00"))) == "299.00"  # equal, but not the same text
    assert m.amount(Decimal("299.00")) is not a


def test_ids_share_one_string_per_number_across_kinds_and_survive_a_restore() -> None:
    ids = IdFactory()
    assert ids.next("return") == "1"
    assert ids.next("refund") is ids.next("return_item") is not None
    assert ids.next("return") == "2"
    ids.restore({"return": 1000, "refund": 2})
    assert ids.next("return") == "1000"
    assert ids.next("refund") == "2"
    assert ids.peek() == {"return": 1001, "refund": 3}


def test_bulk_loads_freeze_the_heap_only_in_a_server_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(runtime_module, "freeze_heap", lambda: frozen.append(1))
    rt = Runtime.build(Settings())
    m = merchant(rt.state)
    order(m)
    data = export_state(rt.state)
    rt.import_snapshot(data, replace=True)
    rt.remember_baseline()
    assert frozen == []  # in-process (tests, the pytest plugin): the host's collector
    rt.freezes_heap = True
    rt.import_snapshot(data, replace=True)
    rt.remember_baseline()
    assert frozen == [1, 1]


def test_frozen_data_is_still_freed_when_dropped() -> None:
    rt = Runtime.build(Settings())
    order(merchant(rt.state))
    gc.collect()
    before = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        rt.reset()  # no baseline: every merchant goes, by reference counting alone
        assert gc.get_freeze_count() < frozen
    finally:
        gc.unfreeze()
    assert before == 0 or before <= frozen


def test_running_clock_stamps_still_move_between_operations() -> None:
    clock = ControlledClock(datetime(2026, 1, 15, tzinfo=UTC))
    m = merchant(State(clock))
    order(m)
    first = returns.create_return(m, "O1", [ReturnItemInput("L1", 1)])
    clock.advance(timedelta(minutes=5))
    returns.cancel_return(m, first.return_id)
    assert first.history[-1].at - first.history[0].at == timedelta(minutes=5)


def test_the_history_is_read_only_and_shares_the_creation_instant() -> None:
    m = merchant(State(ControlledClock()))
    order(m)
    ret = returns.create_return(m, "O1", [ReturnItemInput("L1", 1)])
    with pytest.raises(AttributeError):
        ret.history.append(ret.history[0])  # type: ignore[attr-defined]
    assert Return._history_slot.__get__(ret)[1:] == ()  # both changes at created_at
    assert all(c.at is ret.created_at for c in ret.history)
    restored = State(m.clock)
    exported = export_state(_state_of(m))
    import_state(restored, exported)
    again = restored.merchants[m.key].returns[ret.return_id]
    assert Return._history_slot.__get__(again)[1:] == ()  # equal instants stored once
    assert export_state(restored) == exported


def test_a_server_process_collects_young_objects_less_often() -> None:
    import gc

    from mock_ingrid.runtime import SERVER_GC_THRESHOLD, tune_collector

    before = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_threshold() == (SERVER_GC_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)
