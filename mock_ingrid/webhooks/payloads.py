"""Webhook payloads, one pure renderer per event type.

Each renderer reads the merchant's state at the moment the event fires and
returns exactly the fields of the source's example, in the example's order.
The result is serialised once and stored, so retries and resends send the
same bytes even after the entities have moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Return, ReturnItem
from mock_ingrid.jsonio import dumps
from mock_ingrid.views.current import refund_body
from mock_ingrid.views.legacy_status import legacy_refund_status

Json = dict[str, Any]
Renderer = Callable[[Merchant, DomainEvent], Json]

# The emulator keeps no stock: nothing it receives is ever put back on the shelf.
RESTOCK_STATUS = "NO_RESTOCK"

_REFUND_FIELDS = (
    "refundTransactionId",
    "status",
    "orderId",
    "returnId",
    "currencyCode",
    "totalAmount",
    "totals",
    "deductions",
    "lineItems",
)


def _header(event: DomainEvent) -> Json:
    assert event.webhook is not None
    return {"type": event.webhook, "triggeredAt": event.at}


def refund_pending_external(m: Merchant, event: DomainEvent) -> Json:
    body = refund_body(m.require_refund(event.entity_id))
    return _header(event) | {name: body[name] for name in _REFUND_FIELDS}


def exchange_pending_external(m: Merchant, event: DomainEvent) -> Json:
    exchange = m.require_exchange(event.entity_id)
    return _header(event) | {
        "exchangeOrderId": exchange.exchange_id,
        "status": exchange.status,
        "orderId": exchange.order_id,
        "returnId": exchange.return_id,
        "currencyCode": exchange.currency,
        "exchangeCost": exchange.exchange_cost,
        "items": [
            {
                "orderLineItemId": item.order_line_item_id,
                "quantity": item.quantity,
                "exchangeFromProductId": item.from_product_id,
                "exchangeFromVariantId": item.from_variant_id,
                "exchangeToProductId": item.to_product_id,
                "exchangeToVariantId": item.to_variant_id,
            }
            for item in exchange.items
        ],
    }


def _legacy(m: Merchant, event: DomainEvent, line: Callable[[Return, ReturnItem], Json]) -> Json:
    ret = m.require_return(event.return_id)
    return _header(event) | {
        "returnId": ret.return_id,
        "foreignOrderId": ret.order_id,
        "lineItems": [line(ret, item) for item in ret.items],
    }


def _sku(m: Merchant, ret: Return, item: ReturnItem) -> str | None:
    return m.orders[ret.order_id].line_items[item.order_line_item_id].sku


def _present(data: Json) -> Json:
    """Leave out what the emulator does not know rather than send ``null``."""
    return {key: value for key, value in data.items() if value is not None}


def return_created(m: Merchant, event: DomainEvent) -> Json:
    return _legacy(
        m,
        event,
        lambda ret, item: _present({"sku": _sku(m, ret, item), "quantity": item.quantity}),
    )


def return_arrived(m: Merchant, event: DomainEvent) -> Json:
    return _legacy(
        m,
        event,
        lambda ret, item: _present(
            {
                "sku": _sku(m, ret, item),
                "quantity": item.quantity,
                "returnedToWarehouseAt": item.received_at,
                "restockStatus": RESTOCK_STATUS,
                "approvedForRestock": item.approved_quantity > 0,
            }
        ),
    )


def return_completed(m: Merchant, event: DomainEvent) -> Json:
    def line(ret: Return, item: ReturnItem) -> Json:
        refund_status = legacy_refund_status(m, ret, item)
        return _present(
            {
                "sku": _sku(m, ret, item),
                "quantity": item.quantity,
                "returnedToWarehouseAt": item.received_at,
                "refundStatus": refund_status.value if refund_status else None,
                "approvedForRestock": item.approved_quantity > 0,
            }
        )

    return _legacy(m, event, line)


RENDERERS: dict[str, Renderer] = {
    "REFUND_PENDING_EXTERNAL": refund_pending_external,
    "EXCHANGE_PENDING_EXTERNAL": exchange_pending_external,
    "RETURN_CREATED": return_created,
    "RETURN_ARRIVED": return_arrived,
    "RETURN_COMPLETED": return_completed,
}

EVENT_TYPES: tuple[str, ...] = tuple(RENDERERS)

# Other names an event type is accepted by: the reference's prose subscribes to
# "the refund.pending webhook event", its payload says REFUND_PENDING_EXTERNAL.
EVENT_TYPE_ALIASES: dict[str, str] = {"refund.pending": "REFUND_PENDING_EXTERNAL"}


def render(m: Merchant, event: DomainEvent) -> Json:
    """The payload of ``event``'s webhook (the event must define one)."""
    assert event.webhook is not None, "only events with a webhook type are rendered"
    return RENDERERS[event.webhook](m, event)


def render_bytes(m: Merchant, event: DomainEvent) -> bytes:
    return dumps(render(m, event))
