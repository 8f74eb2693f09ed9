"""One merchant's world: its tables, indexes, id sequences and event stream."""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator, Mapping, MutableSequence
from datetime import datetime
from decimal import Decimal
from functools import wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from mock_ingrid.clock import Clock
from mock_ingrid.domain.errors import NotFound
from mock_ingrid.domain.events import WEBHOOK_TRIGGERS, DomainEvent, EventListener
from mock_ingrid.domain.lifecycle import LIFECYCLES, Transition
from mock_ingrid.domain.model import (
    ExchangeOrder,
    MerchantSettings,
    Order,
    Product,
    RefundTransaction,
    Return,
    WarehouseReport,
)
from mock_ingrid.ids import IdFactory

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

# Kinds whose lists filter by status.
INDEXED_KINDS = ("return", "refund", "exchange")

# Distinct amounts a merchant shares (see ``Merchant.amount``); past this, new ones
# are kept as they come.
SHARED_AMOUNTS = 4096

# The longest API key: as long as any identifier (a longer one gets a 401).
MAX_API_KEY_LENGTH = 256

# The largest id an ``array('q')`` of the status index holds.
_INT64_MAX = 2**63 - 1


class HasLifecycle(Protocol):
    status: str

    def record_change(self, step: Transition, at: datetime) -> None: ...


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
        # A tuple per order (one return is the common case: 48 bytes, a list 104).
        self.returns_by_order: dict[str, tuple[str, ...]] = {}
        self.returns_by_tracking: dict[str, str] = {}
        # kind -> status -> numeric ids in creation order, for filtered lists. An
        # ``array('q')`` per status holds 8 bytes an id; a list would hold a pointer to
        # an int object of its own (40 bytes an id, two ids a settled return). An id
        # past 64 bits (a restored snapshot may hold one) turns its bucket into a list.
        self.status_index: dict[str, dict[str, MutableSequence[int]]] = {
            k: {} for k in INDEXED_KINDS
        }
        self._listeners = listeners if listeners is not None else []
        self.event_seq = 0
        self._instant: datetime | None = None  # while an operation runs: see one_instant
        self._amounts: dict[str, Decimal] = {}

    def is_blank(self) -> bool:
        """Nothing was ever written for this merchant: no entity, no id or event handed
        out. (Its settings change only through ``/_mock/merchants``, which keeps it.)"""
        return not (
            self.products
            or self.orders
            or self.returns
            or self.reports
            or self.refunds
            or self.exchanges
            or self.event_seq
            or self.ids.peek()
        )

    def rebuild_indexes(self) -> None:
        """Derive the lookup indexes from the tables (after an import)."""
        self.returns_by_order = {}
        self.returns_by_tracking = {}
        for ret in self.returns.values():
            self.add_return_of_order(ret.order_id, ret.return_id)
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
        into = buckets.get(target)
        if into is None:
            into = buckets[target] = array("q")
        if number > _INT64_MAX and isinstance(into, array):
            into = buckets[target] = list(into)
        insort(into, number)

    def rebind(self, listeners: list[EventListener]) -> None:
        """Send future events to ``listeners`` (after loading in a scratch state)."""
        self._listeners = listeners

    def amount(self, value: Decimal) -> Decimal:
        """One shared ``Decimal`` per distinct amount (prices and refund sums repeat
        across a shop's orders; each object is 104 bytes). Keyed by the exact text, so
        ``299`` and ``299.00`` stay apart: what is stored reads exactly as given."""
        key = str(value)
        found = self._amounts.get(key)
        if found is not None:
            return found
        if len(self._amounts) < SHARED_AMOUNTS:
            self._amounts[key] = value
        return value

    def now(self) -> datetime:
        instant = self._instant
        return instant if instant is not None else self.clock.now()

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

    def add_return_of_order(self, order_id: str, return_id: str) -> None:
        self.returns_by_order[order_id] = (*self.returns_by_order.get(order_id, ()), return_id)

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
        step = LIFECYCLES[kind].transition(entity_id, source, event)
        target = step.target
        at = self.now()
        entity.status = target
        entity.record_change(step, at)
        self._index_status(kind, entity_id, source, target)
        self.event_seq += 1
        record = DomainEvent(
            self.event_seq,
            self.key,
            kind,
            entity_id,
            return_id,
            event,
            source,
            target,
            at,
            WEBHOOK_TRIGGERS.get((kind, target)),
        )
        for listener in self._listeners:
            listener(record)


def one_instant(
    operation: Callable[Concatenate[Merchant, P], R],
) -> Callable[Concatenate[Merchant, P], R]:
    """Run a domain operation at one instant: the clock is read once, when the
    outermost operation starts, and every stamp it (and what it calls) makes is that
    same datetime object. One operation happens at one time (``createdAt`` equals
    ``updatedAt`` on a new entity), and a return holds about three datetimes instead
    of fourteen (48 bytes each). With a frozen clock nothing changes."""

    @wraps(operation)
    def at_one_instant(m: Merchant, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if m._instant is not None:
            return operation(m, *args, **kwargs)
        m._instant = m.clock.now()
        try:
            return operation(m, *args, **kwargs)
        finally:
            m._instant = None

    return at_one_instant


def _require(table: dict[str, T], kind: str, entity_id: str, path: str | None) -> T:
    try:
        return table[entity_id]
    except KeyError:
        raise NotFound(kind, entity_id, path) from None
