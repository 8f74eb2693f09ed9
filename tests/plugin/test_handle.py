"""The testing handle on its own: a context manager, no pytest needed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_ingrid.settings import Settings
from mock_ingrid.testing import MockIngrid, MockIngridError
from tests.server import ROOT

DEMO = ROOT / "fixtures" / "demo-shop.json"
SHOP = {
    "version": 1,
    "merchants": [
        {
            "apiKey": "test-key",
            "products": [
                {"productId": "P1", "title": "Mug", "variants": [{"variantId": "V1", "sku": "M1"}]}
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def ingrid() -> Iterator[MockIngrid]:
    with MockIngrid(Settings(seed=7)) as handle:
        yield handle


@pytest.fixture
def handle(ingrid: MockIngrid) -> MockIngrid:
    ingrid.configure()
    ingrid.reset()
    return ingrid


def test_the_client_is_the_merchant_on_loopback(handle: MockIngrid) -> None:
    assert handle.base_url.startswith("http://127.0.0.1:")
    assert handle.client.headers["x-api-key"] == handle.api_key == "test-key"
    assert handle.client.get("/_mock/health").json()["status"] == "ok"


def test_fixtures_load_from_a_document_or_a_path(handle: MockIngrid) -> None:
    assert handle.load_fixture(SHOP) == ["test-key"]
    assert handle.client.get("/products/P1").json()["title"] == "Mug"
    assert "demo-key" in handle.load_fixture(DEMO)
    assert "demo-key" in handle.load_fixture(str(DEMO))
    demo = handle.client.get("/returns", headers={"x-api-key": "demo-key"}).json()
    assert demo["data"]


def test_reset_forgets_data_and_webhooks(handle: MockIngrid) -> None:
    handle.load_fixture(SHOP)
    handle.reset()
    assert handle.client.get("/products").json()["data"] == []
    assert handle.received_webhooks == []


def test_configured_options_apply_at_each_reset(handle: MockIngrid) -> None:
    handle.configure(api_key="shop-2", fixtures=[DEMO], freeze_time="2026-01-15T10:00:00Z")
    handle.reset()
    assert handle.client.headers["x-api-key"] == "shop-2"
    demo = handle.client.get("/returns", headers={"x-api-key": "demo-key"}).json()
    assert demo["data"]
    assert handle.client.get("/_mock/clock").json()["now"] == "2026-01-15T10:00:00Z"


def test_the_clock_is_set_and_advanced(handle: MockIngrid) -> None:
    handle.freeze_clock("2026-03-01T00:00:00Z")
    assert handle.advance_clock(90)["now"] == "2026-03-01T00:01:30Z"
    assert handle.advance_clock("2h")["now"] == "2026-03-01T02:01:30Z"
    assert handle.set_clock("2026-04-01T12:00:00Z")["now"] == "2026-04-01T12:00:00Z"
    handle.reset()  # no frozen instant configured: real time again
    assert handle.client.get("/_mock/clock").json()["frozen"] is False


def test_a_refused_control_call_quotes_the_answer(handle: MockIngrid) -> None:
    with pytest.raises(MockIngridError, match=r"answered 404: .*RETURN_NOT_FOUND"):
        handle.advance_return("99", "COMPLETED")


def test_webhooks_are_verified_and_matched(handle: MockIngrid) -> None:
    handle.configure(api_key="demo-key", fixtures=[DEMO])
    handle.reset()  # the demo shop loaded, the receiver subscribed for demo-key
    open_ids = [
        r["returnId"]
        for r in handle.client.get("/returns", params={"status": "CONFIRMED"}).json()["data"]
    ]
    handle.advance_return(open_ids[0], "COMPLETED")
    done = handle.wait_for_webhook("RETURN_COMPLETED", return_id=open_ids[0])
    assert done["returnId"] == open_ids[0]
    assert all(r.error is None for r in handle.webhooks.received)  # type: ignore[union-attr]


def test_a_forged_webhook_is_recorded_as_rejected(handle: MockIngrid) -> None:
    assert handle.webhooks is not None
    answer = httpx.post(handle.webhooks.url, content=b"{}", headers={"webhook-id": "x"})
    assert answer.status_code == 401
    with pytest.raises(AssertionError, match=r"received: a rejected webhook \("):
        handle.wait_for_webhook(timeout=0.1)


SCRIPT = """
import sys
from mock_ingrid.testing import MockIngrid

with MockIngrid(api_key="plain") as ingrid:
    ingrid.load_fixture({"version": 1, "merchants": [{"apiKey": "plain", "products": [
        {"productId": "P1", "title": "Mug", "variants": [{"variantId": "V1", "sku": "M1"}]}]}]})
    print(ingrid.client.get("/products/P1").json()["title"])
    try:
        ingrid.wait_for_webhook("RETURN_CREATED", timeout=0.2)
    except AssertionError as exc:
        print(exc)
assert "pytest" not in sys.modules
print("stopped")
"""


def test_the_handle_works_without_pytest() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Mug",
        "no RETURN_CREATED webhook within 0.2 s; received: nothing",
        "stopped",
    ]


def test_a_shipped_set_loads_by_name_and_a_bad_file_is_named(
    handle: MockIngrid, tmp_path: Path
) -> None:
    assert handle.load_fixture("demo-shop") == ["demo-key"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "merchants": [{"apiKey": "k", "products": [{}]}]}))
    with pytest.raises(MockIngridError) as refused:
        handle.load_fixture(bad)
    assert str(refused.value).startswith(f"{bad}: POST /_mock/fixtures answered 400: ")
    assert "merchants[0].products[0].title" in str(refused.value)
    with pytest.raises(MockIngridError, match="no-such-set: no such fixture file or folder"):
        handle.load_fixture("no-such-set")
