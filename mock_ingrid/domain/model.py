"""Entities of one merchant's world. Plain data; the operations live beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from mock_ingrid.money import ZERO

JsonObject = dict[str, Any]


@dataclass(slots=True)
class Deductions:
    return_shipment_cost: Decimal = ZERO
    return_handling_cost: Decimal = ZERO


@dataclass(slots=True)
class MerchantSettings:
    """Per-merchant policy. Deductions are in the order's currency; a per-currency
    entry in ``deductions_by_currency`` wins over the default ``deductions``."""

    currency: str = "SEK"
    deductions: Deductions = field(default_factory=Deductions)
    deductions_by_currency: dict[str, Deductions] = field(default_factory=dict)
    return_window_days: int | None = None
    refund_shipping: bool = False
    exchange_cost: Decimal = ZERO
    auto_confirm_returns: bool = True
    carrier: str = "PostNord"

    def deductions_for(self, currency: str) -> Deductions:
        return self.deductions_by_currency.get(currency, self.deductions)


@dataclass(slots=True)
class Variant:
    variant_id: str
    internal_id: int
    sku: str
    title: str | None = None
    properties: list[JsonObject] = field(default_factory=list)
    details: JsonObject = field(default_factory=dict)


@dataclass(slots=True)
class Product:
    product_id: str
    internal_id: int
    title: str
    created_at: datetime
    product_number: str | None = None
    variants: dict[str, Variant] = field(default_factory=dict)
    details: JsonObject = field(default_factory=dict)


@dataclass(slots=True)
class LineItem:
    line_item_id: str
    internal_id: int
    product_id: str
    variant_id: str
    quantity: int
    original_unit_price: Decimal
    discounted_unit_price: Decimal
    unit_taxes: Decimal = ZERO
    title: str | None = None
    sku: str | None = None

    @property
    def paid_unit_price(self) -> Decimal:
        return self.discounted_unit_price


@dataclass(slots=True)
class ShipmentLine:
    order_line_item_id: str
    quantity: int
    shipment_line_item_id: str | None = None


@dataclass(slots=True)
class Shipment:
    shipment_id: str
    lines: list[ShipmentLine]
    shipped_at: datetime | None = None
    tracking_reference: str | None = None
    carrier: str | None = None


@dataclass(slots=True)
class Order:
    order_id: str
    internal_id: int
    currency: str
    shipping_cost: Decimal
    total_amount: Decimal
    ordered_at: datetime
    created_at: datetime
    line_items: dict[str, LineItem]
    shipping_address: JsonObject
    shipments: list[Shipment] = field(default_factory=list)
    order_name: str | None = None
    order_number: int | None = None
    gift_card_amount: Decimal = ZERO
    taxes_amount: Decimal | None = None
    shipped_at: datetime | None = None
    tags: list[str] = field(default_factory=list)

    def shipped_quantity(self, line_item_id: str) -> int:
        return sum(
            line.quantity
            for shipment in self.shipments
            for line in shipment.lines
            if line.order_line_item_id == line_item_id
        )


class ItemStatus(StrEnum):
    """Status of one return item (the current API shows it per item)."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    PARTIALLY_APPROVED = "PARTIALLY_APPROVED"
    DENIED = "DENIED"
    NOT_RECEIVED = "NOT_RECEIVED"
    LOST_IN_TRANSIT = "LOST_IN_TRANSIT"
    NO_RETURN_NEEDED = "NO_RETURN_NEEDED"


@dataclass(slots=True)
class Reason:
    code: str
    label: str
    sub_reason_code: str | None = None
    sub_reason_label: str | None = None


@dataclass(slots=True)
class ExchangeRequest:
    to_product_id: str
    to_variant_id: str


@dataclass(slots=True)
class ReturnItem:
    return_item_id: str
    order_line_item_id: str
    quantity: int
    reason: Reason | None = None
    status: ItemStatus = ItemStatus.PENDING
    exchange: ExchangeRequest | None = None
    approved_quantity: int = 0
    denied_quantity: int = 0
    received_at: datetime | None = None
    comment: str | None = None

    @property
    def settles_without_receipt(self) -> bool:
        return self.status in (ItemStatus.LOST_IN_TRANSIT, ItemStatus.NO_RETURN_NEEDED)


@dataclass(slots=True)
class ReturnShipment:
    shipment_id: str
    carrier: str
    tracking_reference: str
    booked_at: datetime


@dataclass(slots=True)
class StatusChange:
    event: str
    source: str
    target: str
    at: datetime


@dataclass(slots=True)
class Return:
    return_id: str
    order_id: str
    status: str
    items: list[ReturnItem]
    created_at: datetime
    updated_at: datetime
    shipment: ReturnShipment | None = None
    customer_note: str | None = None
    report_id: str | None = None
    delivered_at: datetime | None = None
    refund_ids: list[str] = field(default_factory=list)
    exchange_ids: list[str] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)

    def item(self, return_item_id: str) -> ReturnItem | None:
        for item in self.items:
            if item.return_item_id == return_item_id:
                return item
        return None


class ReportAction(StrEnum):
    APPROVED = "APPROVED"
    DENIED = "DENIED"


class ReportProcessing(StrEnum):
    PROCESS_IMMEDIATELY = "PROCESS_IMMEDIATELY"
    MANUAL_REVIEW = "MANUAL_REVIEW"


@dataclass(slots=True)
class ReportItem:
    return_item_id: str
    order_line_item_id: str
    sku: str | None
    quantity: int
    action: ReportAction
    comment: str | None = None


@dataclass(slots=True)
class WarehouseReport:
    report_id: str
    return_id: str
    order_id: str
    status: str
    processing: ReportProcessing
    items: list[ReportItem]
    created_at: datetime
    tracking_reference: str | None = None
    return_station: str | None = None
    comment: str | None = None
    history: list[StatusChange] = field(default_factory=list)


@dataclass(slots=True)
class RefundLine:
    order_line_item_id: str
    quantity: int
    amount: Decimal


@dataclass(slots=True)
class RefundTransaction:
    refund_id: str
    return_id: str
    order_id: str
    status: str
    currency: str
    total_amount: Decimal
    items_amount: Decimal
    shipping_amount: Decimal
    return_shipment_cost: Decimal
    return_handling_cost: Decimal
    lines: list[RefundLine]
    created_at: datetime
    updated_at: datetime
    gift_card_amount: Decimal = ZERO
    refunded_amount: Decimal | None = None
    transaction_id: str | None = None
    completed_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)


@dataclass(slots=True)
class ExchangeItem:
    exchange_item_id: str
    return_item_id: str
    order_line_item_id: str
    from_product_id: str
    from_variant_id: str
    to_product_id: str
    to_variant_id: str
    quantity: int


@dataclass(slots=True)
class ExchangeOrder:
    exchange_id: str
    return_id: str
    order_id: str
    status: str
    currency: str
    exchange_cost: Decimal
    items: list[ExchangeItem]
    created_at: datetime
    updated_at: datetime
    completed_order_id: str | None = None
    completed_order_number: str | None = None
    completed_order_name: str | None = None
    completed_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)
