"""The customer portal's JSON routes and pages over HTTP (the browser half is in
tests/browser/test_portal.py): lookup by number and email, what can still be
returned, the status of a return, and the legacy statusUrl under --status-url portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.app import create_app
from mock_ingrid.domain.reasons import REASON_LABELS, SUB_REASON_LABELS
from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.views.portal import status_path
from tests.conftest import FROZEN_AT
from tests.control.helpers import check_response
from tests.control.steps import ok

SHOP = "demo-key"
PORTAL = f"/_mock/portal/{SHOP}"
LOOKUP = f"{PORTAL}/api/orders/lookup"
ANNA = "anna@example.com"


def demo_client(**fields: Any) -> TestClient:
    """The demo shop in-process, every answer checked against the documents."""
    runtime = Runtime.build(Settings(freeze_time=FROZEN_AT, validate_responses=True, **fields))
    load_fixture_paths(runtime.state, [Path("demo-shop")])
    client = TestClient(create_app(runtime=runtime), raise_server_exceptions=True)
    client.headers["x-api-key"] = SHOP
    client.event_hooks["response"].append(check_response)
    return client


@pytest.fixture
def shop() -> Iterator[TestClient]:
    with demo_client() as client:
        yield client


def lookup(client: TestClient, number: str, email: str) -> Any:
    return client.get(LOOKUP, params={"orderNumber": number, "email": email})


def test_an_order_is_found_by_its_name_or_number_and_the_email_in_any_case(
    shop: TestClient,
) -> None:
    by_name = ok(lookup(shop, "#1001", ANNA))
    assert ok(lookup(shop, " 1001 ", " Anna@Example.COM")) == by_name
    assert by_name["orderId"] == "ORD-1001"
    lines = {line["orderLineItemId"]: line for line in by_name["lines"]}
    # Two T-shirts shipped, one already on the demo's return: one left; the hoodie: one.
    assert lines["ORD-1001-L1"]["returnable"] == 1
    assert lines["ORD-1001-L2"]["returnable"] == 1
    hoodies = [v["variantId"] for v in lines["ORD-1001-L2"]["exchangeVariants"]]
    assert hoodies == ["HOODIE-GRE-M", "HOODIE-NAV-M", "HOODIE-NAV-L"]  # not its own
    assert [r["code"] for r in by_name["reasons"]] == list(REASON_LABELS)
    assert [r["code"] for r in by_name["subReasons"]] == list(SUB_REASON_LABELS)


def test_a_wrong_email_and_a_wrong_number_get_the_same_answer(shop: TestClient) -> None:
    wrong_email = lookup(shop, "#1001", "someone@example.com")
    wrong_number = lookup(shop, "#9999", ANNA)
    someone_elses = lookup(shop, "#1003", ANNA)  # Jonas's order
    for response in (wrong_email, wrong_number, someone_elses):
        assert response.status_code == 404
    assert wrong_email.json() == wrong_number.json() == someone_elses.json()
    assert wrong_email.json()["code"] == "ORDER_NOT_FOUND"
    assert wrong_email.json()["errors"] == []  # neither field is named


def test_missing_or_repeated_parameters_are_named(shop: TestClient) -> None:
    response = shop.get(LOOKUP, params={"email": "  "})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "INVALID_PARAMETER"
    problems = {(p["path"], p["code"], p["location"]) for p in body["errors"]}
    assert problems == {("orderNumber", "REQUIRED", "query"), ("email", "REQUIRED", "query")}
    repeated = shop.get(f"{LOOKUP}?orderNumber=1001&orderNumber=1002&email={ANNA}")
    assert repeated.status_code == 400
    assert [(p["path"], p["code"]) for p in repeated.json()["errors"]] == [
        ("orderNumber", "REPEATED")
    ]


def test_an_unknown_merchant_finds_nothing_and_is_not_created(shop: TestClient) -> None:
    response = shop.get("/_mock/portal/nobody/api/orders/lookup?orderNumber=1001&email=a@b.c")
    assert response.status_code == 404
    assert response.json()["code"] == "ORDER_NOT_FOUND"
    keys = [m["apiKey"] for m in ok(shop.get("/_mock/merchants"))["data"]]
    assert "nobody" not in keys


def test_under_api_keys_another_merchant_is_refused() -> None:
    with demo_client(api_keys=frozenset({SHOP})) as client:
        response = client.get("/_mock/portal/other/api/orders/lookup?orderNumber=1&email=a@b.c")
        assert response.status_code == 400
        assert response.json()["errors"][0]["location"] == "path"
        assert client.get("/_mock/portal/other").status_code == 400


def test_returnable_units_follow_returns_and_their_cancellation(shop: TestClient) -> None:
    body = {"items": [{"orderLineItemId": "ORD-1001-L1", "quantity": 1}]}
    created = ok(shop.post("/orders/ORD-1001/returns", json=body), 201)
    line = ok(lookup(shop, "1001", ANNA))["lines"][0]
    assert line["returnable"] == 0
    over = shop.post("/orders/ORD-1001/returns", json=body)
    assert over.status_code == 400
    assert over.json()["errors"][0]["path"] == "items[0].quantity"
    assert over.json()["errors"][0]["code"] == "QUANTITY_NOT_RETURNABLE"
    ok(shop.post(f"/returns/{created['returnId']}/cancel"))
    assert ok(lookup(shop, "1001", ANNA))["lines"][0]["returnable"] == 1


def test_the_status_of_a_return_names_its_items_refunds_and_exchanges(shop: TestClient) -> None:
    status = ok(shop.get(f"{PORTAL}/api/returns/5"))  # the demo's exchange (ORD-1005)
    assert status["orderName"] == "#1005"
    item = status["items"][0]
    assert item["title"] == "Classic T-Shirt S / Black"
    assert item["reason"] == "Doesn't fit" and item["subReason"] == "Too small"
    assert item["exchangeTo"] == {
        "productId": "TEE",
        "variantId": "TEE-BLA-M",
        "title": "M / Black",
    }
    assert [e["exchangeOrderId"] for e in status["exchanges"]] == ["1"]
    refunded = ok(shop.get(f"{PORTAL}/api/returns/4"))  # ORD-1004: refunded, completed
    assert refunded["status"] == "COMPLETED"
    assert [r["status"] for r in refunded["refundTransactions"]] == ["SUCCESS"]


def test_an_unknown_return_is_a_404_naming_the_path_parameter(shop: TestClient) -> None:
    response = shop.get(f"{PORTAL}/api/returns/999")
    assert response.status_code == 404
    assert response.json()["code"] == "RETURN_NOT_FOUND"
    assert response.json()["errors"][0] == {
        "location": "path",
        "path": "returnId",
        "code": "NOT_FOUND",
        "message": "return '999' was not found",
    }
    page = shop.get(f"{PORTAL}/returns/999", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "There is no return 999 here" in page.text


def test_the_pages_load_their_scripts_and_name_the_merchant(shop: TestClient) -> None:
    page = shop.get(PORTAL, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "/_mock/ui/assets/portal.js" in page.text
    assert 'data-merchant="demo-key"' in page.text
    status = shop.get(f"{PORTAL}/returns/1", headers={"accept": "text/html"})
    assert "/_mock/ui/assets/portal-status.js" in status.text
    assert 'data-return="1"' in status.text
    for name in ("portal.js", "portal-status.js"):
        assert shop.get(f"/_mock/ui/assets/{name}").status_code == 200


def test_a_portal_return_fires_the_events_of_the_same_return_through_the_api() -> None:
    """The portal's exchange path (POST /_mock/orders/{id}/returns) and the current API
    (POST /orders/{id}/returns) are one domain command: the same body, the same events."""
    body = {
        "items": [
            {"orderLineItemId": "ORD-1001-L1", "quantity": 1, "reason": {"code": "DOESNT_FIT"}}
        ]
    }
    fired = []
    for path in ("/orders/ORD-1001/returns", "/_mock/orders/ORD-1001/returns"):
        with demo_client() as client:
            ok(
                client.post(
                    "/_mock/webhooks/subscriptions",
                    json={"merchant": SHOP, "url": "http://127.0.0.1:9/hooks"},
                ),
                201,
            )
            created = ok(client.post(path, json=body), 201)
            listed = ok(
                client.get(
                    "/_mock/webhooks/events",
                    params={"merchant": SHOP, "returnId": created["returnId"]},
                )
            )["data"]
            fired.append([(e["type"], e["entityId"], e["payload"]) for e in listed])
    assert fired[0], "the return fired no event"
    assert fired[0] == fired[1]


def test_status_url_portal_points_the_legacy_status_url_at_the_status_page() -> None:
    with demo_client(status_url="portal", public_url="https://shop.example.com") as client:
        legacy = ok(client.get("/merchant/return/1"))
        assert legacy["statusUrl"] == "https://shop.example.com/_mock/portal/demo-key/returns/1"
        listed = ok(client.get("/merchant/return?page=0&size=1"))["content"][0]
        assert listed["statusUrl"] == legacy["statusUrl"]
    with demo_client() as client:
        assert ok(client.get("/merchant/return/1"))["statusUrl"].endswith("/merchant/return/1")


def test_a_key_with_odd_characters_is_quoted_in_the_portals_paths() -> None:
    assert status_path("a b/c", "7") == "/_mock/portal/a%20b%2Fc/returns/7"


def test_under_an_admin_token_the_portal_needs_it_like_the_rest_of_mock() -> None:
    with demo_client(admin_token="secret") as client:
        params = {"orderNumber": "1001", "email": ANNA}
        assert client.get(LOOKUP, params=params).status_code == 401
        page = client.get(PORTAL, headers={"accept": "text/html"})
        assert page.status_code == 401
        assert "Sign in" in page.text
        allowed = client.get(LOOKUP, params=params, headers={"x-mock-admin-token": "secret"})
        assert allowed.status_code == 200
