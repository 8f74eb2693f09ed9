"""The whole demo in real Chromium, as a person would give it: recording starts in the
dashboard; a customer returns one item for a refund and one for an exchange in the
portal while the dashboard, open beside it, shows the return arrive live; the
backoffice check and the confirmations in the dashboard bring it to COMPLETED; the
recording is exported, and the scenario file replays green on a fresh, empty server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_ingrid.scenarios import run_scenario
from tests.browser.conftest import check_access
from tests.server import running_server

SHOP = "demo-key"
# Frozen: the replay sees the same times (docs/control-api.md, Recording a session).
SERVER_ARGS = ["--fixtures", "demo-shop", "--freeze-time", "2026-11-20T10:00:00Z"]


@pytest.fixture(scope="module")
def shop() -> Iterator[str]:
    with running_server(SERVER_ARGS) as base_url:
        yield base_url


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def _returns_of_the_shop(base_url: str) -> list[str]:
    listed = httpx.get(f"{base_url}/returns", headers={"x-api-key": SHOP}, params={"size": 100})
    return [item["returnId"] for item in listed.json()["data"]]


def _make_the_return_in_the_portal(portal: Any, shop: str) -> str:
    portal.goto(f"{shop}/_mock/portal/{SHOP}")
    portal.get_by_label("Order number").fill("#1001")
    portal.get_by_label("Email").fill("anna@example.com")
    portal.get_by_role("button", name="Find order").click()
    tee = portal.get_by_role("group", name="Classic T-Shirt M / Black")
    hoodie = portal.get_by_role("group", name="Zip Hoodie L / Grey")
    tee.get_by_label("Quantity to return").fill("1")
    tee.get_by_label("Reason").select_option(label="Doesn't fit")
    hoodie.get_by_label("Quantity to return").fill("1")
    hoodie.get_by_label("Reason").select_option(label="Changed my mind")
    hoodie.get_by_label("Exchange for another variant").check()
    hoodie.get_by_label("Exchange for", exact=True).select_option(label="L / Navy")
    portal.get_by_role("button", name="Send return").click()
    portal.wait_for_url(re.compile(rf"/_mock/portal/{SHOP}/returns/\d+$"))
    return str(portal.url.rsplit("/", 1)[1])


def test_a_demo_in_portal_and_dashboard_exports_a_scenario_that_replays_green(
    browser: Any, shop: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    try:
        dashboard = context.new_page()
        dashboard.goto(f"{shop}/_mock/ui?merchant={SHOP}")
        dashboard.locator("#live[data-state=open]").wait_for()
        dashboard.locator("main[data-loaded=true]").wait_for()
        dashboard.get_by_role("button", name="Record", exact=True).click()
        expect()(dashboard.locator("#recording-state")).to_contain_text("recording")
        before = set(_returns_of_the_shop(shop))

        # The customer, in a tab of their own; the dashboard is not reloaded.
        return_id = _make_the_return_in_the_portal(context.new_page(), shop)
        assert return_id not in before
        link = dashboard.get_by_role("link", name=f"Return {return_id}")
        expect()(link).to_be_visible()
        expect()(dashboard.locator("#returns-table-body tr").first).to_contain_text("CONFIRMED")

        # The merchant follows the return to its page and checks what arrived.
        link.click()
        status = dashboard.locator("#return-status")
        expect()(status).to_have_text("CONFIRMED")
        dashboard.get_by_role("button", name="Helper: deliver").click()
        expect()(status).to_have_text("RECEIVED")
        dashboard.locator("#inspection-form").wait_for()
        dashboard.get_by_role("button", name="File the warehouse report").click()
        refund = dashboard.locator("#settlement .card").filter(has_text="Refund")
        exchange = dashboard.locator("#settlement .card").filter(has_text="Exchange")
        expect()(refund).to_contain_text("AWAITING_EXTERNAL_REFUND")
        expect()(exchange).to_contain_text("AWAITING_EXTERNAL_HANDLING")
        expect()(exchange).to_contain_text("HOODIE-GRE-L → HOODIE-NAV-L")
        dashboard.get_by_role("button", name="Confirm exchange").click()
        expect()(exchange).to_contain_text("COMPLETED")
        dashboard.get_by_role("button", name="Confirm refund").click()
        expect()(refund).to_contain_text("SUCCESS")
        expect()(status).to_have_text("COMPLETED")
        check_access(dashboard)

        # Back home: stop, name and export what was done.
        dashboard.goto(f"{shop}/_mock/ui?merchant={SHOP}")
        dashboard.locator("main[data-loaded=true]").wait_for()
        dashboard.get_by_role("button", name="Stop recording").click()
        expect()(dashboard.locator("#recording-state")).to_contain_text("stopped")
        dashboard.get_by_label("Scenario name").fill("portal-exchange-demo")
        with dashboard.expect_download() as download:
            dashboard.get_by_role("link", name="Export").click()
        exported = tmp_path / download.value.suggested_filename
        download.value.save_as(exported)
    finally:
        context.close()

    assert exported.name == "portal-exchange-demo.json"
    scenario = json.loads(exported.read_text())
    labels = [f"{s['request']['method']} {s['request']['path']}" for s in scenario["steps"]]
    assert any(label.startswith("POST /_mock/orders/") for label in labels), labels
    assert "POST /warehouse-reports" in labels
    # Replayed on a server that starts empty: every step answers as it did in the demo.
    said: list[str] = []
    with running_server([]) as fresh:
        run_scenario(exported, fresh, say=said.append)
        replayed = httpx.get(f"{fresh}/returns/{return_id}", headers={"x-api-key": SHOP})
    assert replayed.status_code == 200
    assert replayed.json()["status"] == "COMPLETED"
    assert said, "the runner reports its steps"
