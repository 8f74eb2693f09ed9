"""``/_mock/webhooks/*``: subscriptions, the logs, resend, pause, flush."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import orjson
import pytest

from mock_ingrid.webhooks import verify
from mock_ingrid.webhooks.dispatcher import PER_ORIGIN_CONCURRENCY
from tests.conftest import make_client
from tests.webhooks import helpers
from tests.webhooks.helpers import (
    Receiver,
    Reply,
    ServedApp,
    api,
    ok,
    receiving,
    reserve_port,
    served,
    wait_until,
)
from tests.webhooks.test_delivery import all_succeeded, deliveries, settings

OWN_SECRET = "whsec_b3duIHNlY3JldCBvZiBtZXJjaGFudCBh"
SUBSCRIPTIONS = "/_mock/webhooks/subscriptions"


@pytest.fixture
def app() -> Iterator[ServedApp]:
    with served(settings()) as running:
        yield running


@pytest.fixture
def http(app: ServedApp) -> Iterator[httpx.Client]:
    with api(app) as client:
        helpers.stock(client)
        yield client


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with receiving() as receiver:
        yield receiver


def subscribe(http: httpx.Client, merchant: str, url: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = ok(
        http.post(SUBSCRIPTIONS, json={"merchant": merchant, "url": url} | extra)
    )
    return created


def test_a_subscription_filters_event_types_and_signs_with_its_own_secret(
    http: httpx.Client, rx: Receiver
) -> None:
    created = subscribe(http, "shop", rx.url, eventTypes=["RETURN_ARRIVED"], secret=OWN_SECRET)
    assert created["eventTypes"] == ["RETURN_ARRIVED"] and created["secret"] == OWN_SECRET
    helpers.inspect(http, helpers.open_return(http))  # CREATED, ARRIVED, REFUND_PENDING
    (request,) = wait_until(rx.snapshot, what="the RETURN_ARRIVED delivery")
    assert verify(request.body, request.headers, OWN_SECRET)["type"] == "RETURN_ARRIVED"
    assert len(ok(http.get("/_mock/webhooks/events"))["data"]) == 3
    assert len(deliveries(http)) == 1


def test_subscriptions_belong_to_one_merchant(app: ServedApp, http: httpx.Client) -> None:
    with receiving() as for_a, receiving() as for_b, api(app, "other") as other:
        subscribe(http, "shop", for_a.url)
        subscribe(http, "other", for_b.url)
        helpers.stock(other)
        helpers.open_return(http)
        helpers.open_return(other)
        helpers.open_return(other)
        wait_until(lambda: for_a.count() == 1 and for_b.count() == 2, what="one and two")
    listed = ok(http.get(SUBSCRIPTIONS, params={"merchant": "other"}))["data"]
    assert [s["merchant"] for s in listed] == ["other"]
    assert len(ok(http.get(SUBSCRIPTIONS))["data"]) == 2
    by_merchant = deliveries(http, merchant="other")
    assert len(by_merchant) == 2 and {d["merchant"] for d in by_merchant} == {"other"}


def test_a_generated_secret_is_shown_and_a_generated_secret_is_a_whsec(
    http: httpx.Client, rx: Receiver
) -> None:
    created = subscribe(http, "shop", rx.url)
    assert created["secret"].startswith("whsec_") and created["status"] == "ENABLED"
    assert created["source"] == "control" and len(created["eventTypes"]) == 5
    again = ok(http.get(f"{SUBSCRIPTIONS}/{created['subscriptionId']}"))
    assert again == created


def test_deleting_a_subscription_cancels_its_pending_deliveries(
    http: httpx.Client, rx: Receiver
) -> None:
    created = subscribe(http, "shop", rx.url)
    ok(http.post("/_mock/webhooks/pause"))
    helpers.open_return(http)
    response = http.delete(f"{SUBSCRIPTIONS}/{created['subscriptionId']}")
    assert response.status_code == 204 and response.content == b""
    (delivery,) = deliveries(http)
    assert delivery["status"] == "CANCELLED" and delivery["attempts"] == []
    assert http.get(f"{SUBSCRIPTIONS}/{created['subscriptionId']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"merchant": "shop", "url": "ftp://127.0.0.1/x"}, "url"),
        ({"merchant": "shop", "url": "not a url"}, "url"),
        (
            {"merchant": "shop", "url": "http://127.0.0.1/x", "eventTypes": ["REFUND"]},
            "eventTypes[0]",
        ),
        ({"merchant": "shop", "url": "http://127.0.0.1/x", "eventTypes": []}, "eventTypes"),
        ({"merchant": "shop", "url": "http://127.0.0.1/x", "secret": "hunter2"}, "secret"),
        ({"url": "http://127.0.0.1/x"}, "merchant"),
        ({"merchant": "shop", "url": "http://127.0.0.1/x", "colour": "red"}, "colour"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(
    http: httpx.Client, body: dict[str, Any], path: str
) -> None:
    response = http.post(SUBSCRIPTIONS, json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == path


def test_only_accepted_keys_can_be_subscribed_when_keys_are_restricted(rx: Receiver) -> None:
    with served(settings(api_keys=frozenset({"shop"}))) as app, api(app) as http:
        response = http.post(SUBSCRIPTIONS, json={"merchant": "stranger", "url": rx.url})
        assert response.status_code == 400 and response.json()["code"] == "UNKNOWN_MERCHANT"


def test_the_delivery_log_filters_by_merchant_type_return_and_status(
    http: httpx.Client, rx: Receiver
) -> None:
    subscribe(http, "shop", rx.url)
    first = helpers.open_return(http)
    helpers.open_return(http)
    helpers.inspect(http, first)
    wait_until(lambda: all_succeeded(http, 4), what="four deliveries")
    assert len(deliveries(http, returnId=first["returnId"])) == 3
    assert len(deliveries(http, type="RETURN_CREATED")) == 2
    assert len(deliveries(http, status="SUCCEEDED", merchant="shop")) == 4
    assert deliveries(http, merchant="nobody") == []
    assert deliveries(http, status="FAILED") == []
    (one,) = deliveries(http, type="RETURN_ARRIVED")
    attempt = one["attempts"][0]
    assert attempt["url"] == rx.url and attempt["statusCode"] == 200
    assert attempt["latencyMs"] >= 0 and attempt["responseBody"] == "ok"
    assert ok(http.get(f"/_mock/webhooks/deliveries/{one['deliveryId']}")) == one
    bad = http.get("/_mock/webhooks/deliveries", params={"status": "LOST"})
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_PARAMETER"


def test_events_are_listed_with_their_exact_payload(http: httpx.Client) -> None:
    ret = helpers.open_return(http)
    (event,) = ok(http.get("/_mock/webhooks/events", params={"returnId": ret["returnId"]}))["data"]
    assert event["type"] == "RETURN_CREATED" and event["merchant"] == "shop"
    assert event["payload"]["foreignOrderId"] == "ORD-1"
    assert ok(http.get(f"/_mock/webhooks/events/{event['eventId']}")) == event
    assert http.get("/_mock/webhooks/events/msg_nope").status_code == 404


def test_resend_sends_the_same_id_and_bytes_again(http: httpx.Client, rx: Receiver) -> None:
    created = subscribe(http, "shop", rx.url)
    helpers.open_return(http)
    (original,) = wait_until(rx.snapshot, what="the first delivery")
    resent = ok(http.post(f"/_mock/webhooks/events/{original.webhook_id}/resend"))["data"]
    assert [d["resend"] for d in resent] == [True]
    wait_until(lambda: rx.count() == 2, what="the resend")
    again = rx.snapshot()[1]
    assert again.webhook_id == original.webhook_id and again.body == original.body
    one = http.post(
        f"/_mock/webhooks/events/{original.webhook_id}/resend",
        json={"subscriptionId": created["subscriptionId"]},
    )
    assert one.status_code == 202
    wait_until(lambda: rx.count() == 3, what="the resend to one subscription")


def test_resend_explains_why_nothing_can_be_sent(http: httpx.Client) -> None:
    helpers.open_return(http)
    (event,) = ok(http.get("/_mock/webhooks/events"))["data"]
    resend = f"/_mock/webhooks/events/{event['eventId']}/resend"
    nobody = http.post(resend)
    assert nobody.status_code == 409 and nobody.json()["code"] == "NO_SUBSCRIPTION"
    missing = http.post(resend, json={"subscriptionId": "sub_99"})
    assert missing.status_code == 404
    other = subscribe(http, "other", "http://127.0.0.1:9/x")
    foreign = http.post(resend, json={"subscriptionId": other["subscriptionId"]})
    assert foreign.status_code == 400


def test_pause_holds_deliveries_and_flush_delivers_the_backlog(
    http: httpx.Client, rx: Receiver
) -> None:
    subscribe(http, "shop", rx.url)
    paused = ok(http.post("/_mock/webhooks/pause"))
    assert paused["paused"] is True
    for _ in range(2):
        helpers.open_return(http)
    status = ok(http.get("/_mock/webhooks/status"))
    assert status["deliveries"]["pending"] == 2 and rx.count() == 0
    flushed = ok(http.post("/_mock/webhooks/flush"))
    assert flushed["attempted"] == 2 and flushed["status"]["deliveries"]["succeeded"] == 2
    assert rx.count() == 2  # the flush answered once the attempts were recorded
    assert ok(http.get("/_mock/webhooks/status"))["paused"] is True
    assert ok(http.post("/_mock/webhooks/resume"))["paused"] is False


def test_a_410_stops_the_backlog_queued_behind_it(http: httpx.Client, rx: Receiver) -> None:
    gone = subscribe(http, "shop", rx.url)
    rx.default = Reply(410)
    ok(http.post("/_mock/webhooks/pause"))
    helpers.stock(http, "ORD-2", units=20)
    for _ in range(20):
        helpers.open_return(http, "ORD-2")
    ok(http.post("/_mock/webhooks/resume"))
    sub_url = f"{SUBSCRIPTIONS}/{gone['subscriptionId']}"
    wait_until(lambda: ok(http.get(sub_url))["status"] == "DISABLED", what="the 410")
    wait_until(
        lambda: not ok(http.get("/_mock/webhooks/status"))["deliveries"]["inFlight"],
        what="the attempts out to finish",
    )
    # Only the attempts already on the wire when the 410 came (at most one origin's slots).
    assert rx.count() <= PER_ORIGIN_CONCURRENCY
    logged = deliveries(http)
    assert sum(len(d["attempts"]) for d in logged) == rx.count()
    never_sent = [d for d in logged if not d["attempts"]]
    assert len(never_sent) == 20 - rx.count()
    assert {d["status"] for d in never_sent} == {"CANCELLED"}
    reason = ok(http.get(sub_url))["disabledReason"]
    assert any(d["deliveryId"] in reason for d in logged if d["attempts"])


def test_a_pause_holds_attempts_still_waiting_for_a_slot() -> None:
    gate = threading.Event()
    with receiving() as rx:
        rx.default = Reply(gate=gate)
        try:
            with served(settings(rx.url)) as app, api(app) as http:
                helpers.stock(http, units=10)
                for _ in range(10):
                    helpers.open_return(http)
                wait_until(lambda: rx.count() == PER_ORIGIN_CONCURRENCY, what="the slots to fill")
                ok(http.post("/_mock/webhooks/pause"))
                gate.set()
                wait_until(
                    lambda: len(deliveries(http, status="SUCCEEDED")) == PER_ORIGIN_CONCURRENCY,
                    what="the attempts on the wire",
                )
                held = ok(http.get("/_mock/webhooks/status"))["deliveries"]
                assert held["pending"] == 10 - PER_ORIGIN_CONCURRENCY
                assert rx.count() == PER_ORIGIN_CONCURRENCY  # nothing more went while paused
                discarded = ok(http.post("/_mock/webhooks/flush", json={"mode": "discard"}))
                assert discarded["discarded"] == 10 - PER_ORIGIN_CONCURRENCY
        finally:
            gate.set()


def test_a_discarding_flush_seeds_data_without_firing(http: httpx.Client, rx: Receiver) -> None:
    subscribe(http, "shop", rx.url)
    ok(http.post("/_mock/webhooks/pause"))
    helpers.open_return(http)
    flushed = ok(http.post("/_mock/webhooks/flush", json={"mode": "discard"}))
    assert flushed["discarded"] == 1 and flushed["status"]["deliveries"]["cancelled"] == 1
    ok(http.post("/_mock/webhooks/resume"))
    fresh = helpers.open_return(http)
    (request,) = wait_until(rx.snapshot, what="the event after resuming")
    assert orjson.loads(request.body)["returnId"] == fresh["returnId"]


def test_get_never_changes_state(http: httpx.Client) -> None:
    before = ok(http.get("/_mock/webhooks/status"))
    for path in ["/subscriptions", "/events", "/deliveries", "/status"]:
        ok(http.get("/_mock/webhooks" + path))
    assert ok(http.get("/_mock/webhooks/status")) == before


def test_cli_subscriptions_are_listed_for_every_merchant(rx: Receiver) -> None:
    with served(settings(rx.url)) as app, api(app) as http:
        (listed,) = ok(http.get(SUBSCRIPTIONS, params={"merchant": "anyone"}))["data"]
        assert listed["merchant"] is None and listed["source"] == "cli"


def test_an_in_process_client_without_lifespan_queues_until_flushed(rx: Receiver) -> None:
    client = make_client(settings(rx.url))  # not entered: no lifespan, no dispatcher
    helpers.stock(client)
    helpers.open_return(client)
    status = ok(client.get("/_mock/webhooks/status"))
    assert status["dispatcherRunning"] is False and status["deliveries"]["pending"] == 1
    assert rx.count() == 0
    assert ok(client.post("/_mock/webhooks/flush", json={"timeoutSeconds": 10}))["attempted"] == 1
    (request,) = rx.snapshot()
    verify(request.body, request.headers, settings().webhook_secret or "")


def test_shutdown_waits_for_deliveries_in_flight() -> None:
    gate = threading.Event()
    with receiving() as rx:
        rx.default = Reply(gate=gate)
        app = ServedApp(settings(rx.url, webhook_shutdown_grace=20.0)).start()
        try:
            with api(app) as http:
                helpers.stock(http)
                helpers.open_return(http)
            wait_until(lambda: rx.count() == 1, what="the held request")
            stopper = threading.Thread(target=app.stop)
            stopper.start()
            wait_until(lambda: app.hooks.dispatcher.stopping, what="the shutdown to begin")
            gate.set()
            stopper.join(30)
        finally:
            gate.set()
    (delivery,) = app.hooks.outbox.deliveries.values()
    assert delivery.status == "SUCCEEDED"


def test_shutdown_waits_for_a_retry_that_falls_due_within_the_grace() -> None:
    with receiving() as rx:
        rx.script = [Reply(503)]
        app = ServedApp(
            settings(rx.url, webhook_schedule="0,1s", webhook_shutdown_grace=20.0)
        ).start()
        try:
            with api(app) as http:
                helpers.stock(http)
                helpers.open_return(http)
                wait_until(lambda: deliveries(http)[0]["attempts"], what="the failed attempt")
        finally:
            app.stop()  # the retry is about a second away: stop must let it go first
    (delivery,) = app.hooks.outbox.deliveries.values()
    assert [a.status_code for a in delivery.attempts] == [503, 200]
    assert delivery.status == "SUCCEEDED"


def test_an_attempt_is_logged_at_the_time_it_was_sent() -> None:
    gate = threading.Event()
    with receiving() as rx:
        rx.script = [Reply(gate=gate)]
        try:
            with served(settings(rx.url)) as app, api(app) as http:
                helpers.stock(http)
                helpers.open_return(http)
                wait_until(lambda: rx.count() == 1, what="the held request")
                sent_by = app.runtime.clock.now()
                gate.set()
                wait_until(lambda: all_succeeded(http, 1), what="the delivery")
                (delivery,) = deliveries(http)
        finally:
            gate.set()
    attempt = delivery["attempts"][0]
    assert datetime.fromisoformat(attempt["at"]) <= sent_by


def test_message_ids_are_deterministic(http: httpx.Client) -> None:
    helpers.open_return(http)
    helpers.open_return(http)
    ids = [e["eventId"] for e in ok(http.get("/_mock/webhooks/events"))["data"]]
    assert ids[0].startswith("msg_") and ids[0].endswith("_1") and ids[1].endswith("_2")


def test_a_reset_forgets_events_and_control_subscriptions_but_not_the_command_line(
    rx: Receiver,
) -> None:
    closed = reserve_port()  # refuses connections: its deliveries stay pending
    host, port = closed.getsockname()
    with served(settings(rx.url)) as app, api(app) as http:
        helpers.stock(http)
        subscribe(http, "shop", f"http://{host}:{port}/elsewhere")
        helpers.open_return(http)
        wait_until(lambda: rx.count() == 1, what="the first event")
        ok(http.post("/_mock/reset"))
        assert ok(http.get("/_mock/webhooks/events"))["data"] == []
        assert deliveries(http) == []
        (left,) = ok(http.get(SUBSCRIPTIONS))["data"]
        assert left["source"] == "cli"
        helpers.stock(http)
        helpers.open_return(http)
        wait_until(lambda: rx.count() == 2, what="an event after the reset")
        ids = [r.webhook_id for r in rx.snapshot()]
        assert ids[0] != ids[1]  # webhook-ids are never reused while the server runs
    closed.close()


def test_refund_pending_the_reference_s_name_subscribes_to_the_refund_event(
    http: httpx.Client, rx: Receiver
) -> None:
    created = subscribe(http, "shop", rx.url, eventTypes=["refund.pending"])
    # Stored and shown by the event type's own name.
    assert created["eventTypes"] == ["REFUND_PENDING_EXTERNAL"]
    helpers.inspect(http, helpers.open_return(http))  # CREATED, ARRIVED, REFUND_PENDING
    (request,) = wait_until(rx.snapshot, what="the REFUND_PENDING_EXTERNAL delivery")
    assert orjson.loads(request.body)["type"] == "REFUND_PENDING_EXTERNAL"
    by_alias = ok(http.get("/_mock/webhooks/events", params={"type": "refund.pending"}))["data"]
    by_name = ok(http.get("/_mock/webhooks/events", params={"type": "REFUND_PENDING_EXTERNAL"}))
    assert by_alias == by_name["data"] and len(by_alias) == 1
    refused = http.post(
        SUBSCRIPTIONS, json={"merchant": "shop", "url": rx.url, "eventTypes": ["refund.done"]}
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    "path", [SUBSCRIPTIONS, "/_mock/webhooks/events", "/_mock/webhooks/deliveries"]
)
def test_a_blank_merchant_filter_is_refused_as_control_json_says(client: Any, path: str) -> None:
    """control.json gives the ``merchant`` filter minLength 1: a blank one is a 400
    naming the parameter, not a filter that silently matches nothing."""
    refused = client.get(path, params={"merchant": ""})
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["code"] == "INVALID_PARAMETER"
    assert body["errors"][0]["path"] == "merchant"
