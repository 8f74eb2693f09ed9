"""The transition tables, and the domain operations that drive every transition."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput, ReturnItemInput
from mock_ingrid.domain.errors import InvalidTransition
from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.domain.lifecycle import (
    CREATED,
    EXCHANGE_LIFECYCLE,
    LIFECYCLES,
    REFUND_LIFECYCLE,
    RETURN_LIFECYCLE,
    ExchangeStatus,
    Lifecycle,
    RefundStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction, ReportProcessing
from mock_ingrid.store import State
from tests.builders import merchant, order, return_of

ALL_TRANSITIONS = [
    (kind, t) for kind, lifecycle in LIFECYCLES.items() for t in lifecycle.transitions
]


@pytest.mark.parametrize(
    ("kind", "transition"),
    ALL_TRANSITIONS,
    ids=[f"{k}:{t.event}:{t.source}->{t.target}" for k, t in ALL_TRANSITIONS],
)
def test_every_declared_transition_is_allowed(kind: str, transition: object) -> None:
    lifecycle = LIFECYCLES[kind]
    t = transition
    assert lifecycle.target("x", t.source, t.event) == t.target  # type: ignore[attr-defined]


def test_the_vocabularies_are_exactly_the_documented_ones() -> None:
    assert RETURN_LIFECYCLE.states == set(ReturnStatus)
    assert REFUND_LIFECYCLE.states == set(RefundStatus)
    assert EXCHANGE_LIFECYCLE.states == set(ExchangeStatus)


REFUSED = [
    (RETURN_LIFECYCLE, ReturnStatus.RECEIVED, "cancel"),
    (RETURN_LIFECYCLE, ReturnStatus.REFUND_PENDING, "cancel"),
    (RETURN_LIFECYCLE, ReturnStatus.COMPLETED, "cancel"),
    (RETURN_LIFECYCLE, ReturnStatus.CANCELLED, "confirm"),
    (RETURN_LIFECYCLE, ReturnStatus.PENDING, "scan_in_transit"),
    (RETURN_LIFECYCLE, ReturnStatus.CONFIRMED, "lose_in_transit"),
    (RETURN_LIFECYCLE, ReturnStatus.COMPLETED, "receive"),
    (REFUND_LIFECYCLE, RefundStatus.SUCCESS, "complete"),
    (REFUND_LIFECYCLE, RefundStatus.PENDING, "complete"),
    (REFUND_LIFECYCLE, RefundStatus.SUCCESS, "fail"),
    (EXCHANGE_LIFECYCLE, ExchangeStatus.COMPLETED, "complete"),
    (EXCHANGE_LIFECYCLE, ExchangeStatus.CANCELLED, "complete"),
    (EXCHANGE_LIFECYCLE, ExchangeStatus.PENDING, "complete"),
]


@pytest.mark.parametrize(("lifecycle", "status", "event"), REFUSED)
def test_refused_transitions_name_entity_status_and_what_is_allowed(
    lifecycle: Lifecycle, status: str, event: str
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        lifecycle.target("42", status, event)
    error = caught.value
    assert error.entity == lifecycle.entity
    assert error.status == status
    assert f"{lifecycle.entity} '42'" in error.message
    assert f"it is {status}" in error.message
    expected = [f"{t.event} (-> {t.target})" for t in lifecycle.allowed_from(status)]
    assert list(error.allowed) == expected
    for option in expected:
        assert option in error.message


def _report(m: Merchant, return_id: str, *actions: ReportAction, manual: bool = False) -> None:
    ret = m.returns[return_id]
    warehouse.submit_report(
        m,
        ReportInput(
            [
                ReportItemInput(item.quantity, action, return_item_id=item.return_item_id)
                for item, action in zip(ret.items, actions, strict=False)
            ],
            return_id=return_id,
            processing=ReportProcessing.MANUAL_REVIEW
            if manual
            else ReportProcessing.PROCESS_IMMEDIATELY,
        ),
    )


def _flows() -> list[Callable[[Merchant], None]]:
    def happy(m: Merchant) -> None:
        ret = return_of(m)
        returns.mark_label_ready(m, ret.return_id)
        returns.scan_in_transit(m, ret.return_id)
        _report(m, ret.return_id, ReportAction.APPROVED)
        settlement.complete_refund(m, ret.refund_ids[0], Decimal(299), "SEK", "tx-1")

    def pending_cancel(m: Merchant) -> None:
        m.settings.auto_confirm_returns = False
        returns.cancel_return(m, return_of(m).return_id)

    def each_status_cancels(m: Merchant) -> None:
        m.settings.auto_confirm_returns = False
        first = return_of(m, L1=1)
        returns.confirm_return(m, first.return_id)
        returns.cancel_return(m, first.return_id)
        second = return_of(m, L1=1)
        returns.confirm_return(m, second.return_id)
        returns.mark_label_ready(m, second.return_id)
        returns.cancel_return(m, second.return_id)
        third = return_of(m, L1=1)
        returns.confirm_return(m, third.return_id)
        returns.mark_label_ready(m, third.return_id)
        returns.scan_in_transit(m, third.return_id)
        returns.cancel_return(m, third.return_id)

    def received_from_each_status(m: Merchant) -> None:
        m.settings.auto_confirm_returns = False
        order(m, "O2", [("A", "TEE-M", "10", 4)])
        pending = return_of(m, "O2", A=1)
        _report(m, pending.return_id, ReportAction.DENIED)
        ready = return_of(m, "O2", A=1)
        returns.confirm_return(m, ready.return_id)
        returns.mark_label_ready(m, ready.return_id)
        _report(m, ready.return_id, ReportAction.DENIED)
        delivered = return_of(m, "O2", A=1)
        returns.confirm_return(m, delivered.return_id)
        returns.mark_label_ready(m, delivered.return_id)
        returns.scan_in_transit(m, delivered.return_id)
        returns.deliver_to_warehouse(m, delivered.return_id)
        _report(m, delivered.return_id, ReportAction.APPROVED, manual=True)
        warehouse.reject_review(m, m.returns[delivered.return_id].report_id or "")

    def lost_and_failed_refund(m: Merchant) -> None:
        ret = return_of(m)
        returns.mark_label_ready(m, ret.return_id)
        returns.scan_in_transit(m, ret.return_id)
        returns.lose_in_transit(m, ret.return_id)
        settlement.fail_refund(m, ret.refund_ids[0])
        settlement.retry_refund(m, ret.refund_ids[0])

    def kept_items(m: Merchant) -> None:
        m.settings.auto_confirm_returns = False
        order(m, "O5", [("A", "TEE-M", "10", 4)])
        steps = [returns.confirm_return, returns.mark_label_ready, returns.scan_in_transit]
        for reached in range(len(steps) + 1):
            ret = return_of(m, "O5", A=1)
            for step in steps[:reached]:
                step(m, ret.return_id)
            returns.mark_no_return_needed(m, ret.return_id, [ret.items[0].return_item_id])

    def exchanges(m: Merchant) -> None:
        order(m, "O3", [("A", "TEE-M", "10", 2)])
        for completes in (True, False):
            ret = returns.create_return(
                m,
                "O3",
                [
                    ReturnItemInput(
                        "A", 1, exchange_to_product_id="TEE", exchange_to_variant_id="TEE-L"
                    )
                ],
            )
            _report(m, ret.return_id, ReportAction.APPROVED, manual=True)
            warehouse.approve_review(m, ret.report_id or "")
            if completes:
                settlement.complete_exchange(m, ret.exchange_ids[0], "NEW-1", "#1", None)
            else:
                settlement.cancel_exchange(m, ret.exchange_ids[0])

    return [
        happy,
        pending_cancel,
        each_status_cancels,
        received_from_each_status,
        lost_and_failed_refund,
        kept_items,
        exchanges,
    ]


def test_every_declared_transition_is_reached_by_a_domain_operation() -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for flow in _flows():
        m = merchant()
        order(m)
        events: list[DomainEvent] = []
        m.rebind([events.append])
        flow(m)
        seen |= {(e.entity, e.event, e.source, e.target) for e in events}
    declared = {(kind, t.event, t.source, t.target) for kind, t in ALL_TRANSITIONS}
    assert declared - seen == set(), "declared transitions no domain operation reached"
    assert seen - declared == set(), "transitions outside the tables"


def test_created_is_only_a_source() -> None:
    for lifecycle in LIFECYCLES.values():
        assert all(t.target != CREATED for t in lifecycle.transitions)


def test_the_status_index_always_agrees_with_a_scan() -> None:
    from mock_ingrid.snapshot import export_state, import_state
    from tests.builders import new_state

    for flow in _flows():
        m = merchant()
        order(m)
        flow(m)
        restored_state = new_state()
        import_state(restored_state, export_state(_state_of(m)))
        for world in (m, restored_state.merchants[m.key]):
            for status in ReturnStatus:
                expected = [r for r in world.returns.values() if r.status == status]
                assert list(world.returns_in(status)) == expected
            for status in RefundStatus:
                expected_refunds = [t for t in world.refunds.values() if t.status == status]
                assert list(world.refunds_in(status)) == expected_refunds
            for status in ExchangeStatus:
                expected_exchanges = [e for e in world.exchanges.values() if e.status == status]
                assert list(world.exchanges_in(status)) == expected_exchanges


def _state_of(m: Merchant) -> State:
    from tests.builders import new_state

    state = new_state()
    state.merchants[m.key] = m
    return state
