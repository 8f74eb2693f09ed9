"""The customer portal in a real browser: a customer finds the demo shop's order, returns
one item for a refund and one for an exchange, and follows the return's status page;
errors are shown and announced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_access, screenshot
from tests.server import running_server

SHOP = "demo-key"
# Frozen, so that the twin server below fires byte-identical events for the same return.
SERVER_ARGS = ["--fixtures", "demo-shop", "--freeze-time", "2026-11-20T10:00:00Z"]
HOOKS = {"merchant": SHOP, "url": "http://127.0.0.1:9/hooks"}  # never delivered: paused


def _ready_for_events(base_url: str) -> None:
    """Subscribe the shop (events are recorded for subscribers) with deliveries paused."""
    httpx.post(f"{base_url}/_mock/webhooks/subscriptions", json=HOOKS).raise_for_status()
    httpx.post(f"{base_url}/_mock/webhooks/pause").raise_for_status()


@pytest.fixture(scope="module")
def shop() -> Iterator[str]:
    with running_server(SERVER_ARGS) as base_url:
        _ready_for_events(base_url)
        yield base_url


def _events(base_url: str, return_id: str) -> list[tuple[str, str, Any]]:
    params = {"merchant": SHOP, "returnId": return_id}
    listed = httpx.get(f"{base_url}/_mock/webhooks/events", params=params).json()["data"]
    return [(e["type"], e["entityId"], e["payload"]) for e in listed]


def _find(page: Any, base_url: str, number: str, email: str) -> None:
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Find order").click()


def test_a_customer_returns_one_item_for_a_refund_and_one_for_an_exchange(
    page: Any, shop: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{shop}/_mock/portal/{SHOP}")
    page.get_by_role("heading", name="Find your order").wait_for()
    check_access(page)
    screenshot(page, "portal-lookup")

    # A wrong email: one message that does not say which field was wrong, announced.
    _find(page, shop, "#1001", "someone@example.com")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("ORDER_NOT_FOUND")
    expect(alert).to_contain_text("check both")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    check_access(page)

    _find(page, shop, "#1001", "anna@example.com")
    page.get_by_role("heading", name="Choose what to return").wait_for()
    expect(page.locator("#alerts")).to_be_empty()
    tee = page.get_by_role("group", name="Classic T-Shirt M / Black")
    hoodie = page.get_by_role("group", name="Zip Hoodie L / Grey")
    expect(tee).to_contain_text("can return 1")
    tee.get_by_label("Quantity to return").fill("1")
    tee.get_by_label("Reason").select_option(label="Doesn't fit")
    tee.get_by_label("Detail (optional)").select_option(label="Too small")
    hoodie.get_by_label("Quantity to return").fill("1")
    hoodie.get_by_label("Reason").select_option(label="Changed my mind")
    hoodie.get_by_label("Exchange for another variant").check()
    hoodie.get_by_label("Exchange for", exact=True).select_option(label="L / Navy")
    check_access(page)
    screenshot(page, "portal-items")

    page.get_by_role("button", name="Send return").click()
    page.wait_for_url(re.compile(r"/_mock/portal/demo-key/returns/\d+$"))
    return_id = page.url.rsplit("/", 1)[1]
    status = page.locator("#return-status")
    expect(status).to_have_text("CONFIRMED")
    rows = page.locator("#return-items tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Refund")
    expect(rows.nth(1)).to_contain_text("Exchange for L / Navy")
    check_access(page)
    screenshot(page, "portal-status")

    # The return exists through the API with the lines chosen.
    made = httpx.get(f"{shop}/returns/{return_id}", headers={"x-api-key": SHOP}).json()
    assert [
        (i["orderLineItemId"], i["quantity"], i["reason"]["code"], i.get("exchangeToVariantId"))
        for i in made["items"]
    ] == [
        ("ORD-1001-L1", 1, "DOESNT_FIT", None),
        ("ORD-1001-L2", 1, "CHANGED_MIND", "HOODIE-NAV-L"),
    ]
    assert made["items"][0]["reason"]["subReasonCode"] == "TOO_SMALL"
    fired = _events(shop, return_id)
    assert "RETURN_CREATED" in [event[0] for event in fired]

    # The page follows the return as it moves, and says so politely.
    label = httpx.post(f"{shop}/_mock/returns/{return_id}/label-ready?merchant={SHOP}")
    label.raise_for_status()
    expect(status).to_have_text("READY")
    expect(page.get_by_role("status")).to_contain_text("now READY")

    # The same return through the API fires the same events (a twin server, same clock).
    body = {
        "items": [
            {
                "orderLineItemId": i["orderLineItemId"],
                "quantity": i["quantity"],
                "reason": {k: v for k, v in i["reason"].items() if k in ("code", "subReasonCode")},
                **(
                    {"exchangeTo": {"productId": "HOODIE", "variantId": i["exchangeToVariantId"]}}
                    if "exchangeToVariantId" in i
                    else {}
                ),
            }
            for i in made["items"]
        ]
    }
    with running_server(SERVER_ARGS) as twin:
        _ready_for_events(twin)
        answer = httpx.post(
            f"{twin}/_mock/orders/ORD-1001/returns", json=body, headers={"x-api-key": SHOP}
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["returnId"] == return_id
        assert _events(twin, return_id) == fired


def test_a_quantity_over_what_can_be_returned_is_refused_and_announced(
    page: Any, shop: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{shop}/_mock/portal/{SHOP}")
    _find(page, shop, "1005", "JONAS@example.com")
    tee = page.get_by_role("group", name="Classic T-Shirt S / Black")
    expect(tee).to_contain_text("can return 2")
    quantity = tee.get_by_label("Quantity to return")
    quantity.fill("3")
    tee.get_by_label("Reason").select_option(label="Doesn't fit")
    page.get_by_role("button", name="Send return").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("VALIDATION_ERROR")
    expect(alert).to_contain_text("items[0].quantity: line item 'ORD-1005-L1' has 2 returnable")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_be_focused()
    check_access(page)
    # Nothing was made: both units can still be returned.
    found = httpx.get(
        f"{shop}/_mock/portal/{SHOP}/api/orders/lookup",
        params={"orderNumber": "1005", "email": "jonas@example.com"},
    ).json()
    assert found["lines"][0]["returnable"] == 2
