"""Each event type's payload: the source's example field for field, rendered at event time."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from mock_ingrid.domain import settlement
from mock_ingrid.domain.events import CURRENT_WEBHOOK_TYPES, LEGACY_WEBHOOK_TYPES
from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.runtime import Runtime
from mock_ingrid.webhooks.payloads import EVENT_TYPES
from tests.webhooks import world
from tests.webhooks.examples import EXAMPLES, assert_matches_example


def payloads(rt: Runtime) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for message in rt.webhooks.outbox.messages.values():
        found.setdefault(message.event_type, []).append(orjson.loads(message.body))
    return found


def refunded_world() -> Runtime:
    rt = world.runtime()
    m = rt.state.merchant(world.KEY)
    world.stock(m)
    ret = world.open_return(m)
    world.inspect(m, ret)
    refund = m.refunds[ret.refund_ids[0]]
    settlement.complete_refund(m, refund.refund_id, refund.total_amount, "SEK", "ch_1")
    return rt


def exchanged_world() -> Runtime:
    rt = world.runtime()
    m = rt.state.merchant(world.KEY)
    world.stock(m)
    world.inspect(m, world.open_return(m, exchange=True))
    return rt


def test_every_webhook_type_of_both_generations_has_a_renderer() -> None:
    assert set(EVENT_TYPES) == set(CURRENT_WEBHOOK_TYPES) | set(LEGACY_WEBHOOK_TYPES)
    assert set(EVENT_TYPES) == set(EXAMPLES)


def test_each_payload_matches_its_example_field_for_field() -> None:
    sent = payloads(refunded_world()) | payloads(exchanged_world())
    assert set(sent) == set(EVENT_TYPES)
    for bodies in sent.values():
        for body in bodies:
            assert_matches_example(body)


def test_refund_pending_external_carries_the_refund_as_computed() -> None:
    (body,) = payloads(refunded_world())["REFUND_PENDING_EXTERNAL"]
    assert body == {
        "type": "REFUND_PENDING_EXTERNAL",
        "triggeredAt": "2026-01-15T10:00:00Z",
        "refundTransactionId": "1",
        "status": "AWAITING_EXTERNAL_REFUND",
        "orderId": "ORD-1",
        "returnId": "1",
        "currencyCode": "SEK",
        "totalAmount": 100,
        "totals": {"itemsAmount": 120, "shippingAmount": 0},
        "deductions": {"returnHandlingCost": 10, "returnShipmentCost": 10},
        "lineItems": [{"orderLineItemId": "L1", "quantity": 1, "amount": 120}],
    }


def test_exchange_pending_external_names_both_variants() -> None:
    (body,) = payloads(exchanged_world())["EXCHANGE_PENDING_EXTERNAL"]
    assert body == {
        "type": "EXCHANGE_PENDING_EXTERNAL",
        "triggeredAt": "2026-01-15T10:00:00Z",
        "exchangeOrderId": "1",
        "status": "AWAITING_EXTERNAL_HANDLING",
        "orderId": "ORD-1",
        "returnId": "1",
        "currencyCode": "SEK",
        "exchangeCost": 50,
        "items": [
            {
                "orderLineItemId": "L1",
                "quantity": 1,
                "exchangeFromProductId": "TEE",
                "exchangeFromVariantId": "TEE-M",
                "exchangeToProductId": "TEE",
                "exchangeToVariantId": "TEE-XL",
            }
        ],
    }


def test_legacy_payloads_speak_the_legacy_vocabulary() -> None:
    sent = payloads(refunded_world())
    (created,) = sent["RETURN_CREATED"]
    (arrived,) = sent["RETURN_ARRIVED"]
    (completed,) = sent["RETURN_COMPLETED"]
    assert created == {
        "type": "RETURN_CREATED",
        "triggeredAt": "2026-01-15T10:00:00Z",
        "returnId": "1",
        "foreignOrderId": "ORD-1",
        "lineItems": [{"sku": "TS-M-BLK", "quantity": 1}],
    }
    assert arrived["lineItems"] == [
        {
            "sku": "TS-M-BLK",
            "quantity": 1,
            "returnedToWarehouseAt": "2026-01-15T10:00:00Z",
            "restockStatus": "NO_RESTOCK",
            "approvedForRestock": True,
        }
    ]
    assert completed["lineItems"][0]["refundStatus"] == "REFUNDED"


def test_denied_items_are_not_approved_for_restock_and_have_no_refund_status() -> None:
    rt = world.runtime()
    m = rt.state.merchant(world.KEY)
    world.stock(m)
    world.inspect(m, world.open_return(m), approved=False)
    sent = payloads(rt)
    (arrived,) = sent["RETURN_ARRIVED"]
    (completed,) = sent["RETURN_COMPLETED"]
    assert arrived["lineItems"][0]["approvedForRestock"] is False
    assert "refundStatus" not in completed["lineItems"][0]
    assert "REFUND_PENDING_EXTERNAL" not in sent


def test_a_payload_is_a_snapshot_of_the_moment_it_fired() -> None:
    rt = refunded_world()
    m = rt.state.merchants[world.KEY]
    message = next(
        msg
        for msg in rt.webhooks.outbox.messages.values()
        if msg.event_type == "REFUND_PENDING_EXTERNAL"
    )
    assert m.refunds["1"].status == "SUCCESS"
    assert orjson.loads(message.body)["status"] == "AWAITING_EXTERNAL_REFUND"


def test_amounts_keep_their_decimals() -> None:
    rt = world.runtime()
    m = rt.state.merchant(world.KEY)
    world.stock(m)
    m.settings.deductions.return_handling_cost = Decimal("9.95")
    world.inspect(m, world.open_return(m))
    (message,) = [
        msg
        for msg in rt.webhooks.outbox.messages.values()
        if msg.event_type == "REFUND_PENDING_EXTERNAL"
    ]
    assert b'"totalAmount":100.05' in message.body
    assert b'"returnHandlingCost":9.95' in message.body


def test_fixtures_loaded_at_start_fire_nothing() -> None:
    rt = world.runtime(webhook_urls=("http://127.0.0.1:9/hooks",))
    load_fixture_paths(rt.state, [Path(__file__).parents[2] / "fixtures"])
    assert rt.state.merchants
    assert rt.webhooks.outbox.messages == {}
