"""The dashboard in real Chromium: a return made through the API appears live; the
backoffice check, the review and the refund's confirmation bring a return to
COMPLETED by clicks; a failing receiver's delivery shows its attempts and is resent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.flow import create_return, seed_reference
from tests.browser.conftest import check_access, screenshot


@contextmanager
def merchant_api(server: str, key: str) -> Iterator[httpx.Client]:
    """A merchant of its own per test, with the reference product and order."""
    with httpx.Client(base_url=server, headers={"x-api-key": key}, timeout=10) as client:
        seed_reference(client)  # type: ignore[arg-type]
        yield client


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def open_dashboard(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("#live[data-state=open]").wait_for()
    page.locator("main[data-loaded=true]").wait_for()


def test_a_return_made_through_the_api_appears_live(page: Any, server: str) -> None:
    with merchant_api(server, "dash-live") as api:
        open_dashboard(page, f"{server}/_mock/ui?merchant=dash-live")
        expect()(page.get_by_text("No returns.")).to_be_visible()
        created = create_return(api)  # type: ignore[arg-type]
        link = page.get_by_role("link", name=f"Return {created['returnId']}")
        expect()(link).to_be_visible()
        row = page.locator("#returns-table-body tr").first
        expect()(row).to_contain_text("CONFIRMED")
        # A status change made elsewhere shows too.
        api.post(f"/_mock/returns/{created['returnId']}/label-ready").raise_for_status()
        expect()(row).to_contain_text("READY")
    check_access(page)
    # The pages bring their own icon: no /favicon.ico 404 in a suite's journal.
    journal = httpx.get(f"{server}/_mock/journal").json()["data"]
    assert journal and not [e for e in journal if "favicon" in e["path"]]
    # The screenshot shows the demo shop, with its returns in every status.
    page.get_by_label("Merchant (API key)").select_option("demo-key")
    expect()(page.locator("#returns-table-body tr")).to_have_count(10)
    screenshot(page, "dashboard")


def test_the_backoffice_check_brings_a_return_to_completed_by_clicks(
    page: Any, server: str
) -> None:
    with merchant_api(server, "dash-check") as api:
        return_id = create_return(api, quantity=2)["returnId"]  # type: ignore[arg-type]
    open_dashboard(page, f"{server}/_mock/ui/returns/{return_id}?merchant=dash-check")
    status = page.locator("#return-status")
    expect()(status).to_have_text("CONFIRMED")
    helpers = page.locator("#helpers button")
    # Only what CONFIRMED allows (the warehouse may report before any carrier scan).
    expect()(helpers).to_have_text(
        ["Helper: label-ready", "Helper: deliver", "Helper: no-return-needed", "Helper: advance"]
    )
    for step, reached in (("label-ready", "READY"), ("in-transit", "IN_TRANSIT")):
        page.get_by_role("button", name=f"Helper: {step}").click()
        expect()(status).to_have_text(reached)
    page.get_by_role("button", name="Helper: deliver").click()
    expect()(status).to_have_text("RECEIVED")

    check = page.locator("#inspection-form")
    check.wait_for()
    page.get_by_label("Approved units").fill("1")
    page.get_by_label("Denied units").fill("1")
    page.get_by_label("Remark").fill("one worn")
    page.get_by_label("Processing").select_option("MANUAL_REVIEW")
    check_access(page)
    screenshot(page, "dashboard-backoffice")
    page.get_by_role("button", name="File the warehouse report").click()
    page.get_by_role("button", name="Approve review").click()

    expect()(status).to_have_text("REFUND_PENDING")
    refund = page.locator("#settlement .card").first
    expect()(refund).to_contain_text("AWAITING_EXTERNAL_REFUND")
    page.get_by_role("button", name="Confirm refund").click()
    expect()(status).to_have_text("COMPLETED")
    expect()(refund).to_contain_text("SUCCESS")
    expect()(page.locator("#lines-table-body")).to_contain_text("PARTIALLY_APPROVED")
    expect()(page.locator("#helpers")).to_contain_text("None")
    timeline = page.locator("#timeline-table-body")
    expect()(timeline).to_contain_text("approve_review: AWAITING_REVIEW → PROCESSED")
    expect()(timeline).to_contain_text("complete: REFUND_PENDING → COMPLETED")
    check_access(page)
    screenshot(page, "dashboard-return")


class _Failing(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(500)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def failing_receiver() -> Iterator[str]:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_a_failing_delivery_shows_its_attempts_and_is_resent(
    page: Any, server: str, failing_receiver: str
) -> None:
    with merchant_api(server, "dash-hooks") as api:
        subscription = {"merchant": "dash-hooks", "url": failing_receiver}
        api.post("/_mock/webhooks/subscriptions", json=subscription).raise_for_status()
        return_id = create_return(api)["returnId"]  # type: ignore[arg-type]
    open_dashboard(page, f"{server}/_mock/ui/returns/{return_id}?merchant=dash-hooks")
    delivery = page.locator(".delivery").filter(has_text="RETURN_CREATED")
    expect()(delivery.locator(".attempt").first).to_contain_text("HTTP 500")
    page.get_by_role("button", name="Resend RETURN_CREATED").click()
    expect()(delivery).to_contain_text("(resent)")
    resent = delivery.locator("li").filter(has_text="(resent)")
    expect()(resent.locator(".attempt").first).to_contain_text("HTTP 500")
    check_access(page)


def test_a_scenario_runs_with_a_click_and_a_session_is_recorded(page: Any, server: str) -> None:
    if httpx.get(f"{server}/_mock/scenarios").status_code == 404:
        pytest.skip("the scenario and recording routes (branch i-record) are not on this branch")
    open_dashboard(page, f"{server}/_mock/ui")
    page.get_by_role("button", name="Record", exact=True).click()
    expect()(page.locator("#recording-state")).to_contain_text("recording")
    page.get_by_role("button", name="Run happy-refund").click()
    run = page.locator("#scenario-run-card")
    expect()(run).to_contain_text("Run of happy-refund: PASSED", timeout=30_000)
    expect()(run.locator("li").first).to_contain_text("PASSED")
    check_access(page)
    page.get_by_role("button", name="Stop recording").click()
    page.get_by_label("Scenario name").fill("from-the-dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export").click()
    assert download.value.suggested_filename == "from-the-dashboard.json"


def test_a_scenario_file_is_run_from_the_page(page: Any, server: str, tmp_path: Path) -> None:
    steps = [
        {"id": "clock", "request": {"method": "GET", "path": "/_mock/clock"}},
        {"request": {"method": "GET", "path": "/products"}, "expect": {"status": 200}},
    ]
    good = tmp_path / "from-my-disk.json"
    good.write_text(json.dumps({"apiKey": "dash-upload", "steps": steps}))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"steps": [{"request": {"method": "GET", "path": "https://x"}}]}))
    open_dashboard(page, f"{server}/_mock/ui")

    page.get_by_label("Scenario file (an export, say)").set_input_files(str(broken))
    page.get_by_role("button", name="Run the file").click()
    alert = page.get_by_role("alert")
    expect()(alert).to_contain_text("INVALID_SCENARIO")
    expect()(alert).to_contain_text("steps[0]: request.path: a path on the server")

    page.get_by_label("Scenario file (an export, say)").set_input_files(str(good))
    page.get_by_role("button", name="Run the file").click()
    run = page.locator("#scenario-run-card")
    expect()(run).to_contain_text("Run of from-my-disk: PASSED", timeout=30_000)
    expect()(run.locator("li")).to_have_count(2)
    expect()(page.locator("#alerts")).to_be_empty()
    check_access(page)
