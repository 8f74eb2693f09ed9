"""Request bodies of the current generation, and their mapping onto domain commands."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from mock_ingrid.api.jsonio import scan_plain
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
)
from mock_ingrid.api.types import _json_scalar as json_scalar
from mock_ingrid.api.types import _money as money
from mock_ingrid.clock import parse_instant
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
from mock_ingrid.domain.model import ReportAction, ReportProcessing
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
    weight_in_grams: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    image_src: Uri | None = None
    image_srcs: Annotated[list[Uri], Field(max_length=100)] | None = None
    tags: Annotated[list[ShortText], Field(max_length=100)] | None = None
    hs_code: ShortText | None = None
    manufacturing_country: ShortText | None = None
    properties: Annotated[list[VariantProperty], Field(max_length=100)] | None = None
    available_inventory: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None

    def to_command(self, variant_id: str) -> VariantInput:
        return VariantInput(
            variant_id=variant_id,
            sku=self.sku,
            title=self.title,
            properties=[
                p.model_dump(by_alias=True, exclude_none=True) for p in self.properties or []
            ],
            details=self.dump(*_VARIANT_DETAILS),
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

    def to_command(self) -> ProductInput:
        return ProductInput(
            product_id=self.product_id,
            title=self.title,
            product_number=self.product_number,
            details=self.dump(*_PRODUCT_DETAILS),
            variants=[v.to_command(v.variant_id) for v in self.variants]
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
            unit_taxes=self.unit_taxes if self.unit_taxes is not None else Money.__origin__(0),  # type: ignore[attr-defined]
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
    order_number: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
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


# -- orders without pydantic: the common body, checked by hand ------------------
#
# ``order_command(data)`` builds the ``OrderInput`` that ``OrderBody`` and its
# ``to_command`` would, for a body it can vouch for, at a quarter of the cost; for
# anything else (an error to report, a field sent by its Python name, a value of an
# unusual type) it answers None and the caller validates with ``OrderBody``, which
# then gives the errors. So it only has to accept a subset of what ``OrderBody``
# accepts, never more, and build the same command: tests/unit/test_order_fast_path.py
# checks both against each other on generated bodies.


class _NotSure(Exception):
    """The body is outside what ``order_command`` checks: let ``OrderBody`` decide."""


# ``Identifier`` (1 to 255 characters, none a control character or '/'), and no lone
# surrogate, which pydantic refuses in any string (``string_unicode``).
_IDENTIFIER = re.compile(r"[^\x00-\x1f/\ud800-\udfff]{1,255}").fullmatch
_SURROGATE = re.compile(r"[\ud800-\udfff]").search
_CURRENCY = re.compile(r"[A-Z]{3}").fullmatch
_COUNTRY = re.compile(r"[A-Z]{2}").fullmatch
# An int amount below this passes every ``Money`` limit (at most 12 whole digits).
_PLAIN_AMOUNT_LIMIT = 10**12


def _python_names(model: type[Wire]) -> frozenset[str]:
    """Field names a body may use instead of the alias (``populate_by_name``)."""
    return frozenset(name for name, f in model.model_fields.items() if f.alias != name)


def _short(value: object) -> Any:
    """``ShortText | None``."""
    if value is None:
        return None
    if type(value) is not str or len(value) > 1_024:
        raise _NotSure
    if not value.isascii() and _SURROGATE(value):
        raise _NotSure
    return value


def _identifier(value: object) -> Any:
    if type(value) is not str or not _IDENTIFIER(value):
        raise _NotSure
    return value


def _amount(value: object) -> Decimal:
    """``Money``: an int is read as a ``Decimal``, as its before-validator does."""
    if type(value) is int:
        if 0 <= value < _PLAIN_AMOUNT_LIMIT:
            return Decimal(value)
    elif type(value) is Decimal:
        try:
            return money(value)
        except Exception:  # one of pydantic's errors: it reports it
            pass
    raise _NotSure


def _quantity(value: object) -> Any:
    if type(value) is not int or not 1 <= value <= 1_000_000:
        raise _NotSure
    return value


def _instant(value: object) -> datetime | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _NotSure
    try:
        return parse_instant(value)
    except ValueError:
        raise _NotSure from None


def _objects(value: object, low: int, high: int) -> list[dict[str, Any]]:
    if type(value) is not list or not low <= len(value) <= high:
        raise _NotSure
    for each in value:
        if type(each) is not dict:
            raise _NotSure
    return value


_ORDER_NAMES = _python_names(OrderBody)
_ITEM_NAMES = _python_names(OrderLineItem)
_SHIPMENT_NAMES = _python_names(Shipment)
_SHIPMENT_LINE_NAMES = _python_names(ShipmentLineItem)
# Address fields by wire name, in declaration order (the order ``model_dump`` keeps).
_ADDRESS_FIELDS = tuple(f.alias or n for n, f in Address.model_fields.items())
_ADDRESS_FIELD_SET = frozenset(_ADDRESS_FIELDS)
_ADDRESS_NAMES = _python_names(Address)


def _address(data: object) -> dict[str, Any]:
    """``Address.model_dump(by_alias=True, exclude_none=True)``: the fields sent, in
    declaration order, then the extra fields in the order sent; nulls left out."""
    if type(data) is not dict or not _ADDRESS_NAMES.isdisjoint(data):
        raise _NotSure
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key == "countryCode":
            if type(value) is not str or not _COUNTRY(value):
                raise _NotSure
            fields[key] = value
        elif key in _ADDRESS_FIELD_SET:
            fields[key] = _short(value)
        else:
            try:
                extra[key] = json_scalar(value)
            except Exception:  # pydantic's error: it reports it
                raise _NotSure from None
    if len(fields) > 1:
        fields = {key: fields[key] for key in _ADDRESS_FIELDS if key in fields}
    return fields | extra if extra else fields


def _line_item(data: dict[str, Any]) -> LineItemInput:
    if not _ITEM_NAMES.isdisjoint(data):
        raise _NotSure
    get = data.get
    line_id = get("lineItemId")
    product = get("productId")
    variant = get("variantId")
    quantity = get("quantity")
    if not (  # inline, not by ``_identifier`` and ``_quantity``: this runs per line
        type(line_id) is str
        and _IDENTIFIER(line_id)
        and type(product) is str
        and _IDENTIFIER(product)
        and type(variant) is str
        and _IDENTIFIER(variant)
        and type(quantity) is int
        and 1 <= quantity <= 1_000_000
    ):
        raise _NotSure
    discounted = get("discountedUnitPrice")
    taxes = get("unitTaxes")
    title = get("title")
    sku = get("sku")
    return LineItemInput(
        line_id,
        product,
        variant,
        quantity,
        _amount(get("originalUnitPrice")),
        None if discounted is None else _amount(discounted),
        ZERO if taxes is None else _amount(taxes),
        None if title is None else _short(title),
        None if sku is None else _short(sku),
    )


def _shipment(data: dict[str, Any]) -> ShipmentInput:
    if not _SHIPMENT_NAMES.isdisjoint(data):
        raise _NotSure
    get = data.get
    lines = []
    if "lineItems" in data:  # null is refused: the field has a default, not None
        for line in _objects(data["lineItems"], 0, 1_000):
            if not _SHIPMENT_LINE_NAMES.isdisjoint(line):
                raise _NotSure
            line_id = line.get("shipmentLineItemId")
            lines.append(
                ShipmentLineInput(
                    _identifier(line.get("orderLineItemId")),
                    _quantity(line.get("quantity")),
                    None if line_id is None else _identifier(line_id),
                )
            )
    return ShipmentInput(
        shipment_id=_identifier(get("shipmentId")),
        lines=lines,
        shipped_at=_instant(get("shippedAt")),
        tracking_reference=_short(get("trackingReference")),
        carrier=_short(get("carrier")),
    )


def _tags(value: object) -> list[str]:
    if type(value) is not list or len(value) > 100:
        raise _NotSure
    return [_short(tag) if tag is not None else _refuse() for tag in value]


def _refuse() -> Any:
    raise _NotSure


def order_command(data: dict[str, Any]) -> OrderInput | None:
    """``OrderBody.model_validate(data).to_command()`` for a body that is surely
    valid, or None: then validate with ``OrderBody`` (see above)."""
    try:
        if not _ORDER_NAMES.isdisjoint(data):
            raise _NotSure
        get = data.get
        currency = get("currencyCode")
        if type(currency) is not str or not _CURRENCY(currency):
            raise _NotSure
        number = get("orderNumber")
        if number is not None and (type(number) is not int or not 0 <= number <= 2**63 - 1):
            raise _NotSure
        gift = get("giftCardAmount")
        taxes = get("taxesAmount")
        shipments = get("shipments")
        tags = get("tags")
        return OrderInput(  # positional: keywords cost twice as much
            _identifier(get("orderId")),  # order_id
            currency,  # currency
            _amount(get("shippingCost")),  # shipping_cost
            _amount(get("totalAmount")),  # total_amount
            _address(get("shippingAddress")),  # shipping_address
            [_line_item(item) for item in _objects(get("lineItems"), 1, 1_000)],  # line_items
            [] if shipments is None else [_shipment(s) for s in _objects(shipments, 0, 1_000)],
            _short(get("orderName")),  # order_name
            number,  # order_number
            ZERO if gift is None else _amount(gift),  # gift_card_amount
            None if taxes is None else _amount(taxes),  # taxes_amount
            _instant(get("orderedAt")),  # ordered_at
            _instant(get("shippedAt")),  # shipped_at
            [] if tags is None else _tags(tags),  # tags
        )
    except _NotSure:
        return None


def order_command_from_json(body: bytes) -> OrderInput | None:
    """``order_command`` of the body's JSON, parsed by ``scan_plain``; None unless
    both are sure (then parse the body with ``loads`` and try again)."""
    scanned = scan_plain(body)
    if scanned is None:
        return None
    data, keys_in_text = scanned
    if type(data) is not dict:
        return None
    command = order_command(data)
    if command is None or _keys_read(data) != keys_in_text:  # a key was given twice
        return None
    return command


def _keys_read(data: dict[str, Any]) -> int:
    """The keys of every object of a body ``order_command`` accepted. An object it
    did not read (under a key it ignores) makes this fall short of the text's count."""
    count = len(data) + len(data["shippingAddress"])
    for item in data["lineItems"]:
        count += len(item)
    for shipment in data.get("shipments") or ():
        count += len(shipment)
        for line in shipment.get("lineItems", ()):
            count += len(line)
    return count


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
