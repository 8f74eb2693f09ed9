"""Small builders of domain objects and API bodies, so tests say only what matters."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mock_ingrid.clock import FrozenClock
from mock_ingrid.domain import catalog, orders, returns
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ProductInput,
    ReturnItemInput,
    ShipmentInput,
    ShipmentLineInput,
    VariantInput,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions, Order, Return
from mock_ingrid.store import State

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def new_state() -> State:
    return State(FrozenClock(T0))


def merchant(
    state: State | None = None,
    key: str = "m1",
    shipment_cost: str = "0",
    handling_cost: str = "0",
) -> Merchant:
    m = (state or new_state()).merchant(key)
    m.settings.deductions = Deductions(Decimal(shipment_cost), Decimal(handling_cost))
    catalog.upsert_product(
        m,
        ProductInput(
            "TEE",
            "T-Shirt",
            variants=[VariantInput("TEE-M", "TS-M"), VariantInput("TEE-L", "TS-L")],
        ),
    )
    catalog.upsert_product(m, ProductInput("CAP", "Cap", variants=[VariantInput("CAP-1", "CAP")]))
    return m


def order(
    m: Merchant,
    order_id: str = "O1",
    lines: list[tuple[str, str, str, int]] | None = None,
    currency: str = "SEK",
    shipped: bool = True,
    shipping: str = "49",
    gift_card: str = "0",
) -> Order:
    """``lines``: (line id, variant id, unit price, quantity); all shipped by default."""
    lines = lines or [("L1", "TEE-M", "299", 2)]
    items = [
        LineItemInput(
            line_id,
            "CAP" if variant.startswith("CAP") else "TEE",
            variant,
            quantity,
            Decimal(price),
        )
        for line_id, variant, price, quantity in lines
    ]
    total = sum((Decimal(p) * q for _, _, p, q in lines), Decimal(shipping))
    shipments = (
        [ShipmentInput("S1", [ShipmentLineInput(line_id, q) for line_id, _, _, q in lines])]
        if shipped
        else []
    )
    created, _ = orders.upsert_order(
        m,
        OrderInput(
            order_id,
            currency,
            Decimal(shipping),
            total,
            {},
            items,
            shipments,
            gift_card_amount=Decimal(gift_card),
        ),
    )
    return created


def return_of(m: Merchant, order_id: str = "O1", **units: int) -> Return:
    """A return of ``line id = quantity`` units (default: one unit of L1)."""
    wanted = units or {"L1": 1}
    return returns.create_return(
        m, order_id, [ReturnItemInput(line_id, q) for line_id, q in wanted.items()]
    )


REFERENCE_PRODUCT: dict[str, Any] = {
    "productId": "PROD-123",
    "title": "Classic T-Shirt",
    "description": "Soft cotton t-shirt with a regular fit.",
    "productNumber": "TS-001",
    "variants": [
        {
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
        },
        {"variantId": "VAR-789", "title": "Large / Black", "sku": "TS-L-BLK"},
    ],
}

REFERENCE_ORDER: dict[str, Any] = {
    "orderId": "48aced20913c030c836d4187019b712f",
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
            "lineItemId": "L527_1036L527_1036M",
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
    "shipments": [
        {
            "shipmentId": "SHIP-001",
            "shippedAt": "2026-01-15T14:30:00Z",
            "trackingReference": "TRK1234567890",
            "carrier": "PostNord",
            "lineItems": [
                {
                    "shipmentLineItemId": "SLI-001",
                    "orderLineItemId": "L527_1036L527_1036M",
                    "quantity": 2,
                }
            ],
        }
    ],
    "tags": ["holiday-2026"],
}

REFERENCE_RETURN_REQUEST: dict[str, Any] = {
    "items": [
        {
            "orderLineItemId": "L527_1036L527_1036M",
            "quantity": 1,
            "reason": {"code": "DOESNT_FIT", "subReasonCode": "WRONG_SIZE"},
        }
    ]
}
