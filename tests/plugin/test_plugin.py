"""The pytest plugin, tested with ``pytester``: each test runs pytest in a subprocess on
files written for it, as a user would (so the plugin comes from its ``pytest11`` entry
point, and xdist workers are real processes)."""

from __future__ import annotations

import pytest

from tests.plugin.shop import SHOP

pytestmark = pytest.mark.slow

TEN_LINES = """
def test_a_return_is_refunded(mock_ingrid):
    return_id = open_return(mock_ingrid.client)
    created = mock_ingrid.wait_for_webhook("RETURN_CREATED", return_id=return_id)
    assert created["foreignOrderId"] == "O1"
    mock_ingrid.advance_return(return_id, "COMPLETED")
    assert mock_ingrid.client.get(f"/returns/{return_id}").json()["status"] == "COMPLETED"
    refund = mock_ingrid.wait_for_webhook("REFUND_PENDING_EXTERNAL", returnId=return_id)
    assert refund["totalAmount"] == 120
    assert mock_ingrid.base_url.startswith("http://127.0.0.1:")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=300)


def test_a_ten_line_test_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_it=SHOP + TEN_LINES)
    run(pytester).assert_outcomes(passed=1)


def test_a_missed_webhook_lists_what_arrived(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_it=SHOP
        + """
def test_waits_in_vain(mock_ingrid):
    open_return(mock_ingrid.client)
    mock_ingrid.wait_for_webhook("RETURN_CREATED")
    mock_ingrid.wait_for_webhook("RETURN_COMPLETED", timeout=0.5)
"""
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * AssertionError: no RETURN_COMPLETED webhook within 0.5 s; received: "
            "RETURN_CREATED (return 1)"
        ]
    )


def test_each_test_starts_from_a_reset_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_it=SHOP
        + """
import pytest

@pytest.mark.parametrize("run", range(3))
def test_always_return_1_and_only_its_webhooks(mock_ingrid, run):
    assert open_return(mock_ingrid.client) == "1"
    mock_ingrid.wait_for_webhook("RETURN_CREATED", return_id="1")
    assert [p["type"] for p in mock_ingrid.received_webhooks] == ["RETURN_CREATED"]
"""
    )
    run(pytester).assert_outcomes(passed=3)


def test_the_helpers_drive_returns_clock_fixtures_and_scenarios(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_it=SHOP
        + """
from mock_ingrid.webhooks import verify

def test_helpers(mock_ingrid):
    return_id = open_return(mock_ingrid.client)
    assert mock_ingrid.advance_return(return_id, "REFUND_PENDING")["status"] == "REFUND_PENDING"
    refund = mock_ingrid.wait_for_webhook("REFUND_PENDING_EXTERNAL", return_id=return_id)
    delivery = next(r for r in mock_ingrid.webhooks.received if r.payload == refund)
    assert verify(delivery.body, delivery.headers, mock_ingrid.secret) == refund
    mock_ingrid.freeze_clock()
    assert mock_ingrid.set_clock("2030-01-01T00:00:00Z")["now"] == "2030-01-01T00:00:00Z"
    assert mock_ingrid.advance_clock("2h")["now"] == "2030-01-01T02:00:00Z"
    assert "demo-key" in mock_ingrid.load_fixture("demo-shop")
    demo = mock_ingrid.client.get("/returns", headers={"x-api-key": "demo-key"}).json()
    assert {r["status"] for r in demo["data"]} >= {"PENDING", "COMPLETED", "CANCELLED"}
    assert mock_ingrid.run_scenario("cancellation")["cancel"]["status"] == "CANCELLED"
"""
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_marker_sets_key_fixtures_and_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_it="""
import pytest

SHOP = {"version": 1, "merchants": [{"apiKey": "acme", "products": [
    {"productId": "P1", "title": "Mug", "variants": [{"variantId": "V1", "sku": "MUG-1"}]}]}]}

@pytest.mark.mock_ingrid(api_key="acme", fixtures=[SHOP], freeze_time="2026-01-15T10:00:00Z")
def test_marked(mock_ingrid):
    assert mock_ingrid.api_key == "acme"
    assert mock_ingrid.client.get("/products/P1").json()["title"] == "Mug"
    clock = mock_ingrid.client.get("/_mock/clock").json()
    assert clock == {**clock, "now": "2026-01-15T10:00:00Z", "frozen": True}

@pytest.mark.mock_ingrid(api_key="demo-key", fixtures=["demo-shop"])
def test_a_shipped_set_by_name(mock_ingrid):
    assert mock_ingrid.client.get("/returns/10").json()["status"] == "PENDING"

def test_unmarked(mock_ingrid):
    assert mock_ingrid.api_key == "test-key"
    assert mock_ingrid.client.get("/products").json()["data"] == []
    assert mock_ingrid.client.get("/_mock/clock").json()["frozen"] is False

@pytest.mark.mock_ingrid(colour="red")
def test_a_bad_option(mock_ingrid):
    pass

@pytest.mark.mock_ingrid(fixtures=["no-such-set"])
def test_a_missing_fixture(mock_ingrid):
    pass
"""
    )
    result = run(pytester, "--strict-markers")
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*unknown option(s) colour; use api_key, fixtures, freeze_time*",
            "*no-such-set: no such fixture file or folder, nor a shipped set (shipped: *demo-shop*",
        ]
    )


def test_settings_come_from_an_overridable_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from mock_ingrid.settings import Settings

@pytest.fixture(scope="session")
def mock_ingrid_settings():
    return Settings(api_keys=frozenset({"key-b", "key-a"}))
"""
    )
    pytester.makepyfile(
        test_it="""
import pytest

def test_the_first_accepted_key_is_the_default(mock_ingrid):
    assert mock_ingrid.api_key == "key-a"
    assert mock_ingrid.client.get("/returns").status_code == 200
    assert mock_ingrid.client.get("/returns", headers={"x-api-key": "other"}).status_code == 401

@pytest.mark.mock_ingrid(api_key="key-b")
def test_the_marker_picks_another(mock_ingrid):
    assert mock_ingrid.client.get("/returns").status_code == 200
"""
    )
    run(pytester).assert_outcomes(passed=2)


def test_each_xdist_worker_gets_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_it=SHOP
        + """
import pathlib
import pytest

@pytest.mark.parametrize("run", range(6))
def test_isolated(mock_ingrid, run):
    assert open_return(mock_ingrid.client) == "1"
    mock_ingrid.advance_return("1", "COMPLETED")
    mock_ingrid.wait_for_webhook("RETURN_COMPLETED", return_id="1")
    (pathlib.Path(__file__).parent / f"server-{run}.txt").write_text(mock_ingrid.base_url)
"""
    )
    run(pytester, "-n", "2").assert_outcomes(passed=6)
    servers = {p.read_text() for p in pytester.path.glob("server-*.txt")}
    assert len(servers) == 2, servers  # one server per worker process


def test_a_missed_webhook_fails_under_xdist_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_it=SHOP
        + """
import pytest

@pytest.mark.parametrize("run", range(2))
def test_waits_in_vain(mock_ingrid, run):
    open_return(mock_ingrid.client)
    mock_ingrid.wait_for_webhook("RETURN_CREATED")  # arrived, however busy the machine
    mock_ingrid.wait_for_webhook("RETURN_COMPLETED", timeout=0.3)
"""
    )
    result = run(pytester, "-n", "2")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*no RETURN_COMPLETED webhook within 0.3 s; received: RETURN_CREATED (return 1)*"]
    )
