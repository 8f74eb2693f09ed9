"""One merchant's world: its tables, indexes, id sequences and event stream."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Protocol, TypeVar

from mock_ingrid.clock import Clock
from mock_ingrid.domain.errors import NotFound
from mock_ingrid.domain.events import WEBHOOK_TRIGGERS, DomainEvent, EventListener
from mock_ingrid.domain.lifecycle import LIFECYCLES
from mock_ingrid.domain.model import (
    ExchangeOrder,
    MerchantSettings,
    Order,
    Product,
    RefundTransaction,
    Return,
    StatusChange,
    WarehouseReport,
)
from mock_ingrid.ids import IdFactory

T = TypeVar("T")

# Kinds whose lists filter by status.
INDEXED_KINDS = ("return", "refund", "exchange")


class HasLifecycle(Protocol):
    status: str
    history: list[StatusChange]


class Merchant:
    """Everything one API key owns. Lookups are dict hits; lists keep creation order."""

    def __init__(
        self,
        key: str,
        clock: Clock,
        settings: MerchantSettings | None = None,
        listeners: list[EventListener] | None = None,
    ) -> None:
        self.key = key
        self.clock = clock
        self.settings = settings or MerchantSettings()
        self.ids = IdFactory()
        self.products: dict[str, Product] = {}
        self.orders: dict[str, Order] = {}
        self.returns: dict[str, Return] = {}
        self.reports: dict[str, WarehouseReport] = {}
        self.refunds: dict[str, RefundTransaction] = {}
        self.exchanges: dict[str, ExchangeOrder] = {}
        self.returns_by_order: dict[str, list[str]] = {}
        self.returns_by_tracking: dict[str, str] = {}
        # kind -> status -> numeric ids in creation order, for filtered lists.
        self.status_index: dict[str, dict[str, list[int]]] = {k: {} for k in INDEXED_KINDS}
        self._listeners = listeners if listeners is not None else []
        self.event_seq = 0

    def rebuild_indexes(self) -> None:
        """Derive the lookup indexes from the tables (after an import)."""
        self.returns_by_order = {}
        self.returns_by_tracking = {}
        for ret in self.returns.values():
            self.returns_by_order.setdefault(ret.order_id, []).append(ret.return_id)
            if ret.shipment is not None:
                self.returns_by_tracking[ret.shipment.tracking_reference] = ret.return_id
        self.status_index = {k: {} for k in INDEXED_KINDS}
        for kind, table in self._indexed_tables().items():
            for entity_id, entity in table.items():
                self._index_status(kind, entity_id, None, entity.status)

    def _indexed_tables(self) -> dict[str, Mapping[str, HasLifecycle]]:
        return {"return": self.returns, "refund": self.refunds, "exchange": self.exchanges}

    # Entities in a status, in creation order, from the index (no scan).

    def returns_in(self, status: str) -> Iterator[Return]:
        return (self.returns[str(n)] for n in self.status_index["return"].get(status, ()))

    def refunds_in(self, status: str) -> Iterator[RefundTransaction]:
        return (self.refunds[str(n)] for n in self.status_index["refund"].get(status, ()))

    def exchanges_in(self, status: str) -> Iterator[ExchangeOrder]:
        return (self.exchanges[str(n)] for n in self.status_index["exchange"].get(status, ()))

    def _index_status(self, kind: str, entity_id: str, source: str | None, target: str) -> None:
        if kind not in self.status_index or not entity_id.isdigit():
            return
        number, buckets = int(entity_id), self.status_index[kind]
        if source is not None and source in buckets:
            bucket = buckets[source]
            at = bisect_left(bucket, number)
            if at < len(bucket) and bucket[at] == number:
                del bucket[at]
        insort(buckets.setdefault(target, []), number)

    def rebind(self, listeners: list[EventListener]) -> None:
        """Send future events to ``listeners`` (after loading in a scratch state)."""
        self._listeners = listeners

    def now(self) -> datetime:
        return self.clock.now()

    # -- lookups that raise -------------------------------------------------

    def require_product(self, product_id: str, path: str | None = None) -> Product:
        return _require(self.products, "product", product_id, path)

    def require_order(self, order_id: str, path: str | None = None) -> Order:
        return _require(self.orders, "order", order_id, path)

    def require_return(self, return_id: str, path: str | None = None) -> Return:
        return _require(self.returns, "return", return_id, path)

    def require_refund(self, refund_id: str, path: str | None = None) -> RefundTransaction:
        return _require(self.refunds, "refund transaction", refund_id, path)

    def require_exchange(self, exchange_id: str, path: str | None = None) -> ExchangeOrder:
        return _require(self.exchanges, "exchange order", exchange_id, path)

    def require_report(self, report_id: str, path: str | None = None) -> WarehouseReport:
        return _require(self.reports, "warehouse report", report_id, path)

    def returns_of_order(self, order_id: str) -> list[Return]:
        return [self.returns[rid] for rid in self.returns_by_order.get(order_id, ())]

    # -- the one way a status changes ---------------------------------------

    def target_of(self, kind: str, entity_id: str, status: str, event: str) -> str:
        """Check a transition without applying it (for validating before changing)."""
        return LIFECYCLES[kind].target(entity_id, status, event)

    def move(
        self, kind: str, entity: HasLifecycle, entity_id: str, return_id: str, event: str
    ) -> None:
        source = entity.status
        target = LIFECYCLES[kind].target(entity_id, source, event)
        at = self.now()
        entity.status = target
        entity.history.append(StatusChange(event, source, target, at))
        self._index_status(kind, entity_id, source, target)
        self.event_seq += 1
        record = DomainEvent(
            seq=self.event_seq,
            merchant=self.key,
            entity=kind,
            entity_id=entity_id,
            return_id=return_id,
            event=event,
            source=source,
            target=target,
            at=at,
            webhook=WEBHOOK_TRIGGERS.get((kind, target)),
        )
        for listener in self._listeners:
            listener(record)


def _require(table: dict[str, T], kind: str, entity_id: str, path: str | None) -> T:
    try:
        return table[entity_id]
    except KeyError:
        raise NotFound(kind, entity_id, path) from None
