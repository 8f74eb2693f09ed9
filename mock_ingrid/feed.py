"""``Feed``: tells open dashboards what changed, as it changes.

Three things change the world, and each reports here: a domain event (every status
change, from the state's listeners), a webhook attempt's outcome (from the outbox),
and a write request that succeeded (``FeedWrites``: clock moves, resets, state loads,
settings, subscriptions, everything that is not a status change).

Publishing never waits: the request (or the dispatcher) that made the change goes on
at once. Each subscriber has a bounded queue; one that falls behind (a slow client,
a scenario of ten thousand events) has its queue emptied and gets one ``resync``
notice instead, after which it reloads what it shows. ``close`` ends every stream:
an open stream would otherwise hold up the server's stop (uvicorn waits for open
responses before it runs the app's shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.webhooks.outbox import Delivery

QUEUE_SIZE = 1_000
_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # change, delivery, write, resync (and ready, end: the stream's own)
    data: dict[str, Any]


RESYNC = Notice("resync", {})
_END = Notice("end", {})


class Subscriber:
    """One open stream's queue, on the event loop that reads it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, size: int) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[Notice] = asyncio.Queue(size)
        # A resync waits in the queue: what comes before it is read is shown by the
        # reload it causes, so it is not queued.
        self.behind = False

    def offer(self, notice: Notice) -> None:
        """Queue ``notice`` from any thread, without waiting."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._put(notice)
        else:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody reads
                self.loop.call_soon_threadsafe(self._put, notice)

    def _put(self, notice: Notice) -> None:
        queue = self.queue
        if notice is _END:
            _drain(queue)
        elif self.behind:
            return
        elif queue.full():
            _drain(queue)  # what it missed is replaced by one reload
            notice = RESYNC
            self.behind = True
        queue.put_nowait(notice)

    async def next(self, timeout: float) -> Notice | None:
        """The next notice, or None when ``timeout`` seconds pass without one."""
        try:
            notice = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None
        if notice is RESYNC:
            self.behind = False
        return notice


def _drain(queue: asyncio.Queue[Notice]) -> None:
    while not queue.empty():
        queue.get_nowait()


class Feed:
    def __init__(self, size: int = QUEUE_SIZE) -> None:
        self.size = size
        self.subscribers: set[Subscriber] = set()
        # Opened by the app's lifespan: an app served without one (an in-process test
        # client) has no live feed, and a stream there ends after its ``ready``.
        self.closed = True

    def subscribe(self) -> Subscriber:
        """A new stream's queue (call on the loop that will read it); after ``close``
        the stream ends at once."""
        subscriber = Subscriber(asyncio.get_running_loop(), self.size)
        if self.closed:
            subscriber.offer(_END)
        else:
            self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        if not self.subscribers:
            return
        notice = Notice(kind, data)
        for subscriber in list(self.subscribers):
            subscriber.offer(notice)

    def open(self) -> None:
        """Accept streams again (a server starting on this runtime)."""
        self.closed = False

    def close(self) -> None:
        """End every open stream (from any thread): the server is stopping."""
        self.closed = True
        for subscriber in list(self.subscribers):
            subscriber.offer(_END)
        self.subscribers.clear()

    # -- the sources ------------------------------------------------------------------

    def on_event(self, event: DomainEvent) -> None:
        if self.subscribers:
            self.publish(
                "change",
                {
                    "merchant": event.merchant,
                    "entity": event.entity,
                    "entityId": event.entity_id,
                    "returnId": event.return_id,
                    "event": event.event,
                    "status": event.target,
                },
            )

    def on_attempt(self, delivery: Delivery) -> None:
        if self.subscribers:
            message = delivery.message
            self.publish(
                "delivery",
                {
                    "merchant": message.merchant,
                    "eventId": message.message_id,
                    "deliveryId": delivery.delivery_id,
                    "returnId": message.return_id,
                    "status": delivery.status,
                },
            )


class FeedWrites:
    """ASGI middleware: a write request that succeeded is a ``write`` notice (its
    method, path and status) once its response has gone out. A refused one changed
    nothing, so it says nothing."""

    def __init__(self, app: ASGIApp, feed: Feed) -> None:
        self.app = app
        self.feed = feed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Nobody watching: no wrapper at all (a stream opened meanwhile loads the
        # state fresh when it starts).
        if scope["type"] != "http" or scope["method"] in _READ_ONLY or not self.feed.subscribers:
            await self.app(scope, receive, send)
            return
        status = 0

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            if 200 <= status < 400:
                self.feed.publish(
                    "write", {"method": scope["method"], "path": scope["path"], "status": status}
                )
