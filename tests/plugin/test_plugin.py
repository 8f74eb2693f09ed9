"""The pytest plugin, run in a separate pytest process as a user would run it."""

from __future__ import annotations

import pytest

from tests.plugin.runner import PytestRun
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


def test_a_ten_line_test_passes(inner_pytest: PytestRun) -> None:
    inner_pytest.write("test_it.py", SHOP + TEN_LINES)
    result = inner_pytest.run()
    result.assert_outcomes(passed=1)


def test_a_missed_webhook_lists_what_arrived(inner_pytest: PytestRun) -> None:
    inner_pytest.write(
        "test_it.py",
        SHOP
        + """
def test_waits_in_vain(mock_ingrid):
    open_return(mock_ingrid.client)
    mock_ingrid.wait_for_webhook("RETURN_CREATED")
    mock_ingrid.wait_for_webhook("RETURN_COMPLETED", timeout=0.5)
""",
    )
    result = inner_pytest.run()
    result.assert_outcomes(failed=1)
    assert (
        "AssertionError: no RETURN_COMPLETED webhook within 0.5 s; received: "
        "RETURN_CREATED (return 1)\n" in result.output
    )


def test_each_test_starts_from_a_reset_server(inner_pytest: PytestRun) -> None:
    inner_pytest.write(
        "test_it.py",
        SHOP
        + """
import pytest

@pytest.mark.parametrize("run", range(3))
def test_always_return_1_and_only_its_webhooks(mock_ingrid, run):
    assert open_return(mock_ingrid.client) == "1"
    mock_ingrid.wait_for_webhook("RETURN_CREATED", return_id="1")
    assert [p["type"] for p in mock_ingrid.received_webhooks] == ["RETURN_CREATED"]
""",
    )
    result = inner_pytest.run()
    result.assert_outcomes(passed=3)


def test_the_marker_sets_key_fixtures_and_clock(inner_pytest: PytestRun) -> None:
    inner_pytest.write(
        "test_it.py",
        """
import pytest

SHOP = {"version": 1, "merchants": [{"apiKey": "acme", "products": [
    {"productId": "P1", "title": "Mug", "variants": [{"variantId": "V1", "sku": "MUG-1"}]}]}]}

@pytest.mark.mock_ingrid(api_key="acme", fixtures=[SHOP], freeze_time="2026-01-15T10:00:00Z")
def test_marked(mock_ingrid):
    assert mock_ingrid.api_key == "acme"
    assert mock_ingrid.client.get("/products/P1").json()["title"] == "Mug"
    clock = mock_ingrid.client.get("/_mock/clock").json()
    assert clock == {**clock, "now": "2026-01-15T10:00:00Z", "frozen": True}

def test_unmarked(mock_ingrid):
    assert mock_ingrid.api_key == "test-key"
    assert mock_ingrid.client.get("/products").json()["data"] == []
    assert mock_ingrid.client.get("/_mock/clock").json()["frozen"] is False

@pytest.mark.mock_ingrid(colour="red")
def test_a_bad_option(mock_ingrid):
    pass
""",
    )
    result = inner_pytest.run("--strict-markers")
    result.assert_outcomes(passed=2, errors=1)
    assert "unknown option(s) colour; use api_key, fixtures, freeze_time" in result.output


def test_settings_come_from_an_overridable_fixture(inner_pytest: PytestRun) -> None:
    inner_pytest.write(
        "conftest.py",
        """
import pytest
from mock_ingrid.settings import Settings

@pytest.fixture(scope="session")
def mock_ingrid_settings():
    return Settings(api_keys=frozenset({"key-b", "key-a"}))
""",
    )
    inner_pytest.write(
        "test_it.py",
        """
import pytest

def test_the_first_accepted_key_is_the_default(mock_ingrid):
    assert mock_ingrid.api_key == "key-a"
    assert mock_ingrid.client.get("/returns").status_code == 200
    assert mock_ingrid.client.get("/returns", headers={"x-api-key": "other"}).status_code == 401

@pytest.mark.mock_ingrid(api_key="key-b")
def test_the_marker_picks_another(mock_ingrid):
    assert mock_ingrid.client.get("/returns").status_code == 200
""",
    )
    result = inner_pytest.run()
    result.assert_outcomes(passed=2)


def test_each_xdist_worker_gets_its_own_server(inner_pytest: PytestRun) -> None:
    inner_pytest.write(
        "test_it.py",
        SHOP
        + """
import pathlib
import pytest

@pytest.mark.parametrize("run", range(6))
def test_isolated(mock_ingrid, run):
    assert open_return(mock_ingrid.client) == "1"
    mock_ingrid.advance_return("1", "COMPLETED")
    mock_ingrid.wait_for_webhook("RETURN_COMPLETED", return_id="1")
    (pathlib.Path(__file__).parent / f"server-{run}.txt").write_text(mock_ingrid.base_url)
""",
    )
    result = inner_pytest.run("-n", "2")
    result.assert_outcomes(passed=6)
    servers = {p.read_text() for p in inner_pytest.path.glob("server-*.txt")}
    assert len(servers) == 2, servers  # one server per worker process
