"""A small shop driven through the domain, the way the API handlers drive it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from mock_ingrid.domain import catalog, orders, returns, warehouse
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ProductInput,
    ReportInput,
    ReportItemInput,
    ReturnItemInput,
    ShipmentInput,
    ShipmentLineInput,
    VariantInput,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions, ReportAction, Return
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings

FROZEN_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
KEY = "shop"

# The order of the reference's examples: one T-shirt line, returned and refunded.
LINES = {"L1": ("TEE-M", "TS-M-BLK", 2, "120"), "L2": ("TEE-L", "TS-L-BLK", 3, "100")}


def runtime(**settings: object) -> Runtime:
    return Runtime.build(Settings(freeze_time=FROZEN_AT, **settings))  # type: ignore[arg-type]


def stock(m: Merchant, order_id: str = "ORD-1") -> None:
    """The catalogue, one shipped order, and the deductions of the reference's example."""
    m.settings.deductions = Deductions(Decimal(10), Decimal(10))
    m.settings.exchange_cost = Decimal(50)
    variants = [VariantInput(variant_id, sku) for variant_id, sku, _, _ in LINES.values()]
    variants.append(VariantInput("TEE-XL", "TS-XL-BLK"))
    catalog.upsert_product(m, ProductInput("TEE", "T-shirt", variants=variants))
    lines = [
        LineItemInput(line_id, "TEE", variant_id, quantity, Decimal(price))
        for line_id, (variant_id, _, quantity, price) in LINES.items()
    ]
    total = sum((Decimal(p) * q for _, _, q, p in LINES.values()), Decimal(0))
    shipped = [ShipmentLineInput(line_id, spec[2]) for line_id, spec in LINES.items()]
    orders.upsert_order(
        m,
        OrderInput(
            order_id,
            "SEK",
            Decimal(0),
            total,
            {"countryCode": "SE"},
            lines,
            shipments=[ShipmentInput("S1", shipped)],
        ),
    )


def open_return(
    m: Merchant,
    line: str = "L1",
    quantity: int = 1,
    exchange: bool = False,
    order_id: str = "ORD-1",
) -> Return:
    item = ReturnItemInput(line, quantity, reason_code="DOESNT_FIT")
    if exchange:
        item.exchange_to_product_id, item.exchange_to_variant_id = "TEE", "TEE-XL"
    return returns.create_return(m, order_id, [item])


def inspect(m: Merchant, ret: Return, approved: bool = True) -> None:
    action = ReportAction.APPROVED if approved else ReportAction.DENIED
    items = [
        ReportItemInput(item.quantity, action, return_item_id=item.return_item_id)
        for item in ret.items
    ]
    warehouse.submit_report(m, ReportInput(items, return_id=ret.return_id))
