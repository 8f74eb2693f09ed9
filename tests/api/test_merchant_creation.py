"""A merchant comes into being when something is written for it: a read, a refused
call or a failed write leaves no merchant behind (in lists, exports, the state)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.clock import ControlledClock
from mock_ingrid.domain.merchant import MAX_API_KEY_LENGTH
from mock_ingrid.settings import Settings
from mock_ingrid.store import State
from tests.api.flow import ORDER_ID, ok, seed_reference
from tests.api.test_legacy_returns import assert_legacy_error
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT
from tests.conftest import FROZEN_AT, make_client

MOCK = "/_mock"

READS = [
    "/returns",
    "/returns/1",
    "/products",
    "/products/p-1",
    "/orders/o-1",
    "/refund-transactions",
    "/exchanges",
    "/merchant/return?page=0&size=10",
    "/merchant/return/1",
]


def merchants(client: TestClient) -> list[str]:
    return [m["apiKey"] for m in ok(client.get(f"{MOCK}/merchants"))["data"]]


def exported(client: TestClient) -> list[str]:
    return [m["apiKey"] for m in ok(client.get(f"{MOCK}/state"))["merchants"]]


@pytest.fixture
def anonymous(settings: Settings) -> Any:
    with make_client(settings, api_key=None) as client:
        yield client


def test_reads_of_random_keys_create_no_merchant(anonymous: TestClient) -> None:
    for number, path in enumerate(READS * 3):
        response = anonymous.get(path, headers={"x-api-key": f"random-{number}"})
        assert response.status_code in (200, 404), response.text
    assert merchants(anonymous) == [] and exported(anonymous) == []


def test_failed_writes_create_no_merchant(anonymous: TestClient) -> None:
    key = {"x-api-key": "newcomer"}
    bad_order = {**copy.deepcopy(REFERENCE_ORDER), "lineItems": "many"}
    refusals = [
        anonymous.post("/orders", json=bad_order, headers=key),  # 400
        anonymous.post(
            "/products", content=b"{", headers={**key, "content-type": "application/json"}
        ),
        anonymous.post("/products", content=b"x=1", headers={**key, "content-type": "text/plain"}),
        anonymous.post(f"/orders/{ORDER_ID}/returns", json={"items": []}, headers=key),
        anonymous.post("/refund-transactions/1/complete", json={}, headers=key),
        anonymous.patch("/orders/o-1", json={"shipments": []}, headers=key),
        anonymous.post(
            "/merchant/items/returned",
            json={"foreignOrderId": ORDER_ID, "returnId": 1, "items": []},
            headers=key,
        ),
    ]
    assert all(400 <= r.status_code < 500 for r in refusals), [r.text for r in refusals]
    assert merchants(anonymous) == [] and exported(anonymous) == []


def test_the_first_write_creates_the_merchant(anonymous: TestClient) -> None:
    key = {"x-api-key": "newcomer"}
    ok(anonymous.get("/products", headers=key))
    ok(anonymous.post("/products", json=REFERENCE_PRODUCT, headers=key), 201)
    assert merchants(anonymous) == ["newcomer"] == exported(anonymous)
    listed = ok(anonymous.get("/products", headers=key))["data"]
    assert [p["productId"] for p in listed] == [REFERENCE_PRODUCT["productId"]]


def test_refused_keys_create_no_merchant() -> None:
    settings = Settings(freeze_time=FROZEN_AT, api_keys=frozenset({"only"}))
    with make_client(settings, api_key=None) as client:
        for path in ("/returns", "/merchant/return/1"):
            assert client.get(path, headers={"x-api-key": "intruder"}).status_code == 401
        response = client.post("/products", json=REFERENCE_PRODUCT, headers={"x-api-key": "x"})
        assert response.status_code == 401
        assert merchants(client) == []


def test_control_reads_create_no_merchant(client: TestClient) -> None:
    seed_reference(client)
    ghost = {"x-api-key": "ghost"}
    assert client.get(f"{MOCK}/state", params={"merchant": "ghost"}).status_code == 404
    assert client.get(f"{MOCK}/merchants/ghost").status_code == 404
    assert client.get(f"{MOCK}/warehouse-reports/1", headers=ghost).status_code == 404
    ok(client.get(f"{MOCK}/webhooks/events", params={"merchant": "ghost"}))
    assert merchants(client) == ["test-key"]


@pytest.mark.parametrize("path", ["/returns", "/merchant/return/1"])
def test_a_key_longer_than_256_characters_is_a_401(anonymous: TestClient, path: str) -> None:
    longest = "k" * MAX_API_KEY_LENGTH
    assert anonymous.get(path, headers={"x-api-key": longest}).status_code in (200, 404)
    response = anonymous.get(path, headers={"x-api-key": longest + "k"})
    if path.startswith("/merchant"):
        body = assert_legacy_error(response, 401, "Unauthorized")
    else:
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "UNAUTHORIZED"
    assert "longer than 256 characters" in body["message"]
    written = anonymous.post(
        "/products", json=REFERENCE_PRODUCT, headers={"x-api-key": "k" * 10_000}
    )
    assert written.status_code == 401
    assert merchants(anonymous) == []


# -- the state's side: calls in flight share a merchant not in the state yet ----------


def test_calls_in_flight_for_a_new_key_share_one_merchant() -> None:
    state = State(ControlledClock(FROZEN_AT))
    first, second = state.acting("new"), state.acting("new")
    assert first is second and "new" not in state.merchants
    state.release(first)  # the first call wrote nothing; the second still holds it
    assert state.acting("new") is second
    second.ids.next("return")  # the second call writes
    state.release(second)
    assert state.merchants["new"] is second
    state.release(second)  # the third call ends: it was in the state already
    assert state.acting("new") is second


def test_a_blank_merchant_is_forgotten_when_the_last_call_ends() -> None:
    state = State(ControlledClock(FROZEN_AT))
    held = state.acting("new")
    state.release(held)
    assert "new" not in state.merchants
    assert state.acting("new") is not held


def test_a_merchant_created_meanwhile_adopts_what_a_call_holds() -> None:
    """``POST /_mock/merchants`` while an API call for the key is in flight: one merchant."""
    state = State(ControlledClock(FROZEN_AT))
    held = state.acting("new")
    assert state.merchant("new") is held
    state.release(held)
    assert state.merchants["new"] is held
