"""``/_mock/webhooks/*``: subscriptions, the event and delivery logs, resend, pause, flush.

The merchant is named by its API key in a ``merchant`` field (query parameter
on GET, body field on POST): the control API is the operator's, not a tenant's,
so it does not authenticate with ``x-api-key``. GET never changes state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

import orjson
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import (
    json_response,
    runtime_of,
)
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.paging import take_page
from mock_ingrid.api.query import enum_param, int_param
from mock_ingrid.api.types import WIRE_CONFIG
from mock_ingrid.control.common import read_control_body, require_accepted
from mock_ingrid.control.redaction import redact_url
from mock_ingrid.domain.errors import Problem
from mock_ingrid.webhooks.outbox import Attempt, Delivery, DeliveryStatus, Message
from mock_ingrid.webhooks.payloads import EVENT_TYPE_ALIASES, EVENT_TYPES
from mock_ingrid.webhooks.signing import check_secret
from mock_ingrid.webhooks.subscriptions import Subscription
from mock_ingrid.webhooks.webhooks import Webhooks

Json = dict[str, Any]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

EventType = Annotated[
    Literal[
        "REFUND_PENDING_EXTERNAL",
        "EXCHANGE_PENDING_EXTERNAL",
        "RETURN_CREATED",
        "RETURN_ARRIVED",
        "RETURN_COMPLETED",
        "refund.pending",
    ],
    # An alias names the same event type: stored and shown by its own name.
    AfterValidator(lambda name: EVENT_TYPE_ALIASES.get(name, name)),
]
DEFAULT_FLUSH_TIMEOUT = 30.0


# -- request bodies ----------------------------------------------------------------


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError("url_scheme", "expected an http:// or https:// URL with a host")
    return value


def _secret(value: str) -> str:
    try:
        return check_secret(value)
    except ValueError as exc:
        raise PydanticCustomError("secret_format", str(exc)) from None


class _Body(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}


class SubscriptionBody(_Body):
    merchant: Annotated[str, Field(min_length=1, max_length=255)]
    url: Annotated[str, Field(max_length=4_096), AfterValidator(_http_url)]
    event_types: Annotated[list[EventType], Field(min_length=1)] | None = None
    secret: Annotated[str, Field(max_length=1_024), AfterValidator(_secret)] | None = None


class ResendBody(_Body):
    subscription_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class FlushBody(_Body):
    mode: Literal["deliver", "discard"] = "deliver"
    timeout_seconds: Annotated[float, Field(gt=0, le=3_600)] = DEFAULT_FLUSH_TIMEOUT


# -- what the control API shows (a URL's password masked: see ``redaction``) ----------


def subscription_json(s: Subscription) -> Json:
    types = [t for t in EVENT_TYPES if s.event_types is None or t in s.event_types]
    return {
        "subscriptionId": s.subscription_id,
        "merchant": s.merchant,
        "url": redact_url(s.url),
        "eventTypes": types,
        "secret": s.secret,
        "status": s.status,
        "disabledReason": s.disabled_reason,
        "source": s.source,
        "createdAt": s.created_at,
    }


def event_json(message: Message) -> Json:
    return {
        "eventId": message.message_id,
        "merchant": message.merchant,
        "type": message.event_type,
        "returnId": message.return_id,
        "entityId": message.entity_id,
        "triggeredAt": message.triggered_at,
        # The very bytes every delivery sends, not a re-serialisation of them.
        "payload": orjson.Fragment(message.body),
    }


def attempt_json(a: Attempt) -> Json:
    return {
        "attempt": a.number,
        "at": a.at,
        "webhookTimestamp": a.timestamp,
        "url": redact_url(a.url),
        "statusCode": a.status_code,
        "latencyMs": a.latency_ms,
        "error": a.error,
        "responseBody": a.response_body,
    }


def delivery_json(d: Delivery) -> Json:
    return {
        "deliveryId": d.delivery_id,
        "eventId": d.message.message_id,
        "merchant": d.message.merchant,
        "type": d.message.event_type,
        "returnId": d.message.return_id,
        "subscriptionId": d.subscription_id,
        "url": redact_url(d.url),
        "status": d.status,
        "reason": d.reason,
        "resend": d.resend,
        "inFlight": d.in_flight,
        "createdAt": d.created_at,
        "nextAttemptAt": d.next_attempt_at,
        "attempts": [attempt_json(a) for a in d.attempts],
    }


def status_json(hooks: Webhooks) -> Json:
    counts = hooks.outbox.counts()
    return {
        "paused": hooks.outbox.paused,
        "dispatcherRunning": hooks.dispatcher.running,
        "timeoutSeconds": hooks.dispatcher.timeout,
        "schedule": {
            "name": hooks.schedule.name,
            "delaysSeconds": [d.total_seconds() for d in hooks.schedule.delays],
        },
        "events": len(hooks.outbox.messages),
        "deliveries": {
            "pending": counts[DeliveryStatus.PENDING],
            "inFlight": counts["IN_FLIGHT"],
            "succeeded": counts[DeliveryStatus.SUCCEEDED],
            "failed": counts[DeliveryStatus.FAILED],
            "cancelled": counts[DeliveryStatus.CANCELLED],
            "forgotten": hooks.outbox.forgotten,
        },
    }


def _data(items: Iterable[T], render: Callable[[T], Json]) -> Response:
    return json_response({"data": [render(item) for item in items]})


# The logs (events, deliveries) are paged as the API's lists are (``page`` from 0,
# ``size``, ``pageInfo``), in larger pages: a test reads a whole short log at once.
DEFAULT_LOG_PAGE = 100
MAX_LOG_PAGE = 1_000


def _page(request: Request, items: Iterable[T], render: Callable[[T], Json]) -> Response:
    page = int_param(request, "page", 0, 0, 10_000_000) or 0
    size = int_param(request, "size", DEFAULT_LOG_PAGE, 1, MAX_LOG_PAGE) or DEFAULT_LOG_PAGE
    chosen, has_next = take_page(items, page, size)
    return json_response(
        {
            "data": [render(item) for item in chosen],
            "pageInfo": {"hasNext": has_next, "hasPrevious": page > 0},
        }
    )


# -- lookups and filters -----------------------------------------------------------


def _hooks(request: Request) -> Webhooks:
    return runtime_of(request).webhooks


def _param(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiError(
            400,
            "INVALID_PARAMETER",
            f"query parameter '{name}': give it at most once",
            [Problem(name, "REPEATED", "give it at most once", location="query")],
        )
    return values[0] if values else None


def _merchant_param(request: Request) -> str | None:
    """The ``merchant`` filter: an API key is never empty (control.json: minLength 1),
    so a blank value is refused rather than read as a merchant that matches nothing."""
    merchant = _param(request, "merchant")
    if merchant == "":
        raise ApiError(
            400,
            "INVALID_PARAMETER",
            "query parameter 'merchant': a value is required",
            [Problem("merchant", "REQUIRED", "a value is required", location="query")],
        )
    return merchant


def _require_subscription(request: Request) -> Subscription:
    subscription_id = request.path_params["subscriptionId"]
    found = _hooks(request).subscriptions.get(subscription_id)
    if found is None:
        raise ApiError(
            404, "SUBSCRIPTION_NOT_FOUND", f"subscription '{subscription_id}' was not found"
        )
    return found


def _require_event(request: Request) -> Message:
    event_id = request.path_params["eventId"]
    found = _hooks(request).outbox.messages.get(event_id)
    if found is None:
        raise ApiError(404, "EVENT_NOT_FOUND", f"webhook event '{event_id}' was not found")
    return found


def _require_delivery(request: Request) -> Delivery:
    delivery_id = request.path_params["deliveryId"]
    found = _hooks(request).outbox.deliveries.get(delivery_id)
    if found is None:
        raise ApiError(404, "DELIVERY_NOT_FOUND", f"delivery '{delivery_id}' was not found")
    return found


def _message_filter(request: Request) -> Callable[[Message], bool]:
    merchant = _merchant_param(request)
    event_type = enum_param(request, "type", (*EVENT_TYPES, *EVENT_TYPE_ALIASES))
    event_type = EVENT_TYPE_ALIASES.get(event_type, event_type) if event_type else None
    return_id = _param(request, "returnId")

    def keep(m: Message) -> bool:
        return (
            (merchant is None or m.merchant == merchant)
            and (event_type is None or m.event_type == event_type)
            and (return_id is None or m.return_id == return_id)
        )

    return keep


def _delivery_filter(request: Request) -> Callable[[Delivery], bool]:
    keep_message = _message_filter(request)
    status = enum_param(request, "status", DeliveryStatus.ALL)
    subscription_id = _param(request, "subscriptionId")
    event_id = _param(request, "eventId")

    def keep(d: Delivery) -> bool:
        return (
            keep_message(d.message)
            and (status is None or d.status == status)
            and (subscription_id is None or d.subscription_id == subscription_id)
            and (event_id is None or d.message.message_id == event_id)
        )

    return keep


# -- handlers ----------------------------------------------------------------------


async def list_subscriptions(request: Request) -> Response:
    """A merchant's subscriptions, including those for every merchant (from the command line)."""
    return _data(_hooks(request).subscriptions.all(_merchant_param(request)), subscription_json)


async def create_subscription(request: Request) -> Response:
    body = await read_control_body(request, SubscriptionBody)
    require_accepted(runtime_of(request).settings.api_keys, body.merchant, "merchant", "body")
    created = _hooks(request).subscribe(body.merchant, body.url, body.event_types, body.secret)
    return json_response(subscription_json(created), 201)


async def get_subscription(request: Request) -> Response:
    return json_response(subscription_json(_require_subscription(request)))


async def delete_subscription(request: Request) -> Response:
    """Deliveries still pending for it are cancelled (they stay in the log)."""
    subscription = _require_subscription(request)
    _hooks(request).unsubscribe(subscription.subscription_id)
    return Response(status_code=204)


async def enable_subscription(request: Request) -> Response:
    """Turn a subscription back on after its receiver answered 410 Gone."""
    subscription = _require_subscription(request)
    subscription.enable()
    return json_response(subscription_json(subscription))


async def list_events(request: Request) -> Response:
    """A page of the events, in firing order."""
    keep = _message_filter(request)
    return _page(
        request, (m for m in _hooks(request).outbox.messages.values() if keep(m)), event_json
    )


async def get_event(request: Request) -> Response:
    return json_response(event_json(_require_event(request)))


async def resend_event(request: Request) -> Response:
    """Deliver an event again, with the same webhook-id and body, to one subscription
    (``subscriptionId``) or to every enabled subscription that wants it now."""
    message = _require_event(request)
    body = await read_control_body(request, ResendBody, required=False)
    hooks = _hooks(request)
    target = _resend_target(hooks, message, body.subscription_id)
    created = hooks.resend(message, target)
    if not created:
        raise ApiError(
            409,
            "NO_SUBSCRIPTION",
            f"no enabled subscription of merchant '{message.merchant}' wants "
            f"{message.event_type}; create one or name one with subscriptionId",
        )
    return json_response({"data": [delivery_json(d) for d in created]}, 202)


def _resend_target(
    hooks: Webhooks, message: Message, subscription_id: str | None
) -> Subscription | None:
    if subscription_id is None:
        return None
    target = hooks.subscriptions.get(subscription_id)
    if target is None:
        raise ApiError(
            404, "SUBSCRIPTION_NOT_FOUND", f"subscription '{subscription_id}' was not found"
        )
    if not target.applies_to(message.merchant):
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            f"subscriptionId: subscription '{subscription_id}' belongs to another merchant",
            [Problem("subscriptionId", "OTHER_MERCHANT", "the subscription is another merchant's")],
        )
    if not target.enabled:
        raise ApiError(
            409,
            "SUBSCRIPTION_DISABLED",
            f"subscription '{subscription_id}' is disabled ({target.disabled_reason}); "
            f"POST /_mock/webhooks/subscriptions/{subscription_id}/enable first",
        )
    return target


async def list_deliveries(request: Request) -> Response:
    """A page of the deliveries, in creation order."""
    keep = _delivery_filter(request)
    deliveries = _hooks(request).outbox.deliveries.values()
    return _page(request, (d for d in deliveries if keep(d)), delivery_json)


async def get_delivery(request: Request) -> Response:
    return json_response(delivery_json(_require_delivery(request)))


async def webhooks_status(request: Request) -> Response:
    return json_response(status_json(_hooks(request)))


async def pause_deliveries(request: Request) -> Response:
    """Events keep being recorded and queued; nothing is sent until resume or flush."""
    _hooks(request).pause()
    return json_response(status_json(_hooks(request)))


async def resume_deliveries(request: Request) -> Response:
    _hooks(request).resume()
    return json_response(status_json(_hooks(request)))


async def flush_deliveries(request: Request) -> Response:
    """``deliver`` (the default): attempt every pending delivery now, paused or not
    and whatever its retry time, and answer once those attempts (and any already
    out) are recorded or ``timeoutSeconds`` passed. ``discard``: cancel them all,
    e.g. after seeding data while paused."""
    body = await read_control_body(request, FlushBody, required=False)
    hooks = _hooks(request)
    attempted = discarded = 0
    if body.mode == "discard":
        discarded = hooks.discard()
    else:
        attempted = await hooks.flush(body.timeout_seconds)
    result = {"mode": body.mode, "attempted": attempted, "discarded": discarded}
    return json_response(result | {"status": status_json(hooks)})
