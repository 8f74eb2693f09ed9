"""The merchant a lifecycle helper acts for: never created by the call, held to --api-key."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT, make_client
from tests.control.steps import API_KEY, LINE_ID, MOCK, ORDER_ID, ok, seed_reference


def merchant_keys(client: TestClient) -> list[str]:
    return [m["apiKey"] for m in ok(client.get(f"{MOCK}/merchants"))["data"]]


def test_an_unknown_merchant_gets_the_api_404_and_is_not_created(client: TestClient) -> None:
    seed_reference(client)
    before = merchant_keys(client)
    response = client.get(f"{MOCK}/warehouse-reports/1", headers={"x-api-key": "ghost"})
    assert response.status_code == 404
    assert response.json()["code"] == "WAREHOUSE_REPORT_NOT_FOUND"
    response = client.post(f"{MOCK}/returns/1/confirm", headers={"x-api-key": "ghost"})
    assert response.status_code == 404
    assert response.json()["code"] == "RETURN_NOT_FOUND"
    assert merchant_keys(client) == before == [API_KEY]


def test_with_api_keys_another_merchant_is_refused() -> None:
    settings = Settings(freeze_time=FROZEN_AT, api_keys=frozenset({API_KEY}))
    with make_client(settings, api_key=None) as client:
        response = client.post(f"{MOCK}/returns/1/confirm", params={"merchant": "intruder"})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "UNKNOWN_MERCHANT"
        assert body["errors"][0]["path"] == "merchant"
        assert "intruder" not in merchant_keys(client)


def test_a_bad_exchange_names_the_field_that_was_sent(client: TestClient) -> None:
    seed_reference(client)
    item = {
        "orderLineItemId": LINE_ID,
        "quantity": 1,
        "exchangeTo": {"productId": "PROD-123", "variantId": "NO-SUCH-VARIANT"},
    }
    response = client.post(f"{MOCK}/orders/{ORDER_ID}/returns", json={"items": [item]})
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    assert problem["path"] == "items[0].exchangeTo.variantId"
    assert problem["code"] == "UNKNOWN_VARIANT"


def test_the_merchant_named_both_ways_is_refused(client: TestClient) -> None:
    """The header and the parameter could disagree: exactly one of them, as documented."""
    seed_reference(client)
    for merchant in (API_KEY, "other"):
        response = client.post(f"{MOCK}/returns/1/confirm", params={"merchant": merchant})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "MERCHANT_REQUIRED"
        assert "not both" in body["message"]
        assert body["errors"][0]["path"] == "merchant"
