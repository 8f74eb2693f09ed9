"""Deliveries over real HTTP: the emulator served on loopback, receivers on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from mock_ingrid.fixtures import load_fixture_data
from mock_ingrid.settings import Settings
from mock_ingrid.webhooks import WebhookVerificationError, verify
from mock_ingrid.webhooks.dispatcher import PER_ORIGIN_CONCURRENCY
from tests.webhooks import helpers
from tests.webhooks.examples import assert_matches_example
from tests.webhooks.helpers import (
    Reply,
    ServedApp,
    api,
    ok,
    receiving,
    reserve_port,
    served,
    wait_until,
)

SECRET = "whsec_dGhlIG1vY2staW5ncmlkIHRlc3Qgc2VjcmV0IQ=="
FAST = "0,20ms,40ms,80ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms"


def settings(*urls: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_urls": urls,
        "webhook_secret": SECRET,
        "webhook_schedule": FAST,
        "webhook_shutdown_grace": 2.0,
    }
    return Settings(**(values | overrides))


@contextmanager
def shop(*urls: str, **overrides: Any) -> Iterator[tuple[ServedApp, httpx.Client]]:
    with served(settings(*urls, **overrides)) as app, api(app) as http:
        helpers.stock(http)
        yield app, http


def deliveries(http: httpx.Client, **filters: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(http.get("/_mock/webhooks/deliveries", params=filters))["data"]
    return found


def all_succeeded(http: httpx.Client, count: int) -> bool:
    found = deliveries(http)
    return len(found) == count and all(d["status"] == "SUCCEEDED" for d in found)


EXCHANGE_FIXTURE = {
    "version": 1,
    "merchants": [
        {
            "apiKey": "shop",
            "settings": {"returnShipmentCost": 10, "returnHandlingCost": 10, "exchangeCost": 50},
            "products": [helpers.PRODUCT],
            "orders": [helpers.order("ORD-1", units=3)],
            "returns": [
                {
                    "orderId": "ORD-1",
                    "items": [
                        {
                            "orderLineItemId": "L1",
                            "quantity": 1,
                            "exchangeTo": {"productId": "TEE", "variantId": "TEE-XL"},
                        }
                    ],
                }
            ],
        }
    ],
}


def test_every_event_type_arrives_signed_and_shaped_like_the_example() -> None:
    with receiving() as rx:
        app = ServedApp(settings(rx.url))
        load_fixture_data(app.runtime.state, EXCHANGE_FIXTURE)  # seeded: fires nothing
        app.start()
        try:
            with api(app) as http:
                exchange_return = ok(http.get("/returns/1"))
                refund_return = helpers.open_return(http)
                helpers.inspect(http, exchange_return)
                helpers.inspect(http, refund_return)
                helpers.complete_refund(http, refund_return["returnId"])
                wait_until(lambda: all_succeeded(http, 6), what="six deliveries")
                events = ok(http.get("/_mock/webhooks/events"))["data"]
        finally:
            app.stop()
    received = rx.snapshot()
    types = sorted(orjson.loads(r.body)["type"] for r in received)
    assert types == sorted(
        [
            "RETURN_CREATED",
            "RETURN_ARRIVED",
            "RETURN_ARRIVED",
            "EXCHANGE_PENDING_EXTERNAL",
            "REFUND_PENDING_EXTERNAL",
            "RETURN_COMPLETED",
        ]
    )
    logged = {event["eventId"]: event["payload"] for event in events}
    for request in received:
        payload = verify(request.body, request.headers, SECRET)
        assert_matches_example(orjson.loads(request.body))
        assert orjson.loads(request.body) == logged[request.webhook_id]
        assert payload["type"] == logged[request.webhook_id]["type"]
        assert request.headers["content-type"] == "application/json"


def test_the_signature_fails_on_a_tampered_body_a_wrong_secret_or_an_old_timestamp() -> None:
    with receiving() as rx, shop(rx.url) as (_, http):
        helpers.open_return(http)
        (request,) = wait_until(rx.snapshot, what="one webhook")
    verify(request.body, request.headers, SECRET)
    with pytest.raises(WebhookVerificationError):
        verify(request.body.replace(b'"quantity":1', b'"quantity":2'), request.headers, SECRET)
    with pytest.raises(WebhookVerificationError):
        verify(request.body, request.headers, "whsec_" + "QUJD" * 8)
    sent_at = int(request.headers["webhook-timestamp"])
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(request.body, request.headers, SECRET, now=sent_at + 301)


def test_a_receiver_that_fails_twice_gets_the_same_webhook_id_three_times() -> None:
    with receiving() as rx, shop(rx.url) as (_, http):
        rx.script = [Reply(500, b"boom"), Reply(503, b"busy")]
        helpers.open_return(http)  # one event: RETURN_CREATED
        wait_until(lambda: all_succeeded(http, 1), what="the delivery to succeed")
        (delivery,) = deliveries(http)
    received = rx.snapshot()
    assert len(received) == 3
    assert len({r.webhook_id for r in received}) == 1
    assert len({r.body for r in received}) == 1
    for request in received:
        verify(request.body, request.headers, SECRET)
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 503, 200]
    assert [a["responseBody"] for a in delivery["attempts"]] == ["boom", "busy", "ok"]
    assert delivery["eventId"] == received[0].webhook_id


def test_a_hanging_receiver_does_not_hold_up_the_api_or_other_receivers() -> None:
    gate = threading.Event()
    with receiving() as hanging, receiving() as healthy:
        hanging.default = Reply(gate=gate)
        try:
            with shop(hanging.url, healthy.url) as (_, http):
                first = helpers.open_return(http)
                wait_until(lambda: hanging.count() == 1, what="the hanging receiver to be called")
                # While that request is held open, the API keeps answering...
                helpers.inspect(http, first)
                helpers.complete_refund(http, first["returnId"])
                ok(http.get("/returns"))
                held = deliveries(http, subscriptionId="sub_1", type="RETURN_CREATED")
                assert held[0]["inFlight"] and not gate.is_set()
                # ...and the other receiver gets every event meanwhile.
                wait_until(lambda: healthy.count() == 4, what="the healthy receiver")
                assert not gate.is_set()
                gate.set()
                wait_until(lambda: all_succeeded(http, 8), what="the held deliveries")
        finally:
            gate.set()


def test_a_receiver_that_is_down_loses_nothing_once_it_comes_back() -> None:
    sock = reserve_port()
    host, port = sock.getsockname()
    url = f"http://{host}:{port}/hooks"
    with shop(url) as (_, http):
        ids = [helpers.open_return(http)["returnId"] for _ in range(2)]

        def refused_once() -> bool:
            found = deliveries(http)
            return len(found) == 2 and all(d["attempts"] for d in found)

        wait_until(refused_once, what="a refused attempt of each delivery")
        assert all(
            d["attempts"][0]["statusCode"] is None and d["attempts"][0]["error"]
            for d in deliveries(http)
        )
        with receiving(sock) as rx:
            wait_until(lambda: all_succeeded(http, 2), what="delivery once the receiver is up")
            got = {orjson.loads(r.body)["returnId"] for r in rx.snapshot()}
    assert got == set(ids)


def test_a_timeout_is_a_failure_and_the_retry_keeps_the_id() -> None:
    gate = threading.Event()
    with receiving() as rx:
        rx.script = [Reply(gate=gate)]
        try:
            with shop(rx.url, webhook_timeout=0.3) as (_, http):
                helpers.open_return(http)
                wait_until(lambda: all_succeeded(http, 1), what="the retry to succeed")
                (delivery,) = deliveries(http)
        finally:
            gate.set()
    first, second = delivery["attempts"]
    assert first["statusCode"] is None and "timed out" in first["error"]
    assert second["statusCode"] == 200
    assert len({r.webhook_id for r in rx.snapshot()}) == 1


def test_retry_after_is_honoured() -> None:
    with receiving() as rx, shop(rx.url) as (_, http):
        rx.script = [Reply(503, headers={"retry-after": "1"})]
        helpers.open_return(http)

        def after_first() -> dict[str, Any] | None:
            found = deliveries(http)
            return found[0] if found and len(found[0]["attempts"]) == 1 else None

        delivery = wait_until(after_first, what="the first attempt")
        failed_at = datetime.fromisoformat(delivery["attempts"][0]["at"])
        due = datetime.fromisoformat(delivery["nextAttemptAt"])
        assert due - failed_at >= timedelta(seconds=1)
        wait_until(lambda: all_succeeded(http, 1), what="the retry")


def test_redirects_are_not_followed() -> None:
    with receiving() as elsewhere, receiving() as rx, shop(rx.url) as (_, http):
        rx.script = [Reply(307, headers={"location": elsewhere.url})]
        helpers.open_return(http)
        wait_until(lambda: all_succeeded(http, 1), what="the retry")
        (delivery,) = deliveries(http)
    assert [a["statusCode"] for a in delivery["attempts"]] == [307, 200]
    assert elsewhere.count() == 0


def test_410_gone_disables_the_subscription_until_enabled_again() -> None:
    with receiving() as rx, shop() as (_, http):
        created = ok(
            http.post("/_mock/webhooks/subscriptions", json={"merchant": "shop", "url": rx.url})
        )
        rx.script = [Reply(410)]
        helpers.open_return(http)
        sub_url = f"/_mock/webhooks/subscriptions/{created['subscriptionId']}"
        wait_until(lambda: ok(http.get(sub_url))["status"] == "DISABLED", what="the 410")
        (delivery,) = deliveries(http)
        assert delivery["status"] == "FAILED" and len(delivery["attempts"]) == 1
        helpers.open_return(http)  # nobody wants it now: no delivery
        assert len(deliveries(http)) == 1
        assert ok(http.post(f"{sub_url}/enable"))["status"] == "ENABLED"
        ok(http.post("/_mock/webhooks/events/" + delivery["eventId"] + "/resend"))
        wait_until(lambda: rx.count() == 2, what="the resend after enabling")


def test_a_backlog_goes_over_a_few_kept_alive_connections_with_the_documented_headers() -> None:
    with receiving() as rx, shop(rx.url) as (_, http):
        ok(http.post("/orders", json=helpers.order("ORD-2", units=12)))
        ok(http.post("/_mock/webhooks/pause"))
        for _ in range(12):
            helpers.open_return(http, "ORD-2")
        ok(http.post("/_mock/webhooks/resume"))
        wait_until(lambda: all_succeeded(http, 12), what="the backlog")
    received = rx.snapshot()
    assert len(received) == 12
    # Attempts to one origin run at most PER_ORIGIN_CONCURRENCY at a time, and reuse
    # their connections: without keep-alive each of the 12 would come from its own.
    assert len({r.peer for r in received}) <= PER_ORIGIN_CONCURRENCY
    for request in received:
        verify(request.body, request.headers, SECRET)
        assert request.path == "/hooks"
        assert request.headers["host"] == rx.url.removeprefix("http://").removesuffix("/hooks")
        assert request.headers["content-type"] == "application/json"
        assert request.headers["content-length"] == str(len(request.body))
        assert request.headers["user-agent"].startswith("mock-ingrid/")
