"""Every request, response and webhook example of the Ingrid Returns API reference.

Copied by hand from ``seeds/returns-api-reference.txt``. The reference repeats the
same entity in many examples; the repeated values are written once below and
combined, so each example reads exactly as the reference prints it.

The reference states no status code for its response examples: they are tagged
with the code the emulator answers for that call (201 for a first upsert and for
created returns and reports, 200 otherwise).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

Json = dict[str, Any]
Kind = Literal["request", "response", "webhook"]


@dataclass(frozen=True, slots=True)
class ReferenceExample:
    """One example: the operation (or webhook) it belongs to, its kind and status code."""

    operation_id: str
    kind: Kind
    status: int | None
    body: Json

    @property
    def name(self) -> str:
        suffix = f"-{self.status}" if self.status is not None else ""
        return f"{self.operation_id}-{self.kind}{suffix}"

    @property
    def value(self) -> Json:
        """A fresh copy, so a test cannot change the data another test sees."""
        return copy.deepcopy(self.body)


ORDER_ID = "48aced20913c030c836d4187019b712f"
LINE_ITEM_ID = "L527_1036L527_1036M"
PAGE_INFO: Json = {"hasNext": False, "hasPrevious": False}

# -- products -----------------------------------------------------------------

VARIANT: Json = {
    "variantId": "VAR-456",
    "title": "Medium / Black",
    "sku": "TS-M-BLK",
    "weightInGrams": 220,
    "hsCode": "6109.10",
    "manufacturingCountry": "PT",
    "properties": [
        {"type": "size", "value": "M"},
        {"type": "color", "value": "Black", "hexColor": "#000000"},
    ],
    "availableInventory": 42,
}

PRODUCT_REQUEST: Json = {
    "productId": "PROD-123",
    "title": "Classic T-Shirt",
    "description": "Soft cotton t-shirt with a regular fit.",
    "productNumber": "TS-001",
    "variants": [VARIANT],
}

PRODUCT: Json = {**PRODUCT_REQUEST, "createdAt": "2026-01-10T08:00:00Z"}

PRODUCT_PATCH: Json = {
    "title": "Classic T-Shirt (organic cotton)",
    "description": "Now produced in 100% organic cotton.",
}

VARIANT_REQUEST: Json = {
    "title": "Medium / Black",
    "sku": "TS-M-BLK",
    "weightInGrams": 220,
    "availableInventory": 42,
}

# -- orders -------------------------------------------------------------------

SHIPMENT: Json = {
    "shipmentId": "SHIP-001",
    "shippedAt": "2026-01-15T14:30:00Z",
    "trackingReference": "TRK1234567890",
    "carrier": "PostNord",
    "lineItems": [
        {"shipmentLineItemId": "SLI-001", "orderLineItemId": LINE_ITEM_ID, "quantity": 2}
    ],
}

ORDER: Json = {
    "orderId": ORDER_ID,
    "orderName": "#1042",
    "orderNumber": 1042,
    "currencyCode": "SEK",
    "shippingCost": 49,
    "totalAmount": 599,
    "giftCardAmount": 0,
    "taxesAmount": 119.8,
    "orderedAt": "2026-01-15T10:00:00Z",
    "shippedAt": "2026-01-15T14:30:00Z",
    "shippingAddress": {
        "firstName": "Anna",
        "lastName": "Andersson",
        "email": "anna@example.com",
        "phone": "+46701234567",
        "street": "Storgatan 1",
        "city": "Stockholm",
        "zip": "11122",
        "countryCode": "SE",
    },
    "lineItems": [
        {
            "lineItemId": LINE_ITEM_ID,
            "productId": "PROD-123",
            "variantId": "VAR-456",
            "title": "T-Shirt",
            "sku": "TS-M-BLK",
            "originalUnitPrice": 299,
            "discountedUnitPrice": 299,
            "unitTaxes": 59.8,
            "quantity": 2,
        }
    ],
    "shipments": [SHIPMENT],
    "tags": ["holiday-2026"],
}

ORDER_PATCH: Json = {"shippedAt": "2026-01-15T14:30:00Z", "shipments": [SHIPMENT]}

# -- returns and warehouse reports --------------------------------------------

RETURN: Json = {
    "returnId": "283060",
    "orderId": ORDER_ID,
    "status": "CONFIRMED",
    "items": [
        {
            "returnItemId": "RI-9001",
            "orderLineItemId": LINE_ITEM_ID,
            "quantity": 1,
            "reason": {
                "code": "DOESNT_FIT",
                "label": "Doesn't fit",
                "subReasonCode": "WRONG_SIZE",
                "subReasonLabel": "Wrong size",
            },
            "status": "PENDING",
        }
    ],
    "shipment": {
        "shipmentId": "RSH-001",
        "carrier": "PostNord",
        "trackingReference": "RT9876543210",
        "bookedAt": "2026-01-16T09:00:00Z",
    },
    "createdAt": "2026-01-16T09:00:00Z",
}

RETURN_REQUEST: Json = {
    "items": [
        {
            "orderLineItemId": LINE_ITEM_ID,
            "quantity": 1,
            "reason": {"code": "DOESNT_FIT", "subReasonCode": "WRONG_SIZE"},
        }
    ]
}

REPORT_ITEMS: list[Json] = [
    {
        "returnItemId": "RI-9001",
        "orderLineItemId": LINE_ITEM_ID,
        "sku": "TS-M-BLK",
        "quantity": 1,
        "action": "APPROVED",
    }
]

REPORT_REQUEST: Json = {
    "returnId": "283060",
    "items": REPORT_ITEMS,
    "reportProcessing": "PROCESS_IMMEDIATELY",
}

REPORT: Json = {
    "warehouseReportId": "WR-7700",
    "returnId": "283060",
    "orderId": ORDER_ID,
    "status": "PROCESSING",
    "items": REPORT_ITEMS,
    "createdAt": "2026-01-18T13:15:00Z",
}

# -- refund transactions and exchange orders ----------------------------------

REFUND_FIELDS: Json = {
    "refundTransactionId": "2578",
    "returnId": "283060",
    "orderId": ORDER_ID,
    "status": "AWAITING_EXTERNAL_REFUND",
    "currencyCode": "SEK",
    "totalAmount": 100,
    "totals": {"itemsAmount": 120, "shippingAmount": 0},
    "deductions": {"returnHandlingCost": 10, "returnShipmentCost": 10},
    "lineItems": [{"orderLineItemId": LINE_ITEM_ID, "quantity": 1, "amount": 120}],
}

REFUND: Json = {**REFUND_FIELDS, "createdAt": "2026-01-17T11:00:00Z"}

REFUND_COMPLETE_REQUEST: Json = {
    "amount": 100,
    "currencyCode": "SEK",
    "transactionId": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
}

EXCHANGE: Json = {
    "exchangeOrderId": "4521",
    "returnId": "283060",
    "orderId": ORDER_ID,
    "status": "AWAITING_EXTERNAL_HANDLING",
    "currencyCode": "SEK",
    "exchangeCost": 0,
    "items": [
        {
            "exchangeOrderItemId": "EOI-001",
            "orderLineItemId": LINE_ITEM_ID,
            "exchangeFromProductId": "PROD-123",
            "exchangeFromVariantId": "VAR-456",
            "exchangeToProductId": "PROD-123",
            "exchangeToVariantId": "VAR-789",
            "quantity": 1,
        }
    ],
    "createdAt": "2026-01-17T11:00:00Z",
}

EXCHANGE_COMPLETE_REQUEST: Json = {
    "completedOrderId": "ORDER-99001",
    "completedOrderNumber": "#10043",
    "completedOrderName": "Replacement for #1042",
}

# -- webhooks -----------------------------------------------------------------

REFUND_PENDING_EXTERNAL: Json = {
    "type": "REFUND_PENDING_EXTERNAL",
    "triggeredAt": "2026-01-15T10:00:00Z",
    # The webhook's order (status, orderId, returnId), not the resource's.
    "refundTransactionId": "2578",
    "status": "AWAITING_EXTERNAL_REFUND",
    "orderId": ORDER_ID,
    "returnId": "283060",
    **REFUND_FIELDS,
}

EXCHANGE_PENDING_EXTERNAL: Json = {
    "type": "EXCHANGE_PENDING_EXTERNAL",
    "triggeredAt": "2026-01-15T10:00:00Z",
    "exchangeOrderId": "4521",
    "status": "AWAITING_EXTERNAL_HANDLING",
    "orderId": ORDER_ID,
    "returnId": "283060",
    "currencyCode": "SEK",
    "exchangeCost": 50,
    "items": [
        {
            "orderLineItemId": LINE_ITEM_ID,
            "quantity": 1,
            "exchangeFromProductId": "PROD-123",
            "exchangeFromVariantId": "VAR-456",
            "exchangeToProductId": "PROD-789",
            "exchangeToVariantId": "VAR-012",
        }
    ],
}


def _page(item: Json) -> Json:
    return {"data": [item], "pageInfo": PAGE_INFO}


def _request(operation_id: str, body: Json) -> ReferenceExample:
    return ReferenceExample(operation_id, "request", None, copy.deepcopy(body))


def _response(operation_id: str, status: int, body: Json) -> ReferenceExample:
    return ReferenceExample(operation_id, "response", status, copy.deepcopy(body))


def _webhook(operation_id: str, body: Json) -> ReferenceExample:
    return ReferenceExample(operation_id, "webhook", None, copy.deepcopy(body))


EXAMPLES: tuple[ReferenceExample, ...] = (
    # products
    _request("upsertProduct", PRODUCT_REQUEST),
    _response("upsertProduct", 201, PRODUCT),
    _response("listProducts", 200, _page(PRODUCT)),
    _response("getProduct", 200, PRODUCT),
    _request("patchProduct", PRODUCT_PATCH),
    _response("patchProduct", 200, PRODUCT),
    _request("upsertVariant", VARIANT_REQUEST),
    _response("upsertVariant", 201, VARIANT),
    # orders
    _request("upsertOrder", ORDER),
    _response("upsertOrder", 201, ORDER),
    _response("listOrders", 200, _page(ORDER)),
    _response("getOrder", 200, ORDER),
    _request("patchOrder", ORDER_PATCH),
    _response("patchOrder", 200, ORDER),
    _response("listOrderReturns", 200, _page(RETURN)),
    _request("createReturn", RETURN_REQUEST),
    _response("createReturn", 201, RETURN),
    # returns
    _response("listReturns", 200, _page(RETURN)),
    _response("getReturn", 200, RETURN),
    _response("cancelReturn", 200, {**RETURN, "status": "CANCELLED"}),
    _request("createWarehouseReport", REPORT_REQUEST),
    _response("createWarehouseReport", 201, REPORT),
    # refund transactions
    _response("listRefundTransactions", 200, _page(REFUND)),
    _response("getRefundTransaction", 200, REFUND),
    _request("completeRefundTransaction", REFUND_COMPLETE_REQUEST),
    _response("completeRefundTransaction", 200, {**REFUND, "status": "SUCCESS"}),
    # exchange orders
    _response("listExchanges", 200, _page(EXCHANGE)),
    _response("getExchange", 200, EXCHANGE),
    _request("completeExchange", EXCHANGE_COMPLETE_REQUEST),
    _response("completeExchange", 200, {**EXCHANGE, "status": "COMPLETED"}),
    # webhooks (named after the webhook's operationId in the document)
    _webhook("refundPendingExternal", REFUND_PENDING_EXTERNAL),
    _webhook("exchangePendingExternal", EXCHANGE_PENDING_EXTERNAL),
)


def example(operation_id: str, kind: Kind) -> ReferenceExample:
    """The one example of ``kind`` for ``operation_id``."""
    found = [e for e in EXAMPLES if e.operation_id == operation_id and e.kind == kind]
    if len(found) != 1:
        raise LookupError(f"{len(found)} {kind} examples for {operation_id}")
    return found[0]
