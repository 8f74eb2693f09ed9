"""What callers ask the domain to do, as plain data (each API generation maps onto these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from mock_ingrid.domain.model import JsonObject, ReportAction, ReportProcessing
from mock_ingrid.money import ZERO


@dataclass(slots=True)
class VariantInput:
    variant_id: str
    sku: str
    title: str | None = None
    properties: list[JsonObject] = field(default_factory=list)
    details: JsonObject = field(default_factory=dict)


@dataclass(slots=True)
class ProductInput:
    product_id: str
    title: str
    product_number: str | None = None
    details: JsonObject = field(default_factory=dict)
    variants: list[VariantInput] | None = None


@dataclass(slots=True)
class LineItemInput:
    line_item_id: str
    product_id: str
    variant_id: str
    quantity: int
    original_unit_price: Decimal
    discounted_unit_price: Decimal | None = None
    unit_taxes: Decimal = ZERO
    title: str | None = None
    sku: str | None = None


@dataclass(slots=True)
class ShipmentLineInput:
    order_line_item_id: str
    quantity: int
    shipment_line_item_id: str | None = None


@dataclass(slots=True)
class ShipmentInput:
    shipment_id: str
    lines: list[ShipmentLineInput]
    shipped_at: datetime | None = None
    tracking_reference: str | None = None
    carrier: str | None = None


@dataclass(slots=True)
class OrderInput:
    order_id: str
    currency: str
    shipping_cost: Decimal
    total_amount: Decimal
    shipping_address: JsonObject
    line_items: list[LineItemInput]
    shipments: list[ShipmentInput] = field(default_factory=list)
    order_name: str | None = None
    order_number: int | None = None
    gift_card_amount: Decimal = ZERO
    taxes_amount: Decimal | None = None
    ordered_at: datetime | None = None
    shipped_at: datetime | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ReturnItemInput:
    order_line_item_id: str
    quantity: int
    reason_code: str | None = None
    sub_reason_code: str | None = None
    exchange_to_product_id: str | None = None
    exchange_to_variant_id: str | None = None


@dataclass(slots=True)
class ReportItemInput:
    quantity: int
    action: ReportAction
    return_item_id: str | None = None
    order_line_item_id: str | None = None
    sku: str | None = None
    comment: str | None = None


@dataclass(slots=True)
class ReportInput:
    items: list[ReportItemInput]
    return_id: str | None = None
    order_id: str | None = None
    tracking_reference: str | None = None
    processing: ReportProcessing = ReportProcessing.PROCESS_IMMEDIATELY
    return_station: str | None = None
    comment: str | None = None
