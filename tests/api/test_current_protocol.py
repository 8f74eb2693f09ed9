"""Authentication, tenants, errors and lists of the current generation."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.api.flow import ORDER_ID, create_return, ok, seed_reference
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT
from tests.conftest import FROZEN_AT, make_client


@pytest.mark.parametrize("headers", [{}, {"x-api-key": ""}, {"x-api-key": "   "}])
def test_a_missing_or_empty_key_is_a_401_that_says_why(headers: dict[str, str]) -> None:
    with make_client(Settings(), api_key=None) as anonymous:
        response = anonymous.get("/returns", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "UNAUTHORIZED"
    assert "x-api-key" in body["message"]


def test_configured_keys_are_the_only_ones_accepted() -> None:
    with make_client(Settings(api_keys=frozenset({"k1", "k2"})), api_key="k1") as client:
        assert client.get("/returns").status_code == 200
        assert client.get("/returns", headers={"x-api-key": "k2"}).status_code == 200
        refused = client.get("/returns", headers={"x-api-key": "other"})
        assert refused.status_code == 401
        assert refused.json()["message"] == "the API key is not known to this server"


def test_each_key_is_its_own_isolated_merchant(client: TestClient) -> None:
    seed_reference(client)
    created = create_return(client)
    other = {"x-api-key": "someone-else"}
    assert client.get(f"/orders/{ORDER_ID}", headers=other).status_code == 404
    assert client.get(f"/returns/{created['returnId']}", headers=other).status_code == 404
    assert client.get("/returns", headers=other).json()["data"] == []
    assert client.post(f"/returns/{created['returnId']}/cancel", headers=other).status_code == 404
    # The other merchant may use the same ids for its own data.
    ok(client.post("/products", json=REFERENCE_PRODUCT, headers=other), 201)
    mine = copy.deepcopy(REFERENCE_ORDER)
    mine["orderName"] = "#other"
    ok(client.post("/orders", json=mine, headers=other), 201)
    assert ok(client.get(f"/orders/{ORDER_ID}"))["orderName"] == "#1042"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{bad", "not valid JSON"),
        (b"", "empty"),
        (b'{"a": NaN}', "NaN"),
        (b'{"productId": "a", "productId": "b", "title": "t"}', "duplicate key 'productId'"),
        (b'{"productId": "\xff"}', "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"n": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_malformed_json_is_a_400(client: TestClient, body: bytes, fragment: str) -> None:
    response = client.post("/products", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "MALFORMED_JSON"
    assert fragment in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ([], "$", "INVALID_TYPE"),
        ({"title": "t"}, "productId", "REQUIRED"),
        ({"productId": 5, "title": "t"}, "productId", "INVALID_TYPE"),
        ({"productId": "a/b", "title": "t"}, "productId", "INVALID_FORMAT"),
        ({"productId": "p", "title": "t", "imageSrc": "not a uri"}, "imageSrc", "INVALID_FORMAT"),
        (
            {"productId": "p", "title": "t", "variants": [{"variantId": "v"}]},
            "variants[0].sku",
            "REQUIRED",
        ),
        ({"productId": "p", "title": "x" * 2000}, "title", "INVALID_LENGTH"),
        (
            {
                "productId": "p",
                "title": "t",
                "variants": [{"variantId": "v", "sku": "s", "weightInGrams": 10**30}],
            },
            "variants[0].weightInGrams",
            "OUT_OF_RANGE",
        ),
    ],
)
def test_schema_violations_name_the_field(
    client: TestClient, body: object, path: str, code: str
) -> None:
    response = client.post("/products", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert (response.json()["errors"][0]["path"], response.json()["errors"][0]["code"]) == (
        path,
        code,
    )


def test_absurd_money_is_refused(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    for value in (1e300, -1, 10**40, 0.1234567):
        body = {**REFERENCE_ORDER, "shippingCost": value}
        response = client.post("/orders", json=body)
        assert response.status_code == 400, value
        assert response.json()["errors"][0]["path"] == "shippingCost"


def test_unknown_route_method_size_and_content_type() -> None:
    with make_client(Settings(max_body_bytes=64)) as client:
        missing = client.get("/nothing-here")
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
        wrong = client.delete("/returns")
        assert wrong.status_code == 405 and wrong.json()["code"] == "METHOD_NOT_ALLOWED"
        assert wrong.headers["allow"] == "GET, HEAD"
        both = client.put("/products")
        assert both.status_code == 405 and both.headers["allow"] == "GET, HEAD, POST"
        big = client.post("/products", json={"productId": "p", "title": "x" * 100})
        assert big.status_code == 413 and big.json()["code"] == "PAYLOAD_TOO_LARGE"
        form = client.post(
            "/products",
            content=b"a=b",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 415 and form.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_a_request_that_fails_changes_nothing(client: TestClient) -> None:
    seed_reference(client)
    before = client.get(f"/orders/{ORDER_ID}").json()
    bad = copy.deepcopy(REFERENCE_ORDER)
    bad["orderName"] = "#changed"
    bad["lineItems"].append({**bad["lineItems"][0], "lineItemId": "X", "variantId": "GHOST"})
    assert client.post("/orders", json=bad).status_code == 400
    assert client.get(f"/orders/{ORDER_ID}").json() == before


def _returns(client: TestClient, count: int, runtime: Runtime) -> list[str]:
    body = copy.deepcopy(REFERENCE_ORDER)
    body["lineItems"][0]["quantity"] = count
    body["shipments"][0]["lineItems"][0]["quantity"] = count
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    ok(client.post("/orders", json=body), 201)
    clock = runtime.clock
    assert clock.frozen
    ids = []
    for _ in range(count):
        clock.advance(timedelta(minutes=1))
        ids.append(create_return(client)["returnId"])
    return ids


def test_pages_are_zero_indexed_stable_and_bounded(client: TestClient, runtime: Runtime) -> None:
    ids = _returns(client, 5, runtime)
    first = ok(client.get("/returns", params={"size": 2}))
    assert [r["returnId"] for r in first["data"]] == ids[:2]
    assert first["pageInfo"] == {"hasNext": True, "hasPrevious": False}
    last = ok(client.get("/returns", params={"size": 2, "page": 2}))
    assert [r["returnId"] for r in last["data"]] == ids[4:]
    assert last["pageInfo"] == {"hasNext": False, "hasPrevious": True}
    assert ok(client.get("/returns", params={"page": 9}))["data"] == []
    assert len(ok(client.get("/returns"))["data"]) == 5


@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({"page": "-1"}, "page", "OUT_OF_RANGE"),
        ({"page": "x"}, "page", "INVALID_TYPE"),
        ({"size": "0"}, "size", "OUT_OF_RANGE"),
        ({"size": "101"}, "size", "OUT_OF_RANGE"),
        ({"size": "1.5"}, "size", "INVALID_TYPE"),
        # Too long for any integer here: out of range, not "not an integer".
        ({"page": "169356205333467103232"}, "page", "OUT_OF_RANGE"),
        ({"page": "9" * 5000}, "page", "OUT_OF_RANGE"),
        ({"status": "LOST"}, "status", "INVALID_ENUM"),
        ({"from": "yesterday"}, "from", "INVALID_DATETIME"),
        ({"to": "2026-01-01T00:00:00"}, "to", "INVALID_DATETIME"),
    ],
)
def test_bad_list_parameters_are_named(
    client: TestClient, params: dict[str, str], name: str, code: str
) -> None:
    response = client.get("/returns", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "INVALID_PARAMETER"
    assert body["errors"][0] == {
        **body["errors"][0],
        "location": "query",
        "path": name,
        "code": code,
    }


def test_status_and_time_filters(client: TestClient, runtime: Runtime) -> None:
    ids = _returns(client, 3, runtime)
    ok(client.post(f"/returns/{ids[1]}/cancel"))
    cancelled = ok(client.get("/returns", params={"status": "CANCELLED"}))
    assert [r["returnId"] for r in cancelled["data"]] == [ids[1]]
    start = (FROZEN_AT + timedelta(minutes=2)).isoformat()
    end = (FROZEN_AT + timedelta(minutes=3)).isoformat()
    window = ok(client.get("/returns", params={"from": start, "to": end}))
    assert [r["returnId"] for r in window["data"]] == [ids[1]]
    orders = ok(
        client.get("/orders", params={"from": "2026-01-15T10:00:00Z", "to": "2026-01-15T10:00:01Z"})
    )
    assert len(orders["data"]) == 1
    assert ok(client.get("/orders", params={"to": "2026-01-15T10:00:00Z"}))["data"] == []
    # An unencoded "+" in an offset reaches the server as a space; it is read as "+".
    unencoded = client.get("/orders?from=2026-01-15T12:00:00+02:00&to=2026-01-15T12:00:01+02:00")
    assert len(ok(unencoded)["data"]) == 1


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    seed_reference(client)
    for path in (
        "/products",
        "/products/PROD-123",
        "/orders",
        f"/orders/{ORDER_ID}/returns",
        "/returns",
    ):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


@pytest.mark.parametrize("value", ["--1", "+1", "1e3", " 1", "\u0661"])
def test_odd_integers_in_the_query_are_400(client: TestClient, value: str) -> None:
    response = client.get("/returns", params={"page": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID_TYPE"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1700000000, "INVALID_TYPE"),
        (1700000000.5, "INVALID_TYPE"),
        ("1700000000", "INVALID_DATETIME"),
        ("2026-01-15 10:00:00Z", "INVALID_DATETIME"),
        ("2026-01-15", "INVALID_DATETIME"),
        ("2026-01-15T10:00:00", "INVALID_DATETIME"),
    ],
)
def test_date_times_must_be_rfc3339_strings(client: TestClient, value: object, code: str) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    response = client.post("/orders", json={**REFERENCE_ORDER, "orderedAt": value})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["path"], error["code"]) == ("orderedAt", code)


def test_free_form_fields_only_keep_values_that_can_be_sent_back(client: TestClient) -> None:
    huge = {"productId": "p", "title": "t", "categories": [{"x": -(2**63) - 1}]}
    refused = client.post("/products", json=huge)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "categories[0].x"
    nested = {**REFERENCE_ORDER, "shippingAddress": {"geo": {"lat": 1}}}
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    assert client.post("/orders", json=nested).status_code == 400
    kept = ok(
        client.post(
            "/products",
            json={"productId": "p", "title": "t", "categories": [{"name": "Tops", "rank": 2}]},
        ),
        201,
    )
    assert kept["categories"] == [{"name": "Tops", "rank": 2}]


def test_a_variant_id_in_the_path_follows_the_id_rule(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    response = client.put("/products/PROD-123/variants/" + "v" * 300, json={"sku": "S"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == "path"


def test_an_emulator_bug_is_still_a_json_error() -> None:
    from starlette.routing import Route

    from mock_ingrid.app import create_app

    async def broken(request: object) -> None:
        raise RuntimeError("kaboom")

    app = create_app()
    app.router.routes.append(Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as raw:
        response = raw.get("/broken")
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "kaboom" in response.json()["message"]
