"""The webhook examples of the two sources, verbatim: what every payload must match
field for field (names, order, nesting and JSON types).

REFUND_PENDING_EXTERNAL and EXCHANGE_PENDING_EXTERNAL: the current API reference;
RETURN_CREATED, RETURN_ARRIVED and RETURN_COMPLETED: the legacy merchant guide.
"""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {
    "REFUND_PENDING_EXTERNAL": {
        "type": "REFUND_PENDING_EXTERNAL",
        "triggeredAt": "2026-01-15T10:00:00Z",
        "refundTransactionId": "2578",
        "status": "AWAITING_EXTERNAL_REFUND",
        "orderId": "48aced20913c030c836d4187019b712f",
        "returnId": "283060",
        "currencyCode": "SEK",
        "totalAmount": 100,
        "totals": {"itemsAmount": 120, "shippingAmount": 0},
        "deductions": {"returnHandlingCost": 10, "returnShipmentCost": 10},
        "lineItems": [{"orderLineItemId": "L527_1036L527_1036M", "quantity": 1, "amount": 120}],
    },
    "EXCHANGE_PENDING_EXTERNAL": {
        "type": "EXCHANGE_PENDING_EXTERNAL",
        "triggeredAt": "2026-01-15T10:00:00Z",
        "exchangeOrderId": "4521",
        "status": "AWAITING_EXTERNAL_HANDLING",
        "orderId": "48aced20913c030c836d4187019b712f",
        "returnId": "283060",
        "currencyCode": "SEK",
        "exchangeCost": 50,
        "items": [
            {
                "orderLineItemId": "L527_1036L527_1036M",
                "quantity": 1,
                "exchangeFromProductId": "PROD-123",
                "exchangeFromVariantId": "VAR-456",
                "exchangeToProductId": "PROD-789",
                "exchangeToVariantId": "VAR-012",
            }
        ],
    },
    "RETURN_CREATED": {
        "type": "RETURN_CREATED",
        "triggeredAt": "2024-09-18T12:00:00Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [{"sku": "100011001M", "quantity": 1}],
    },
    "RETURN_ARRIVED": {
        "type": "RETURN_ARRIVED",
        "triggeredAt": "2024-09-18T16:05:17.034470979Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [
            {
                "sku": "100011001M",
                "quantity": 1,
                "returnedToWarehouseAt": "2024-09-18T16:05:16.964408537Z",
                "restockStatus": "NO_RESTOCK",
                "approvedForRestock": True,
            }
        ],
    },
    "RETURN_COMPLETED": {
        "type": "RETURN_COMPLETED",
        "triggeredAt": "2024-09-18T16:10:42.888799023Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [
            {
                "sku": "100011001M",
                "quantity": 1,
                "returnedToWarehouseAt": "2024-09-18T16:05:16.964408537Z",
                "refundStatus": "REFUNDED",
                "approvedForRestock": True,
            }
        ],
    },
}


def shape(value: Any) -> Any:
    """Field names in order, nesting and JSON types; the values themselves left out.

    Numbers are one type: the sources write 100 where the emulator may send 100.5.
    """
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_matches_example(payload: dict[str, Any]) -> None:
    expected = shape(EXAMPLES[payload["type"]])
    got = shape(payload)
    assert got == expected, f"{payload['type']}:\n  sent    {got}\n  example {expected}"
