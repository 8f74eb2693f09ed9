"""The outbox: every webhook message, its deliveries, and when each is due.

Pure bookkeeping, no I/O and no clock of its own: callers pass ``now`` (the
runtime clock), so a virtual clock can later drive it with ``take_due(now)``
exactly as the dispatcher does with real time. A message is rendered once,
when its event fires; every attempt and every resend sends those bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from mock_ingrid.settings import DEFAULT_WEBHOOK_HISTORY
from mock_ingrid.webhooks.schedule import Schedule
from mock_ingrid.webhooks.subscriptions import Subscription

# Never wait longer than this for a receiver's Retry-After.
MAX_RETRY_AFTER = timedelta(days=1)


class DeliveryStatus:
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    ALL = (PENDING, SUCCEEDED, FAILED, CANCELLED)


@dataclass(frozen=True, slots=True)
class Message:
    """One webhook event, rendered: what every delivery of it sends."""

    message_id: str
    merchant: str
    event_type: str
    return_id: str
    entity_id: str
    triggered_at: datetime
    body: bytes


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int
    at: datetime  # the runtime clock, like every other time the emulator shows
    timestamp: int  # the webhook-timestamp sent: real seconds, for the receiver's window
    url: str
    status_code: int | None
    latency_ms: float
    error: str | None
    response_body: str

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True)
class Delivery:
    delivery_id: str
    message: Message
    subscription_id: str
    url: str
    secret: str
    created_at: datetime
    resend: bool = False
    status: str = DeliveryStatus.PENDING
    next_attempt_at: datetime | None = None
    in_flight: bool = False
    reason: str | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """Pending and not being attempted right now."""
        return self.status == DeliveryStatus.PENDING and not self.in_flight


# Bodies compressed together in the message log; a read decompresses one block (~15 us).
BODIES_PER_BLOCK = 64


class _MerchantRows:
    """Where a run of one merchant's messages sits in the log: their sequence numbers
    are consecutive, so the row of ``seq`` is ``rows[seq - first_seq]``. A merchant
    has a new run where its numbering jumps (after an import, see
    ``Outbox.continue_numbering``). ``number`` is its place in the log's list of runs
    (what each row stores)."""

    __slots__ = ("first_seq", "merchant", "number", "prefix", "rows")

    def __init__(self, merchant: str, prefix: str, first_seq: int, number: int) -> None:
        self.merchant = merchant
        self.prefix = prefix
        self.first_seq = first_seq
        self.number = number
        self.rows = array("I")


class MessageLog(Mapping[str, Message]):
    """Every webhook message, by id, in the order they were added: stored compactly.

    With a million returns the log holds about three million messages, and as
    objects (with their 4 KB orjson buffers) they were most of the memory. Here a
    message is a row of columns that reference the strings and the instant the
    domain already holds (merchant key, return and entity ids, the event's time),
    and its body goes into a block of ``BODIES_PER_BLOCK`` bodies that is
    zlib-compressed once full (about 20 bytes a body instead of 300). Reading a
    message builds a ``Message`` whose body is the very bytes that were added.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._prefixes: dict[str, list[_MerchantRows]] = {}
        self._last: _MerchantRows | None = None  # the merchant of the last message added
        # Small numbers per row (4 and 2 bytes, not 8-byte references): the merchant
        # (an index into ``_merchants``), its sequence number, the event type (an
        # index into ``_types``).
        self._merchants: list[_MerchantRows] = []
        self._owner = array("I")
        self._seq = array("I")
        self._types: list[str] = []
        self._type_numbers: dict[str, int] = {}
        self._type = array("H")
        self._return: list[str] = []
        self._entity: list[str] = []
        self._at: list[datetime] = []
        self._ends = array("I")  # where each body ends in its block's bytes
        self._blocks: list[bytes] = []  # full blocks, compressed
        self._open = bytearray()  # the bodies of the block being filled
        self._cached: tuple[int, bytes] = (-1, b"")  # the last block decompressed

    def add(self, message: Message, seq: int) -> None:
        rows = self._last
        if rows is None or rows.merchant != message.merchant or not _continues(rows, seq):
            prefix = message_prefix(message.merchant)
            candidates = self._prefixes.setdefault(prefix, [])
            found = (r for r in candidates if r.merchant == message.merchant and _continues(r, seq))
            rows = next(found, None)
            if rows is None:
                rows = _MerchantRows(message.merchant, prefix, seq, len(self._merchants))
                candidates.append(rows)
                self._merchants.append(rows)
            self._last = rows
        type_number = self._type_numbers.get(message.event_type)
        if type_number is None:
            type_number = self._type_numbers[message.event_type] = len(self._types)
            self._types.append(message.event_type)
        rows.rows.append(len(self._owner))
        self._owner.append(rows.number)
        self._seq.append(seq)
        self._type.append(type_number)
        self._return.append(message.return_id)
        self._entity.append(message.entity_id)
        self._at.append(message.triggered_at)
        self._open += message.body
        self._ends.append(len(self._open))
        if len(self._owner) % BODIES_PER_BLOCK == 0:
            self._blocks.append(zlib.compress(self._open, 1))
            self._open = bytearray()

    def _row(self, message_id: str) -> int | None:
        head, _, seq_text = message_id.rpartition("_")
        if not head.startswith("msg_") or not seq_text.isdigit() or not seq_text.isascii():
            return None
        seq = int(seq_text)
        for rows in self._prefixes.get(head[4:], ()):
            if rows.first_seq <= seq < rows.first_seq + len(rows.rows):
                return rows.rows[seq - rows.first_seq]
        return None

    def _body(self, row: int) -> bytes:
        block, place = divmod(row, BODIES_PER_BLOCK)
        start = self._ends[row - 1] if place else 0
        end = self._ends[row]
        if block == len(self._blocks):
            return bytes(self._open[start:end])
        if self._cached[0] != block:
            self._cached = (block, zlib.decompress(self._blocks[block]))
        return self._cached[1][start:end]

    def _message(self, row: int) -> Message:
        owner = self._merchants[self._owner[row]]
        return Message(
            f"msg_{owner.prefix}_{self._seq[row]}",
            owner.merchant,
            self._types[self._type[row]],
            self._return[row],
            self._entity[row],
            self._at[row],
            self._body(row),
        )

    def __getitem__(self, message_id: str) -> Message:
        row = self._row(message_id) if isinstance(message_id, str) else None
        if row is None:
            raise KeyError(message_id)
        return self._message(row)

    def __contains__(self, message_id: object) -> bool:
        return isinstance(message_id, str) and self._row(message_id) is not None

    def __iter__(self) -> Iterator[str]:
        merchants = self._merchants
        for row, number in enumerate(self._owner):
            yield f"msg_{merchants[number].prefix}_{self._seq[row]}"

    def __len__(self) -> int:
        return len(self._owner)

    def values(self) -> Iterator[Message]:  # type: ignore[override]
        """Every message in order (each block is decompressed once)."""
        return (self._message(row) for row in range(len(self._owner)))

    def clear(self) -> None:
        self._reset()


def _continues(rows: _MerchantRows, seq: int) -> bool:
    return seq == rows.first_seq + len(rows.rows)


@lru_cache(maxsize=4096)
def message_prefix(merchant: str) -> str:
    """A short digest of the merchant key: ids stay unique across merchants
    (receivers deduplicate on ``webhook-id``) without putting a key in a header."""
    return hashlib.sha256(merchant.encode("utf-8")).hexdigest()[:10]


class Outbox:
    def __init__(
        self, schedule: Schedule, rng: random.Random, history: int = DEFAULT_WEBHOOK_HISTORY
    ) -> None:
        self.schedule = schedule
        self.rng = rng
        self.paused = False
        self.messages = MessageLog()
        self.deliveries: dict[str, Delivery] = {}
        # Finished deliveries, oldest first: past ``history`` of them the oldest is
        # forgotten, so a long run with webhooks does not grow without bound.
        self.history = history
        self._finished: deque[str] = deque()
        self.forgotten = 0
        self._queue: list[tuple[datetime, int, str]] = []
        self._pushes = 0
        self._delivery_seq = 0
        # Kept across ``clear`` and in the state file: a webhook-id is never reused.
        self._message_seq: dict[str, int] = {}
        # Where a merchant's numbers start (past ids a killed server may have sent).
        self.first_number = 0
        # Counts what changes the deliveries without a request or a domain event (an
        # attempt's outcome), so a checkpoint knows there is something to save.
        self.revision = 0
        # Told of each attempt's outcome once recorded (the dashboard's live feed).
        self.attempt_listeners: list[Callable[[Delivery], None]] = []

    def continue_numbering(self, merchant: str, events: int) -> None:
        """After an import (``--state-file``, ``PUT /_mock/state``) of a merchant that
        has had ``events`` domain events: number its next messages past them. A
        message is made by one event, so its sequence number never exceeded the
        event count: no ``webhook-id`` a receiver saw before a restart comes again."""
        if self._message_seq.get(merchant, self.first_number) < events:
            self._message_seq[merchant] = events

    # -- messages and deliveries ----------------------------------------------

    def add_message(
        self,
        merchant: str,
        event_type: str,
        return_id: str,
        entity_id: str,
        triggered_at: datetime,
        body: bytes,
    ) -> Message:
        seq = self._message_seq.get(merchant, self.first_number) + 1
        self._message_seq[merchant] = seq
        message = Message(
            f"msg_{message_prefix(merchant)}_{seq}",
            merchant,
            event_type,
            return_id,
            entity_id,
            triggered_at,
            # An exact-size copy: orjson's output keeps a 4 KB buffer, and deliveries
            # hold the message until they are done.
            bytes(memoryview(body)),
        )
        self.messages.add(message, seq)
        return message

    def deliver(
        self,
        message: Message,
        subscriptions: Iterable[Subscription],
        now: datetime,
        resend: bool = False,
    ) -> list[Delivery]:
        """One delivery per subscription, its first attempt due after the first delay."""
        created = []
        for subscription in subscriptions:
            self._delivery_seq += 1
            delivery = Delivery(
                f"dlv_{self._delivery_seq}",
                message,
                subscription.subscription_id,
                subscription.url,
                subscription.secret,
                now,
                resend=resend,
            )
            self.deliveries[delivery.delivery_id] = delivery
            first = self.schedule.delay(0, self.rng)
            self._schedule(delivery, now + (first or timedelta(0)))
            created.append(delivery)
        return created

    def _schedule(self, delivery: Delivery, due: datetime) -> None:
        delivery.next_attempt_at = due
        self._pushes += 1
        heapq.heappush(self._queue, (due, self._pushes, delivery.delivery_id))

    # -- what is due ------------------------------------------------------------

    def take_due(self, now: datetime, force: bool = False) -> list[Delivery]:
        """Deliveries to attempt now, in due order, marked in flight.

        ``force`` takes every waiting delivery whatever its due time, even when paused.
        """
        if self.paused and not force:
            return []
        taken = []
        while self._queue and (force or self._queue[0][0] <= now):
            due, _, delivery_id = heapq.heappop(self._queue)
            delivery = self.deliveries.get(delivery_id)
            if delivery is None or not delivery.waiting or delivery.next_attempt_at != due:
                continue  # cancelled, or rescheduled since: a stale queue entry
            delivery.in_flight = True
            taken.append(delivery)
        return taken

    def next_due(self) -> datetime | None:
        while self._queue:
            due, _, delivery_id = self._queue[0]
            delivery = self.deliveries.get(delivery_id)
            if delivery is not None and delivery.waiting and delivery.next_attempt_at == due:
                return due
            heapq.heappop(self._queue)
        return None

    def due_now(self, now: datetime) -> bool:
        due = self.next_due()
        return not self.paused and due is not None and due <= now

    # -- outcomes ---------------------------------------------------------------

    def finish(
        self, delivery: Delivery, attempt: Attempt, retry_after: timedelta | None, now: datetime
    ) -> None:
        """Record an attempt: done on 2xx, failed for good on 410, otherwise retried."""
        delivery.attempts.append(attempt)
        delivery.in_flight = False
        self.revision += 1
        if delivery.status != DeliveryStatus.PENDING:
            return  # cancelled while the attempt was out
        if attempt.succeeded:
            self._close(delivery, DeliveryStatus.SUCCEEDED, None)
        elif attempt.status_code == 410:
            self._close(delivery, DeliveryStatus.FAILED, "410 Gone: the subscription is disabled")
        else:
            self._retry(delivery, retry_after, now)
        for listener in self.attempt_listeners:
            listener(delivery)

    def _retry(self, delivery: Delivery, retry_after: timedelta | None, now: datetime) -> None:
        delay = self.schedule.delay(len(delivery.attempts), self.rng)
        if delay is None:
            reason = f"no attempt left after {len(delivery.attempts)}"
            self._close(delivery, DeliveryStatus.FAILED, reason)
            return
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        self._schedule(delivery, now + delay)

    def release(self, delivery: Delivery) -> None:
        """An attempt was abandoned before it finished (shutdown): due again at once."""
        delivery.in_flight = False
        if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
            self._schedule(delivery, delivery.next_attempt_at)

    def _close(self, delivery: Delivery, status: str, reason: str | None) -> None:
        self.revision += 1
        delivery.status = status
        delivery.reason = reason
        delivery.next_attempt_at = None
        finished = self._finished
        finished.append(delivery.delivery_id)
        while len(finished) > self.history:
            # (an attempt still out for a cancelled one holds it until it ends; one
            # closed after a reset is in no table)
            if self.deliveries.pop(finished.popleft(), None) is not None:
                self.forgotten += 1

    def cancel_subscription(self, subscription_id: str, reason: str) -> int:
        found = [d for d in self.pending() if d.subscription_id == subscription_id]
        for delivery in found:
            self._close(delivery, DeliveryStatus.CANCELLED, reason)
        return len(found)

    def discard_pending(self, reason: str) -> int:
        """Cancel every waiting delivery (attempts already out still finish)."""
        found = [d for d in self.pending() if not d.in_flight]
        for delivery in found:
            self._close(delivery, DeliveryStatus.CANCELLED, reason)
        return len(found)

    # -- inspection -------------------------------------------------------------

    def pending(self) -> Iterator[Delivery]:
        return (d for d in self.deliveries.values() if d.status == DeliveryStatus.PENDING)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(DeliveryStatus.ALL, 0)
        in_flight = 0
        for delivery in self.deliveries.values():
            counts[delivery.status] += 1
            in_flight += delivery.in_flight
        counts["IN_FLIGHT"] = in_flight
        return counts

    # -- a state file -------------------------------------------------------------

    @property
    def delivery_number(self) -> int:
        """The number of the last delivery id given (``dlv_<n>``)."""
        return self._delivery_seq

    def numbering(self) -> dict[str, int]:
        """Each merchant's last ``webhook-id`` number; a reset never lowers one."""
        return dict(self._message_seq)

    def skip_numbers(self, count: int) -> None:
        """Every merchant's next ``webhook-id`` ``count`` further on (after a kill)."""
        self.first_number += count
        for merchant in self._message_seq:
            self._message_seq[merchant] += count

    def restore(
        self,
        numbering: Mapping[str, int],
        first_number: int,
        delivery_number: int,
        pending: Iterable[Delivery],
    ) -> None:
        """What a state file kept: the id numbers, and the deliveries still pending, due
        as they were (at once, for one whose attempt a stop interrupted). Their messages
        go back in the log, so they are listed and can be resent."""
        self.first_number = max(self.first_number, first_number)
        for merchant, number in numbering.items():
            self.continue_numbering(merchant, number)
        self._delivery_seq = max(self._delivery_seq, delivery_number)
        for delivery in sorted(pending, key=_message_order):
            message = delivery.message
            if message.message_id not in self.messages:
                self.messages.add(message, message_number(message.message_id))
            self.deliveries[delivery.delivery_id] = delivery
            assert delivery.next_attempt_at is not None
            self._schedule(delivery, delivery.next_attempt_at)

    def clear(self) -> None:
        """Forget every message and delivery (a state reset); id sequences go on."""
        self.messages.clear()
        self.deliveries.clear()
        self._finished.clear()
        self.forgotten = 0
        self._queue.clear()


def message_number(message_id: str) -> int:
    """The ``<n>`` of ``msg_<digest>_<n>``."""
    return int(message_id.rpartition("_")[2])


def _message_order(delivery: Delivery) -> tuple[str, int]:
    return delivery.message.merchant, message_number(delivery.message.message_id)
