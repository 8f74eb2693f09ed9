"""The dispatcher in process, against a loopback receiver that never answers: lanes,
slots and what a shutdown past its grace leaves behind."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from mock_ingrid.clock import ControlledClock
from mock_ingrid.webhooks.dispatcher import PER_ORIGIN_CONCURRENCY, Dispatcher, parse_target
from mock_ingrid.webhooks.outbox import DeliveryStatus, Outbox
from mock_ingrid.webhooks.schedule import parse_schedule
from mock_ingrid.webhooks.subscriptions import Subscriptions

T0 = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
SECRET = "whsec_dGhlIG1vY2staW5ncmlkIHRlc3Qgc2VjcmV0IQ=="


async def poll(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)  # the polling interval, not a wait for state


def test_a_shutdown_past_its_grace_leaves_every_delivery_pending_and_due() -> None:
    async def main() -> None:
        connected: list[asyncio.StreamWriter] = []

        async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connected.append(writer)
            await reader.read()  # never answers; ends when the dispatcher hangs up

        server = await asyncio.start_server(hang, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        box = Outbox(parse_schedule("0,1s"), random.Random(0))
        subs = Subscriptions()
        subs.add(None, f"http://127.0.0.1:{port}/hooks", None, SECRET, T0, "cli")
        for n in range(10):
            message = box.add_message("shop", "RETURN_CREATED", str(n), str(n), T0, b"{}")
            box.deliver(message, subs.all(), T0)
        dispatcher = Dispatcher(box, ControlledClock(T0), timeout=30.0, on_gone=lambda _: None)
        await dispatcher.start()
        await poll(lambda: len(connected) == PER_ORIGIN_CONCURRENCY)
        assert box.counts()["IN_FLIGHT"] == 10  # 4 on the wire, 6 waiting in the lane
        await dispatcher.stop(grace=0.05)
        assert not dispatcher.running
        assert all(d.status == DeliveryStatus.PENDING for d in box.deliveries.values())
        assert all(not d.attempts and not d.in_flight for d in box.deliveries.values())
        assert len(box.take_due(T0)) == 10  # due again at once: nothing was lost
        assert len(connected) == PER_ORIGIN_CONCURRENCY  # the 6 queued never connected
        for writer in connected:
            writer.close()
        server.close()

    asyncio.run(main())


def test_a_url_gives_its_lane_or_says_why_it_cannot_be_sent_to() -> None:
    assert parse_target("HTTPS://Example.COM/h").origin == ("https", "example.com", 443)
    assert parse_target("http://[::1]:8080/a b?q=1#f").origin == ("http", "::1", 8080)
    assert parse_target("http://user:pw@example.com/").origin == ("http", "example.com", 80)
    for bad in ("ftp://example.com/", "http:///path", "http://example.com:99999/"):
        error = parse_target(bad).error
        assert error is not None and error.startswith(f"invalid URL '{bad}'"), bad


def test_an_attempt_to_a_url_that_cannot_be_sent_to_fails_without_connecting() -> None:
    async def main() -> None:
        box = Outbox(parse_schedule("0,1s"), random.Random(0))
        subs = Subscriptions()
        subs.add(None, "http://127.0.0.1:99999/hooks", None, SECRET, T0, "cli")
        message = box.add_message("shop", "RETURN_CREATED", "1", "1", T0, b"{}")
        (delivery,) = box.deliver(message, subs.all(), T0)
        dispatcher = Dispatcher(box, ControlledClock(T0), timeout=30.0, on_gone=lambda _: None)
        assert await dispatcher.run_due() == 1
        (attempt,) = delivery.attempts
        assert attempt.status_code is None
        assert attempt.error is not None and attempt.error.startswith("invalid URL")
        assert delivery.status == DeliveryStatus.PENDING  # retried on schedule

    asyncio.run(main())
