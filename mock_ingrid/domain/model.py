"""Entities of one merchant's world. Plain data; the operations live beside them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from mock_ingrid.domain.lifecycle import LIFECYCLES, Transition
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
    lines: tuple[ShipmentLine, ...]
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
    shipments: tuple[Shipment, ...] = ()
    order_name: str | None = None
    order_number: int | None = None
    gift_card_amount: Decimal = ZERO
    taxes_amount: Decimal | None = None
    shipped_at: datetime | None = None
    tags: tuple[str, ...] = ()

    @property
    def customer_email(self) -> str | None:
        """The customer's email: the order body has no field of its own for it, the
        reference's orders carry it in the shipping address."""
        email = self.shipping_address.get("email")
        return email if isinstance(email, str) else None

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


class HasHistory:
    """An entity with a status history, kept compact. The ``history`` slot holds a
    tuple ``(shape, *instants)``: ``shape`` lists each change's (lifecycle-shared)
    ``Transition`` with where its instant is (the entity's ``created_at``, or one of
    the distinct ``instants`` after it), and is shared by every entity that went the
    same way (see ``_append``). A report or refund (every change at its creation)
    then holds one shared tuple; a settled return (four changes: two at its creation,
    two at its inspection) one instant.

    ``history`` reads as a tuple of ``StatusChange`` (built on each read: it is no
    list to append to; ``record_change`` is the one way to add a change) and is set,
    by ``__init__`` and snapshot imports, from any sequence of them;
    ``compact_history`` installs it."""

    __slots__ = ()
    # The dataclass's member descriptor of the ``history`` slot: its ``__get__`` gives
    # the history as stored, for code that reads many at once (the snapshot's writer,
    # ``entity_codec.dumper``) without building a ``StatusChange`` per change.
    _history_slot: Any
    created_at: datetime

    def record_change(self, step: Transition, at: datetime) -> None:
        slot = type(self)._history_slot
        slot.__set__(self, _append(slot.__get__(self), step, at, self.created_at))


# A history's shape: each change's transition and where its instant is: ``CREATED_AT``
# or an index into the instants that follow the shape.
_Shape = tuple[tuple[Transition, int], ...]
CREATED_AT = -1
_EMPTY: tuple[_Shape] = ((),)
# (shape, transition, instant) -> ``(longer,)``, the shape one change longer (in the
# tuple that is the whole history when no instant is stored). Past the bound, new
# shapes are made as they come (still correct, only not shared).
_SHAPES: dict[tuple[_Shape, Transition, int], tuple[_Shape]] = {}
SHARED_SHAPES = 4096


def _same(a: datetime | None, b: datetime) -> bool:
    """The same instant, read the same: the very object (one operation stamps one,
    see ``one_instant``), or an equal one with the same zone."""
    return a is b or (a is not None and a == b and a.tzinfo is b.tzinfo and a.fold == b.fold)


def _append(
    flat: tuple[Any, ...], step: Transition, at: datetime, created: datetime | None
) -> tuple[Any, ...]:
    """The compact history ``flat`` with one more change."""
    count = len(flat) - 1  # instants stored
    if _same(created, at):
        index, stored = CREATED_AT, False
    elif count and _same(flat[-1], at):
        index, stored = count - 1, False
    else:
        index, stored = count, True
    key = (flat[0], step, index)
    bare = _SHAPES.get(key)
    if bare is None:
        bare = ((*flat[0], (step, index)),)
        if len(_SHAPES) < SHARED_SHAPES:
            _SHAPES[key] = bare
    if stored:
        return (*bare, *flat[1:], at)
    return (*bare, *flat[1:]) if count else bare


def _instant(entity: HasHistory, flat: tuple[Any, ...], index: int) -> datetime:
    return entity.created_at if index == CREATED_AT else flat[index + 1]


_E = TypeVar("_E", bound=type[HasHistory])


def compact_history(kind: str) -> Callable[[_E], _E]:
    """Install the compact ``history`` on an entity class of lifecycle ``kind``."""
    shared = {(t.event, t.source, t.target): t for t in LIFECYCLES[kind].transitions}
    return lambda cls: _install_history(cls, shared)


def _install_history(cls: _E, shared: dict[tuple[str, str, str], Transition]) -> _E:
    slot = cls.__dict__["history"]

    def read(self: HasHistory) -> tuple[StatusChange, ...]:
        flat = slot.__get__(self)
        return tuple(
            StatusChange(step.event, step.source, step.target, _instant(self, flat, index))
            for step, index in flat[0]
        )

    def write(self: HasHistory, changes: Iterable[StatusChange]) -> None:
        created = getattr(self, "created_at", None)  # set first: ``history`` is last
        flat: tuple[Any, ...] = _EMPTY
        for change in changes:
            key = (change.event, change.source, change.target)
            flat = _append(flat, shared.get(key) or Transition(*key), change.at, created)
        slot.__set__(self, flat)

    cls._history_slot = slot
    setattr(cls, "history", property(read, write))  # noqa: B010
    return cls


@compact_history("return")
@dataclass(slots=True)
class Return(HasHistory):
    return_id: str
    order_id: str
    status: str
    items: tuple[ReturnItem, ...]  # fixed once created (48 bytes for one; a list 88)
    created_at: datetime
    updated_at: datetime
    shipment: ReturnShipment | None = None
    customer_note: str | None = None
    report_id: str | None = None
    delivered_at: datetime | None = None
    # Tuples: most returns have one refund and no exchange (48 and 0 bytes; lists
    # take 88 and 56). Settlement adds to them by replacing the tuple.
    refund_ids: tuple[str, ...] = ()
    exchange_ids: tuple[str, ...] = ()
    history: tuple[StatusChange, ...] = ()

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


@compact_history("report")
@dataclass(slots=True)
class WarehouseReport(HasHistory):
    report_id: str
    return_id: str
    order_id: str
    status: str
    processing: ReportProcessing
    items: tuple[ReportItem, ...]
    created_at: datetime
    tracking_reference: str | None = None
    return_station: str | None = None
    comment: str | None = None
    history: tuple[StatusChange, ...] = ()


@dataclass(slots=True)
class RefundLine:
    order_line_item_id: str
    quantity: int
    amount: Decimal


@compact_history("refund")
@dataclass(slots=True)
class RefundTransaction(HasHistory):
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
    lines: tuple[RefundLine, ...]
    created_at: datetime
    updated_at: datetime
    gift_card_amount: Decimal = ZERO
    refunded_amount: Decimal | None = None
    transaction_id: str | None = None
    completed_at: datetime | None = None
    history: tuple[StatusChange, ...] = ()


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


@compact_history("exchange")
@dataclass(slots=True)
class ExchangeOrder(HasHistory):
    exchange_id: str
    return_id: str
    order_id: str
    status: str
    currency: str
    exchange_cost: Decimal
    items: tuple[ExchangeItem, ...]
    created_at: datetime
    updated_at: datetime
    completed_order_id: str | None = None
    completed_order_number: str | None = None
    completed_order_name: str | None = None
    completed_at: datetime | None = None
    history: tuple[StatusChange, ...] = ()
