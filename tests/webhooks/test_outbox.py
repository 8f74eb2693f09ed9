"""The outbox as plain bookkeeping: due times from a given ``now``, no I/O, no sleeping."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from mock_ingrid.clock import ControlledClock
from mock_ingrid.webhooks.dispatcher import Dispatcher, parse_retry_after
from mock_ingrid.webhooks.outbox import Attempt, Delivery, DeliveryStatus, Outbox, message_prefix
from mock_ingrid.webhooks.schedule import parse_schedule
from mock_ingrid.webhooks.subscriptions import Subscriptions

T0 = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)


def outbox(schedule: str = "0,1s,10s") -> tuple[Outbox, Subscriptions]:
    subs = Subscriptions()
    subs.add("shop", "http://127.0.0.1:9/a", None, "whsec_AAAA", T0, "control")
    return Outbox(parse_schedule(schedule), random.Random(0)), subs


def queue_one(box: Outbox, subs: Subscriptions, merchant: str = "shop") -> Delivery:
    message = box.add_message(merchant, "RETURN_CREATED", "1", "1", T0, b"{}")
    (delivery,) = box.deliver(message, subs.matching("shop", "RETURN_CREATED"), T0)
    return delivery


def attempt(delivery: Delivery, status: int | None, error: str | None = None) -> Attempt:
    return Attempt(len(delivery.attempts) + 1, T0, 0, delivery.url, status, 1.0, error, "")


def test_message_ids_are_per_merchant_sequences_that_never_collide() -> None:
    box, _ = outbox()
    a1 = box.add_message("a", "RETURN_CREATED", "1", "1", T0, b"{}")
    b1 = box.add_message("b", "RETURN_CREATED", "1", "1", T0, b"{}")
    a2 = box.add_message("a", "RETURN_CREATED", "2", "2", T0, b"{}")
    assert a1.message_id == f"msg_{message_prefix('a')}_1"
    assert a2.message_id == f"msg_{message_prefix('a')}_2"
    assert b1.message_id == f"msg_{message_prefix('b')}_1" != a1.message_id
    box.clear()
    again = box.add_message("a", "RETURN_CREATED", "1", "1", T0, b"{}")
    assert again.message_id == f"msg_{message_prefix('a')}_3"


def test_the_first_attempt_is_due_at_once_and_taken_once() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    assert box.take_due(T0) == [delivery]
    assert delivery.in_flight
    assert box.take_due(T0 + timedelta(hours=1)) == []


def test_a_failure_is_due_again_after_the_jittered_delay() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.finish(delivery, attempt(delivery, 500), None, T0)
    due = delivery.next_attempt_at
    assert due is not None and T0 + timedelta(seconds=0.8) <= due <= T0 + timedelta(seconds=1.2)
    assert box.take_due(due - timedelta(milliseconds=1)) == []
    assert box.take_due(due) == [delivery]


def test_after_the_last_attempt_the_delivery_fails() -> None:
    box, subs = outbox("0,1s")
    delivery = queue_one(box, subs)
    for _ in range(2):
        (taken,) = box.take_due(T0 + timedelta(minutes=1))
        box.finish(taken, attempt(taken, None, "connection failed"), None, T0)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.reason == "no attempt left after 2"
    assert len(delivery.attempts) == 2


def test_2xx_succeeds_and_410_fails_for_good() -> None:
    box, subs = outbox()
    ok, gone = queue_one(box, subs), queue_one(box, subs)
    box.take_due(T0)
    box.finish(ok, attempt(ok, 204), None, T0)
    box.finish(gone, attempt(gone, 410), None, T0)
    assert ok.status == DeliveryStatus.SUCCEEDED
    assert gone.status == DeliveryStatus.FAILED and "410" in (gone.reason or "")


def test_retry_after_is_honoured_when_longer_than_the_schedule() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.finish(delivery, attempt(delivery, 503), timedelta(seconds=120), T0)
    assert delivery.next_attempt_at == T0 + timedelta(seconds=120)


def test_redirects_are_failures() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.finish(delivery, attempt(delivery, 302), None, T0)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts[-1].succeeded is False


def test_pause_holds_everything_and_force_takes_it_anyway() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    box.paused = True
    assert box.take_due(T0) == []
    assert box.take_due(T0, force=True) == [delivery]


def test_force_takes_retries_before_they_are_due() -> None:
    box, subs = outbox("0,1h")
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.finish(delivery, attempt(delivery, 500), None, T0)
    assert box.take_due(T0) == []
    assert box.take_due(T0, force=True) == [delivery]


def test_released_attempts_are_due_again_not_lost() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.release(delivery)
    assert box.take_due(T0) == [delivery]


def test_discard_and_cancel_close_pending_deliveries() -> None:
    box, subs = outbox()
    first, second = queue_one(box, subs), queue_one(box, subs)
    assert box.discard_pending("seeding") == 2
    assert {first.status, second.status} == {DeliveryStatus.CANCELLED}
    assert box.take_due(T0) == []
    third = queue_one(box, subs)
    assert box.cancel_subscription(third.subscription_id, "deleted") == 1
    assert box.next_due() is None


def test_parse_retry_after() -> None:
    assert parse_retry_after("30") == timedelta(seconds=30)
    assert parse_retry_after(None) is None
    assert parse_retry_after("later") is None
    past = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    assert past == timedelta(0)


def test_a_shutdown_waits_for_retries_due_within_the_grace_unless_the_clock_is_frozen() -> None:
    box, subs = outbox()
    delivery = queue_one(box, subs)
    (taken,) = box.take_due(T0)
    box.finish(taken, attempt(taken, 503), None, T0)  # the retry is due about 1 s later
    assert delivery.next_attempt_at is not None
    lead = (delivery.next_attempt_at - T0).total_seconds()

    class Running:  # a clock that runs, read at T0
        def now(self) -> datetime:
            return T0

    dispatcher = Dispatcher(box, Running(), timeout=1.0, on_gone=lambda _: None)
    assert dispatcher._busy(horizon=lead + 0.5)
    assert not dispatcher._busy(horizon=lead - 0.5)
    frozen = Dispatcher(box, ControlledClock(T0), timeout=1.0, on_gone=lambda _: None)
    assert not frozen._busy(horizon=lead + 0.5)  # a frozen clock never gets there by itself
    box.paused = True
    assert not dispatcher._busy(horizon=lead + 0.5)


def test_past_its_history_the_oldest_finished_deliveries_are_forgotten() -> None:
    box, subs = outbox()
    box.history = 2
    done = []
    for _ in range(4):
        delivery = queue_one(box, subs)
        box.take_due(T0)
        box.finish(delivery, attempt(delivery, 200), None, T0)
        done.append(delivery.delivery_id)
    waiting = queue_one(box, subs)  # pending: never forgotten
    assert list(box.deliveries) == [*done[2:], waiting.delivery_id]
    assert box.forgotten == 2
    assert box.counts()[DeliveryStatus.SUCCEEDED] == 2
    box.clear()
    assert box.forgotten == 0


def test_a_delivery_closed_after_a_reset_is_not_counted_as_forgotten() -> None:
    box, subs = outbox()
    box.history = 0
    delivery = queue_one(box, subs)
    box.take_due(T0)
    box.clear()  # a reset while the attempt is out
    box.finish(delivery, attempt(delivery, 200), None, T0)
    assert box.forgotten == 0 and not box.deliveries
