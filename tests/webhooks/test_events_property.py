"""For any sequence of lifecycle operations, each webhook fires once per transition
that defines it, and never otherwise.

The oracle is the entities' own status histories, read against the triggers as
the sources state them (not the domain's table): a return entering PENDING is
RETURN_CREATED, and so on.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ingrid.domain import returns, settlement, warehouse
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.errors import DomainError
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import ReportAction, ReportProcessing
from mock_ingrid.runtime import Runtime
from tests.webhooks import world

# (entity table, status entered) -> webhook, as the two sources describe them.
SPEC = {
    ("returns", "PENDING"): "RETURN_CREATED",
    ("reports", "PROCESSING"): "RETURN_ARRIVED",
    ("returns", "COMPLETED"): "RETURN_COMPLETED",
    ("refunds", "AWAITING_EXTERNAL_REFUND"): "REFUND_PENDING_EXTERNAL",
    ("exchanges", "AWAITING_EXTERNAL_HANDLING"): "EXCHANGE_PENDING_EXTERNAL",
}

Op = Callable[[Merchant], Any]


def _nth(table: dict[str, Any], index: int) -> Any:
    values = list(table.values())
    return values[index % len(values)] if values else None


def on_return(action: Callable[[Merchant, str], Any]) -> Callable[[int], Op]:
    def build(index: int) -> Op:
        def run(m: Merchant) -> None:
            ret = _nth(m.returns, index)
            if ret is not None:
                action(m, ret.return_id)

        return run

    return build


def create(line: str, quantity: int, exchange: bool) -> Op:
    return lambda m: world.open_return(m, line, quantity, exchange)


def report(index: int, approvals: list[bool], manual: bool) -> Op:
    def run(m: Merchant) -> None:
        ret = _nth(m.returns, index)
        if ret is None:
            return
        items = [
            ReportItemInput(
                item.quantity,
                ReportAction.APPROVED if ok else ReportAction.DENIED,
                return_item_id=item.return_item_id,
            )
            for item, ok in zip(ret.items, approvals, strict=False)
        ]
        processing = (
            ReportProcessing.MANUAL_REVIEW if manual else ReportProcessing.PROCESS_IMMEDIATELY
        )
        warehouse.submit_report(
            m, ReportInput(items, return_id=ret.return_id, processing=processing)
        )

    return run


def on_table(table: str, action: Callable[[Merchant, Any], Any]) -> Callable[[int], Op]:
    def build(index: int) -> Op:
        def run(m: Merchant) -> None:
            entity = _nth(getattr(m, table), index)
            if entity is not None:
                action(m, entity)

        return run

    return build


def _complete_refund(m: Merchant, refund: Any) -> None:
    settlement.complete_refund(m, refund.refund_id, refund.total_amount, "SEK", "ch_1")


def create_and_inspect(line: str, exchange: bool, approved: bool) -> Op:
    """The common path in one step, so that sequences reach settlement often."""
    return lambda m: world.inspect(m, world.open_return(m, line, 1, exchange), approved)


index = st.integers(0, 5)
mostly_false = st.sampled_from([False, False, True])
mostly_true = st.sampled_from([True, True, False])
operations = st.one_of(
    st.builds(create, st.sampled_from(["L1", "L2"]), st.integers(1, 2), mostly_false),
    st.builds(create_and_inspect, st.sampled_from(["L1", "L2"]), st.booleans(), mostly_true),
    st.builds(on_return(returns.confirm_return), index),
    st.builds(on_return(lambda m, r: returns.mark_label_ready(m, r)), index),
    st.builds(on_return(returns.scan_in_transit), index),
    st.builds(on_return(returns.deliver_to_warehouse), index),
    st.builds(on_return(returns.cancel_return), index),
    st.builds(on_return(returns.lose_in_transit), index),
    st.builds(
        on_return(
            lambda m, r: returns.mark_no_return_needed(m, r, [m.returns[r].items[0].return_item_id])
        ),
        index,
    ),
    st.builds(report, index, st.lists(mostly_true, min_size=1, max_size=2), mostly_false),
    st.builds(on_table("reports", lambda m, r: warehouse.approve_review(m, r.report_id)), index),
    st.builds(on_table("reports", lambda m, r: warehouse.reject_review(m, r.report_id)), index),
    st.builds(on_table("refunds", _complete_refund), index),
    st.builds(on_table("refunds", lambda m, r: settlement.fail_refund(m, r.refund_id)), index),
    st.builds(on_table("refunds", lambda m, r: settlement.retry_refund(m, r.refund_id)), index),
    st.builds(
        on_table(
            "exchanges",
            lambda m, e: settlement.complete_exchange(m, e.exchange_id, "X-1", None, None),
        ),
        index,
    ),
    st.builds(
        on_table("exchanges", lambda m, e: settlement.cancel_exchange(m, e.exchange_id)), index
    ),
)


def expected_from_histories(m: Merchant) -> Counter[tuple[str, str]]:
    expected: Counter[tuple[str, str]] = Counter()
    for (table, status), webhook in SPEC.items():
        for entity_id, entity in getattr(m, table).items():
            entered = sum(1 for change in entity.history if change.target == status)
            if entered:
                expected[(webhook, entity_id)] += entered
    return expected


def fired(rt: Runtime) -> Counter[tuple[str, str]]:
    return Counter((msg.event_type, msg.entity_id) for msg in rt.webhooks.outbox.messages.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(operations, max_size=40))
def test_each_webhook_fires_once_per_defining_transition(ops: list[Op]) -> None:
    rt = world.runtime(webhook_urls=("http://127.0.0.1:9/hooks",))
    m = rt.state.merchant(world.KEY)
    world.stock(m)
    for op in ops:
        with contextlib.suppress(DomainError):  # refused: changes nothing, fires nothing
            op(m)
    assert fired(rt) == expected_from_histories(m)
    # One delivery per event to the one subscription: the outbox neither drops nor doubles.
    deliveries = Counter(d.message.message_id for d in rt.webhooks.outbox.deliveries.values())
    assert deliveries == Counter(rt.webhooks.outbox.messages.keys())
