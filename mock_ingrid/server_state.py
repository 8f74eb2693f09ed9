"""What a state file keeps besides the merchants: what users set up, and what is on
its way, so that a restart changes nothing they can see.

The ``server`` field of the state file: the clock (frozen, or its offset from wall
time), the progression policies and the steps they wait for (at their due time),
the fault rules (with what they have done), the subscriptions made through
``/_mock``, every merchant's last ``webhook-id`` number (never lowered, not by a
reset: an id is never sent twice for two events), and the deliveries still pending,
which resume with their ``webhook-id`` and bytes (at least once across restarts).
The request journal, the event log and finished deliveries are history: not kept.

Described once, as msgspec structs: they write the section and check it on load.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

import msgspec

from mock_ingrid.control.faults import FaultRule, FaultSyntaxError, parse_fault_header
from mock_ingrid.progression import KINDS, PolicyError, parse_policy
from mock_ingrid.webhooks.outbox import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Message,
    message_prefix,
)
from mock_ingrid.webhooks.subscriptions import Subscription

if TYPE_CHECKING:
    from mock_ingrid.clock import ControlledClock
    from mock_ingrid.control.diagnostics_state import Diagnostics
    from mock_ingrid.domain.merchant import Merchant
    from mock_ingrid.progression import Progression
    from mock_ingrid.settings import Settings
    from mock_ingrid.store import State
    from mock_ingrid.webhooks.webhooks import Webhooks


class Runtime(Protocol):
    """The parts of a running server (``runtime.Runtime``) a state file saves and
    restores; named here, so that the runtime can own its persistence without an
    import cycle."""

    settings: Settings
    clock: ControlledClock
    state: State
    progression: Progression
    webhooks: Webhooks
    diagnostics: Diagnostics
    forks: bool

    def import_merchants(self, merchants: list[Merchant], replace: bool = False) -> list[str]:
        """Put merchants read from a snapshot in the state."""


Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class _Wire(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    pass


class ClockSetting(_Wire):
    frozen_at: Instant | None
    offset_microseconds: int


class StepState(_Wire):
    due: Instant
    merchant: str
    kind: str
    entity_id: str


class FaultRuleState(_Wire):
    fault_id: str
    fault: str  # in x-mock-fault syntax: "latency=200;status=503"
    path: str
    method: str | None
    merchant: str | None
    times: int | None
    remaining: int | None
    probability: float
    applied: int


class FaultsState(_Wire):
    issued: int
    rules: list[FaultRuleState]


class SubscriptionState(_Wire):
    subscription_id: str
    merchant: str | None
    url: str
    event_types: list[str] | None
    secret: str
    created_at: Instant
    status: Literal["ENABLED", "DISABLED"]
    disabled_reason: str | None


class AttemptState(_Wire):
    number: int
    at: Instant
    timestamp: int
    url: str
    status_code: int | None
    latency_ms: float
    error: str | None
    response_body: str


class DeliveryState(_Wire):
    delivery_id: str
    event_id: str
    merchant: str
    type: str
    return_id: str
    entity_id: str
    triggered_at: Instant
    payload: msgspec.Raw  # the very bytes every attempt sends
    subscription_id: str
    url: str
    secret: str
    created_at: Instant
    resend: bool
    next_attempt_at: Instant
    attempts: list[AttemptState]


class WebhooksState(_Wire):
    numbering: dict[str, int]  # merchant -> last webhook-id number
    deliveries_issued: int
    subscriptions_issued: int
    secrets_drawn: int
    paused: bool
    subscriptions: list[SubscriptionState]
    pending: list[DeliveryState]
    first_number: int = 0  # where a merchant not in ``numbering`` starts


class ServerState(_Wire):
    clock: ClockSetting
    progression: dict[str, str]
    steps: list[StepState]
    faults: FaultsState
    webhooks: WebhooksState


_DECODER = msgspec.json.Decoder(ServerState)


class ServerStateError(ValueError):
    """A ``server`` section that does not load; ``str()`` says where and why."""


# -- saving ---------------------------------------------------------------------------


def capture(runtime: Runtime) -> bytes:
    """The section's JSON, as the state is now."""
    frozen_at, offset = runtime.clock.setting()
    faults = runtime.diagnostics.faults
    hooks = runtime.webhooks
    state = ServerState(
        clock=ClockSetting(
            frozen_at=frozen_at, offset_microseconds=offset // timedelta(microseconds=1)
        ),
        progression={kind: str(policy) for kind, policy in runtime.progression.policies.items()},
        steps=[
            StepState(due=due, merchant=merchant, kind=kind, entity_id=entity_id)
            for due, merchant, kind, entity_id in runtime.progression.pending_steps()
        ],
        faults=FaultsState(
            issued=faults.issued, rules=[_rule_state(rule) for rule in faults.rules.values()]
        ),
        webhooks=WebhooksState(
            numbering=hooks.outbox.numbering(),
            first_number=hooks.outbox.first_number,
            deliveries_issued=hooks.outbox.delivery_number,
            subscriptions_issued=hooks.subscriptions.next_number,
            secrets_drawn=hooks.secrets_drawn,
            paused=hooks.outbox.paused,
            subscriptions=[
                _subscription_state(s) for s in hooks.subscriptions.all() if s.source != "cli"
            ],
            pending=[_delivery_state(d) for d in hooks.outbox.pending()],
        ),
    )
    return msgspec.json.encode(state)


def _rule_state(rule: FaultRule) -> FaultRuleState:
    return FaultRuleState(
        fault_id=rule.fault_id,
        fault=rule.fault.spec,
        path=rule.path.text,
        method=rule.method,
        merchant=rule.merchant,
        times=rule.times,
        remaining=rule.remaining,
        probability=rule.probability,
        applied=rule.applied,
    )


def _subscription_state(s: Subscription) -> SubscriptionState:
    return SubscriptionState(
        subscription_id=s.subscription_id,
        merchant=s.merchant,
        url=s.url,
        event_types=sorted(s.event_types) if s.event_types is not None else None,
        secret=s.secret,
        created_at=s.created_at,
        status="ENABLED" if s.enabled else "DISABLED",
        disabled_reason=s.disabled_reason,
    )


def _delivery_state(d: Delivery) -> DeliveryState:
    m = d.message
    assert d.next_attempt_at is not None  # pending: due, or being attempted (then due again)
    return DeliveryState(
        delivery_id=d.delivery_id,
        event_id=m.message_id,
        merchant=m.merchant,
        type=m.event_type,
        return_id=m.return_id,
        entity_id=m.entity_id,
        triggered_at=m.triggered_at,
        payload=msgspec.Raw(m.body),
        subscription_id=d.subscription_id,
        url=d.url,
        secret=d.secret,
        created_at=d.created_at,
        resend=d.resend,
        next_attempt_at=d.next_attempt_at,
        attempts=[_attempt_state(a) for a in d.attempts],
    )


def _attempt_state(a: Attempt) -> AttemptState:
    return AttemptState(
        number=a.number,
        at=a.at,
        timestamp=a.timestamp,
        url=a.url,
        status_code=a.status_code,
        latency_ms=a.latency_ms,
        error=a.error,
        response_body=a.response_body,
    )


# -- loading --------------------------------------------------------------------------


def read(text: bytes) -> ServerState:
    """The section checked: every field of the right type, every policy and fault
    readable; raises ``ServerStateError`` naming the path otherwise."""
    try:
        state = _DECODER.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ServerStateError(f"server: {exc}") from None
    for kind, policy in state.progression.items():
        if kind not in KINDS:
            raise ServerStateError(f"server.progression.{kind}: not one of {', '.join(KINDS)}")
        try:
            parse_policy(policy)
        except PolicyError as exc:
            raise ServerStateError(f"server.progression.{kind}: {exc}") from None
    for index, rule in enumerate(state.faults.rules):
        try:
            parse_fault_header(rule.fault)
        except FaultSyntaxError as exc:
            raise ServerStateError(f"server.faults.rules[{index}].fault: {exc}") from None
    for index, delivery in enumerate(state.webhooks.pending):
        prefix = f"msg_{message_prefix(delivery.merchant)}_"
        number = delivery.event_id.removeprefix(prefix)
        if not delivery.event_id.startswith(prefix) or not number.isdigit():
            where = f"server.webhooks.pending[{index}].eventId"
            raise ServerStateError(f"{where}: not a webhook-id of merchant {delivery.merchant!r}")
    return state


def restore_settings(runtime: Runtime, state: ServerState) -> None:
    """The clock and the policies: before the merchants, whose next steps they time."""
    runtime.clock.restore(
        state.clock.frozen_at, timedelta(microseconds=state.clock.offset_microseconds)
    )
    for kind, policy in state.progression.items():
        runtime.progression.set_policy(kind, parse_policy(policy))


def restore_rest(runtime: Runtime, state: ServerState) -> None:
    """Everything else, once the merchants are in."""
    for step in state.steps:
        runtime.progression.resume_step(step.due, step.merchant, step.kind, step.entity_id)
    runtime.diagnostics.faults.restore(
        [_rule(rule) for rule in state.faults.rules], state.faults.issued
    )
    hooks = runtime.webhooks
    saved = state.webhooks
    hooks.skip_secrets(saved.secrets_drawn)
    hooks.subscriptions.restore(
        [_subscription(s) for s in saved.subscriptions], saved.subscriptions_issued
    )
    hooks.outbox.paused = saved.paused
    pending = [_delivery(d) for d in saved.pending]
    hooks.outbox.restore(saved.numbering, saved.first_number, saved.deliveries_issued, pending)


def _rule(saved: FaultRuleState) -> FaultRule:
    rule = FaultRule(
        saved.fault_id,
        parse_fault_header(saved.fault),
        saved.path,
        saved.method,
        saved.merchant,
        saved.times,
        saved.probability,
    )
    rule.remaining = saved.remaining
    rule.applied = saved.applied
    return rule


def _subscription(saved: SubscriptionState) -> Subscription:
    types = frozenset(saved.event_types) if saved.event_types is not None else None
    return Subscription(
        subscription_id=saved.subscription_id,
        merchant=saved.merchant,
        url=saved.url,
        event_types=types,
        secret=saved.secret,
        created_at=_utc(saved.created_at),
        source="control",
        status=saved.status,
        disabled_reason=saved.disabled_reason,
    )


def _delivery(saved: DeliveryState) -> Delivery:
    message = Message(
        message_id=saved.event_id,
        merchant=saved.merchant,
        event_type=saved.type,
        return_id=saved.return_id,
        entity_id=saved.entity_id,
        triggered_at=_utc(saved.triggered_at),
        body=bytes(saved.payload),
    )
    attempts = [
        Attempt(
            number=a.number,
            at=_utc(a.at),
            timestamp=a.timestamp,
            url=a.url,
            status_code=a.status_code,
            latency_ms=a.latency_ms,
            error=a.error,
            response_body=a.response_body,
        )
        for a in saved.attempts
    ]
    return Delivery(
        delivery_id=saved.delivery_id,
        message=message,
        subscription_id=saved.subscription_id,
        url=saved.url,
        secret=saved.secret,
        created_at=_utc(saved.created_at),
        resend=saved.resend,
        status=DeliveryStatus.PENDING,
        next_attempt_at=_utc(saved.next_attempt_at),
        attempts=attempts,
    )


def _utc(at: datetime) -> datetime:
    """As every instant the emulator holds (a hand-edited file may give an offset)."""
    return at if at.tzinfo is UTC else at.astimezone(UTC)
