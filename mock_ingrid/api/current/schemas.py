"""Request bodies of the current generation, and their mapping onto domain commands."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from pydantic.alias_generators import to_camel

from mock_ingrid.api.types import (
    WIRE_CONFIG,
    AwareInstant,
    CountryCode,
    CurrencyCode,
    ExtraValue,
    Identifier,
    Money,
    Quantity,
    ShortText,
    Text,
    Uri,
    WholeNumber,
)
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
from mock_ingrid.domain.model import Product, ReportAction, ReportProcessing, Variant
from mock_ingrid.money import ZERO


class Wire(BaseModel):
    model_config = WIRE_CONFIG

    def dump(self, *fields: str) -> dict[str, Any]:
        """The given fields as sent (wire names), leaving out those not sent."""
        data = self.model_dump(by_alias=True, exclude_none=True, include=set(fields), mode="json")
        return data


# -- products -----------------------------------------------------------------


class VariantProperty(Wire):
    type: ShortText
    value: ShortText
    hex_color: ShortText | None = None


class ProductCategory(Wire):
    model_config = WIRE_CONFIG | {"extra": "allow"}
    __pydantic_extra__: dict[str, ExtraValue] = Field(init=False)
    category_id: ShortText | None = None
    name: ShortText | None = None


_VARIANT_DETAILS = (
    "bar_code",
    "weight_in_grams",
    "image_src",
    "image_srcs",
    "tags",
    "hs_code",
    "manufacturing_country",
    "available_inventory",
)


class VariantBody(Wire):
    """``PUT /products/{productId}/variants/{variantId}``: the id is in the path."""

    sku: Identifier
    title: ShortText | None = None
    bar_code: ShortText | None = None
    weight_in_grams: Annotated[int, WholeNumber, Field(ge=0, le=10_000_000)] | None = None
    image_src: Uri | None = None
    image_srcs: Annotated[list[Uri], Field(max_length=100)] | None = None
    tags: Annotated[list[ShortText], Field(max_length=100)] | None = None
    hs_code: ShortText | None = None
    manufacturing_country: ShortText | None = None
    properties: Annotated[list[VariantProperty], Field(max_length=100)] | None = None
    available_inventory: (
        Annotated[int, WholeNumber, Field(ge=-1_000_000_000, le=1_000_000_000)] | None
    ) = None

    def to_command(self, variant_id: str, stored: Variant | None = None) -> VariantInput:
        """The variant to store: the fields sent, over ``stored`` (the variant as it is).

        An upsert of an existing variant changes the fields sent and keeps the others
        (the reference's PUT example leaves out ``hsCode`` and ``properties`` and its
        answer still has them); a field sent as null is cleared. ``sku`` is required.
        """
        sent = self.model_fields_set
        title = self.title if stored is None or "title" in sent else stored.title
        if stored is None or "properties" in sent:
            properties = [
                p.model_dump(by_alias=True, exclude_none=True) for p in self.properties or []
            ]
        else:
            properties = list(stored.properties)
        details = self.dump(*_VARIANT_DETAILS)
        if stored is not None:
            kept = {to_camel(name) for name in _VARIANT_DETAILS if name not in sent}
            details = {**{k: v for k, v in stored.details.items() if k in kept}, **details}
        return VariantInput(
            variant_id=variant_id,
            sku=self.sku,
            title=title,
            properties=properties,
            details=details,
        )


class ProductVariant(VariantBody):
    variant_id: Identifier


_PRODUCT_DETAILS = ("description", "image_src", "image_srcs", "categories")


class ProductPatch(Wire):
    title: ShortText | None = None
    description: Text | None = None
    image_src: Uri | None = None
    image_srcs: Annotated[list[Uri], Field(max_length=100)] | None = None
    categories: Annotated[list[ProductCategory], Field(max_length=100)] | None = None
    product_number: ShortText | None = None


class ProductBody(ProductPatch):
    product_id: Identifier
    title: ShortText
    variants: Annotated[list[ProductVariant], Field(max_length=1_000)] | None = None

    def to_command(self, stored: Product | None = None) -> ProductInput:
        """The product to store; its variants merge over ``stored``'s (see VariantBody)."""
        stored_variants = stored.variants if stored is not None else {}
        return ProductInput(
            product_id=self.product_id,
            title=self.title,
            product_number=self.product_number,
            details=self.dump(*_PRODUCT_DETAILS),
            variants=[
                v.to_command(v.variant_id, stored_variants.get(v.variant_id)) for v in self.variants
            ]
            if self.variants is not None
            else None,
        )


# -- orders -------------------------------------------------------------------


class Address(Wire):
    model_config = WIRE_CONFIG | {"extra": "allow"}
    __pydantic_extra__: dict[str, ExtraValue] = Field(init=False)
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    company: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    street: ShortText | None = None
    street2: ShortText | None = None
    city: ShortText | None = None
    zip: ShortText | None = None
    region: ShortText | None = None
    country_code: CountryCode | None = None


class OrderLineItem(Wire):
    line_item_id: Identifier
    product_id: Identifier
    variant_id: Identifier
    quantity: Quantity
    original_unit_price: Money
    discounted_unit_price: Money | None = None
    unit_taxes: Money | None = None
    title: ShortText | None = None
    sku: ShortText | None = None

    def to_command(self) -> LineItemInput:
        return LineItemInput(
            line_item_id=self.line_item_id,
            product_id=self.product_id,
            variant_id=self.variant_id,
            quantity=self.quantity,
            original_unit_price=self.original_unit_price,
            discounted_unit_price=self.discounted_unit_price,
            unit_taxes=self.unit_taxes if self.unit_taxes is not None else ZERO,
            title=self.title,
            sku=self.sku,
        )


class ShipmentLineItem(Wire):
    order_line_item_id: Identifier
    quantity: Quantity
    shipment_line_item_id: Identifier | None = None


class Shipment(Wire):
    shipment_id: Identifier
    shipped_at: AwareInstant | None = None
    tracking_reference: ShortText | None = None
    carrier: ShortText | None = None
    line_items: Annotated[list[ShipmentLineItem], Field(max_length=1_000)] = []

    def to_command(self) -> ShipmentInput:
        return ShipmentInput(
            shipment_id=self.shipment_id,
            lines=[
                ShipmentLineInput(
                    line.order_line_item_id, line.quantity, line.shipment_line_item_id
                )
                for line in self.line_items
            ],
            shipped_at=self.shipped_at,
            tracking_reference=self.tracking_reference,
            carrier=self.carrier,
        )


class OrderPatch(Wire):
    order_name: ShortText | None = None
    order_number: Annotated[int, WholeNumber, Field(ge=0, le=2**63 - 1)] | None = None
    currency_code: CurrencyCode | None = None
    shipping_cost: Money | None = None
    total_amount: Money | None = None
    gift_card_amount: Money | None = None
    taxes_amount: Money | None = None
    ordered_at: AwareInstant | None = None
    shipped_at: AwareInstant | None = None
    shipping_address: Address | None = None
    line_items: Annotated[list[OrderLineItem], Field(min_length=1, max_length=1_000)] | None = None
    shipments: Annotated[list[Shipment], Field(max_length=1_000)] | None = None
    tags: Annotated[list[ShortText], Field(max_length=100)] | None = None


class OrderBody(OrderPatch):
    order_id: Identifier
    currency_code: CurrencyCode
    shipping_cost: Money
    total_amount: Money
    shipping_address: Address
    line_items: Annotated[list[OrderLineItem], Field(min_length=1, max_length=1_000)]

    def to_command(self) -> OrderInput:
        return OrderInput(
            order_id=self.order_id,
            currency=self.currency_code,
            shipping_cost=self.shipping_cost,
            total_amount=self.total_amount,
            shipping_address=self.shipping_address.model_dump(by_alias=True, exclude_none=True),
            line_items=[item.to_command() for item in self.line_items],
            shipments=[s.to_command() for s in self.shipments or []],
            order_name=self.order_name,
            order_number=self.order_number,
            gift_card_amount=self.gift_card_amount if self.gift_card_amount is not None else ZERO,
            taxes_amount=self.taxes_amount,
            ordered_at=self.ordered_at,
            shipped_at=self.shipped_at,
            tags=list(self.tags or []),
        )


# -- returns ------------------------------------------------------------------


class ReasonBody(Wire):
    code: Identifier
    sub_reason_code: Identifier | None = None


class ReturnCreateItem(Wire):
    order_line_item_id: Identifier
    quantity: Quantity
    reason: ReasonBody | None = None

    def to_command(self) -> ReturnItemInput:
        return ReturnItemInput(
            order_line_item_id=self.order_line_item_id,
            quantity=self.quantity,
            reason_code=self.reason.code if self.reason else None,
            sub_reason_code=self.reason.sub_reason_code if self.reason else None,
        )


class ReturnCreateBody(Wire):
    items: Annotated[list[ReturnCreateItem], Field(min_length=1, max_length=1_000)]
    customer_note: Text | None = None


# -- warehouse reports --------------------------------------------------------


class WarehouseReportItem(Wire):
    quantity: Quantity
    action: Literal["APPROVED", "DENIED"]
    return_item_id: Identifier | None = None
    order_line_item_id: Identifier | None = None
    sku: ShortText | None = None
    comment: Text | None = None

    def to_command(self) -> ReportItemInput:
        return ReportItemInput(
            quantity=self.quantity,
            action=ReportAction(self.action),
            return_item_id=self.return_item_id,
            order_line_item_id=self.order_line_item_id,
            sku=self.sku,
            comment=self.comment,
        )


class WarehouseReportBody(Wire):
    items: Annotated[list[WarehouseReportItem], Field(min_length=1, max_length=1_000)]
    return_id: Identifier | None = None
    order_id: Identifier | None = None
    shipment_tracking_reference: ShortText | None = None
    report_processing: Literal["PROCESS_IMMEDIATELY", "MANUAL_REVIEW"] = "PROCESS_IMMEDIATELY"
    return_station: ShortText | None = None
    comment: Text | None = None

    def to_command(self) -> ReportInput:
        return ReportInput(
            items=[item.to_command() for item in self.items],
            return_id=self.return_id,
            order_id=self.order_id,
            tracking_reference=self.shipment_tracking_reference,
            processing=ReportProcessing(self.report_processing),
            return_station=self.return_station,
            comment=self.comment,
        )


# -- settlement ---------------------------------------------------------------


class RefundCompleteBody(Wire):
    amount: Money
    currency_code: CurrencyCode
    transaction_id: ShortText | None = None


class ExchangeCompleteBody(Wire):
    completed_order_id: Identifier
    completed_order_number: ShortText | None = None
    completed_order_name: ShortText | None = None
