"""Progression policies, timers on the runtime's clock, and advancing a return to a status:
both take the steps of one table (domain/next_steps.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mock_ingrid.clock import ControlledClock
from mock_ingrid.domain import returns, warehouse
from mock_ingrid.domain.advance import advance_return, path_to
from mock_ingrid.domain.commands import ReportInput, ReportItemInput, ReturnItemInput
from mock_ingrid.domain.errors import InvalidTransition
from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.domain.lifecycle import LIFECYCLES
from mock_ingrid.domain.model import ReportAction, ReportProcessing, Return
from mock_ingrid.domain.next_steps import NEXT_STEPS
from mock_ingrid.progression import (
    KINDS,
    Policy,
    PolicyError,
    Progression,
    format_duration,
    parse_assignment,
    parse_duration,
    parse_policy,
)
from mock_ingrid.snapshot import export_state
from mock_ingrid.store import State
from mock_ingrid.timers import Timers
from tests.builders import T0, merchant, new_state, order, return_of


def test_durations_and_policies_parse_and_print() -> None:
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("250ms") == timedelta(milliseconds=250)
    assert format_duration(timedelta(hours=2)) == "2h"
    assert str(parse_policy("after:90s")) == "after:90s"
    assert parse_policy("immediate") == Policy("immediate")
    assert parse_assignment("refund=manual") == ("refund", Policy("manual"))
    for bad in ("after:soon", "sometimes", "after:"):
        with pytest.raises(PolicyError):
            parse_policy(bad)
    with pytest.raises(PolicyError):
        parse_assignment("parcel=immediate")


def test_timers_run_in_due_order_and_only_when_due() -> None:
    timers, ran = Timers(), []
    timers.schedule(T0 + timedelta(hours=2), "b", lambda: ran.append("b"))
    timers.schedule(T0 + timedelta(hours=1), "a", lambda: ran.append("a"))
    timers.schedule(T0 + timedelta(hours=3), "c", lambda: ran.append("c"))
    timers.cancel("c")
    assert timers.run_due(T0) == 0
    assert timers.run_due(T0 + timedelta(hours=5)) == 2
    assert ran == ["a", "b"]
    assert len(timers) == 0


def _world() -> tuple[State, ControlledClock, Timers, Progression]:
    clock = ControlledClock(T0)
    state = State(clock)
    timers = Timers()
    return state, clock, timers, Progression(state, timers)


def test_an_after_policy_walks_a_return_hands_free() -> None:
    state, clock, timers, progression = _world()
    progression.set_policy("return", parse_policy("after:1h"))
    m = merchant(state)
    order(m)
    ret = return_of(m)
    seen = []
    for _ in range(4):
        clock.advance(timedelta(hours=1))
        timers.run_due(clock.now())
        seen.append(ret.status)
    assert seen == ["READY", "IN_TRANSIT", "RECEIVED", "REFUND_PENDING"]
    assert len(ret.refund_ids) == 1


def test_immediate_policies_settle_refunds_and_reviews_at_once() -> None:
    state, clock, timers, progression = _world()
    for kind in ("report", "refund"):
        progression.set_policy(kind, Policy("immediate"))
    m = merchant(state)
    order(m)
    ret = return_of(m)
    warehouse.submit_report(
        m,
        ReportInput(
            [ReportItemInput(1, ReportAction.APPROVED, sku="TS-M")],
            return_id=ret.return_id,
            processing=ReportProcessing.MANUAL_REVIEW,
        ),
    )
    assert ret.status == "RECEIVED"
    timers.run_due(clock.now())
    assert ret.status == "COMPLETED"


def test_manual_is_the_default_and_a_step_made_by_hand_cancels_nothing_it_should_not() -> None:
    state, clock, timers, progression = _world()
    m = merchant(state)
    order(m)
    return_of(m)
    assert len(timers) == 0
    progression.set_policy("return", parse_policy("after:1h"))
    ret = return_of(m, L1=1)
    returns.cancel_return(m, ret.return_id)  # moved on by hand before the timer
    clock.advance(timedelta(hours=2))
    timers.run_due(clock.now())
    assert ret.status == "CANCELLED"


def test_advance_takes_the_happy_path_and_fires_every_event() -> None:
    m = merchant()
    order(m)
    m.settings.auto_confirm_returns = False
    ret = return_of(m)
    events: list[DomainEvent] = []
    m.rebind([events.append])
    advance_return(m, ret.return_id, "COMPLETED")
    assert ret.status == "COMPLETED"
    return_path = [(e.source, e.target) for e in events if e.entity == "return"]
    assert return_path == [
        ("PENDING", "CONFIRMED"),
        ("CONFIRMED", "READY"),
        ("READY", "IN_TRANSIT"),
        ("IN_TRANSIT", "RECEIVED"),
        ("RECEIVED", "REFUND_PENDING"),
        ("REFUND_PENDING", "COMPLETED"),
    ]
    webhooks = [e.webhook for e in events if e.webhook]
    assert webhooks == ["RETURN_ARRIVED", "REFUND_PENDING_EXTERNAL", "RETURN_COMPLETED"]


def test_advance_refuses_a_status_behind_it() -> None:
    m = merchant()
    order(m)
    ret = return_of(m)
    advance_return(m, ret.return_id, "IN_TRANSIT")
    with pytest.raises(InvalidTransition) as caught:
        advance_return(m, ret.return_id, "CONFIRMED")
    assert "no path leads from IN_TRANSIT to CONFIRMED" in caught.value.message
    assert "RECEIVED" in caught.value.message
    assert path_to("CANCELLED", "PENDING") is None


def test_every_next_step_is_a_transition_of_its_lifecycle() -> None:
    for (kind, source), step in NEXT_STEPS.items():
        assert (kind, source) == (step.kind, step.source)
        assert any(
            (t.source, t.target) == (source, step.target) for t in LIFECYCLES[kind].transitions
        ), f"{kind}: no transition {source} -> {step.target}"


def _refund_and_exchange(state: State) -> Return:
    """One unit refunded, one exchanged; after a cancelled return, so that the return's
    id is not its exchange's."""
    m = merchant(state)
    order(m)
    returns.cancel_return(m, return_of(m).return_id)
    exchanged = ReturnItemInput(
        "L1", 1, exchange_to_product_id="TEE", exchange_to_variant_id="TEE-L"
    )
    return returns.create_return(m, "O1", [ReturnItemInput("L1", 1), exchanged])


def test_the_policies_and_advance_take_the_same_steps() -> None:
    """Both read domain/next_steps.py: every kind moving at once by itself ends where
    advancing to COMPLETED does, with the same data and events."""
    advanced = new_state()
    ret = _refund_and_exchange(advanced)
    advance_return(advanced.merchant("m1"), ret.return_id, "COMPLETED")
    state, clock, timers, progression = _world()
    for kind in KINDS:
        progression.set_policy(kind, Policy("immediate"))
    moved = _refund_and_exchange(state)
    timers.run_due(clock.now())
    assert moved.status == "COMPLETED"
    assert export_state(state) == export_state(advanced)
    exchange = state.merchant("m1").exchanges[moved.exchange_ids[0]]
    assert exchange.completed_order_id == f"EXCHANGE-{exchange.exchange_id}"
