"""``/_mock/faults`` and the ``x-mock-fault`` header, in process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.control.journal import fingerprint
from mock_ingrid.control.middleware import ConnectionDropped
from tests.control.helpers import PRODUCT, Built, control_client, frozen, ok

FAULTS = "/_mock/faults"


@pytest.fixture
def pair() -> Iterator[tuple[TestClient, Built]]:
    with control_client() as both:
        yield both


@pytest.fixture
def client(pair: tuple[TestClient, Built]) -> TestClient:
    return pair[0]


def add_rule(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(FAULTS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def rule(client: TestClient, fault_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(client.get(f"{FAULTS}/{fault_id}"))
    return found


def test_a_rule_answers_its_status_for_the_next_n_calls(client: TestClient) -> None:
    created = add_rule(client, path="/returns*", status=503, times=2)
    assert created == {
        "faultId": "fault_1",
        "path": "/returns*",
        "method": None,
        "merchant": None,
        "fault": "status=503",
        "latencyMs": 0,
        "status": 503,
        "retryAfter": None,
        "drop": False,
        "probability": 1.0,
        "times": 2,
        "remaining": 2,
        "applied": 0,
    }
    first, second, third = (client.get("/returns") for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    assert first.json() == {
        "code": "INJECTED_FAULT",
        "message": "mock-ingrid injected 503 Service Unavailable into GET /returns "
        "(fault rule fault_1)",
        "errors": [],
    }
    assert first.headers["x-mock-fault"] == "status=503"
    assert rule(client, "fault_1") | {} == created | {"remaining": 0, "applied": 2}


def test_429_carries_retry_after(client: TestClient) -> None:
    add_rule(client, path="/orders", method="POST", status=429, retryAfter=2)
    response = client.post("/orders", json={})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.headers["x-mock-fault"] == "status=429;retry-after=2"
    assert client.get("/orders").status_code == 200  # another method


def test_a_rule_for_one_merchant_spares_the_others(client: TestClient) -> None:
    created = add_rule(client, merchant="test-key", status=500)
    assert created["merchant"] == fingerprint("test-key")
    assert client.get("/products").status_code == 500
    assert client.get("/products", headers={"x-api-key": "someone-else"}).status_code == 200


def test_the_legacy_api_is_a_route_like_any_other(client: TestClient) -> None:
    add_rule(client, path="/merchant/*", status=502, times=1)
    assert client.get("/returns").status_code == 200
    response = client.get("/merchant/return")
    assert response.status_code == 502 and response.json()["code"] == "INJECTED_FAULT"


def test_a_fraction_of_calls_fails_the_same_way_for_the_same_seed() -> None:
    def statuses(seed: int) -> list[int]:
        with control_client(frozen(seed=seed)) as (client, _):
            add_rule(client, path="/products", status=503, probability=0.5)
            return [client.get("/products").status_code for _ in range(40)]

    first = statuses(11)
    assert first == statuses(11)
    assert {200, 503} == set(first)
    assert first != statuses(12)


def test_a_latency_rule_lets_the_call_through_and_says_so(client: TestClient) -> None:
    add_rule(client, path="/products", latencyMs=5, times=1)
    response = client.post("/products", json=PRODUCT)
    assert response.status_code == 201
    assert response.headers["x-mock-fault"] == "latency=5"
    assert rule(client, "fault_1")["applied"] == 1
    assert "x-mock-fault" not in client.get("/products").headers


def test_the_header_asks_for_one_fault_and_consumes_no_rule(client: TestClient) -> None:
    add_rule(client, path="/products", status=500, times=1)
    response = client.get("/products", headers={"x-mock-fault": "status=429;retry-after=7"})
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert "the x-mock-fault header" in response.json()["message"]
    assert rule(client, "fault_1")["remaining"] == 1
    latency = client.get("/returns", headers={"x-mock-fault": "latency=1"})
    assert latency.status_code == 200 and latency.headers["x-mock-fault"] == "latency=1"


def test_a_bad_header_is_a_400_that_explains_the_syntax(client: TestClient) -> None:
    response = client.get("/returns", headers={"x-mock-fault": "status=200"})
    assert response.status_code == 400 and response.headers["x-mock-fault"] == "invalid"
    assert response.json() == {
        "code": "INVALID_FAULT_HEADER",
        "message": "x-mock-fault: status=200: expected an integer from 400 to 599",
        "errors": [
            {
                "location": "header",
                "path": "x-mock-fault",
                "code": "INVALID_FORMAT",
                "message": "status=200: expected an integer from 400 to 599",
            }
        ],
    }


def test_drop_in_process_fails_the_call(client: TestClient) -> None:
    with pytest.raises(ConnectionDropped):
        client.get("/returns", headers={"x-mock-fault": "drop"})


def test_faults_never_touch_mock_routes(client: TestClient) -> None:
    add_rule(client, path="/*", status=500)
    assert client.get("/_mock/health", headers={"x-mock-fault": "status=503"}).status_code == 200
    assert client.get(FAULTS, headers={"x-mock-fault": "drop"}).status_code == 200
    assert rule(client, "fault_1")["applied"] == 0


def test_delete_one_and_clear_all(client: TestClient) -> None:
    add_rule(client, status=500)
    add_rule(client, drop=True)
    assert client.delete(f"{FAULTS}/fault_1").status_code == 204
    assert [r["faultId"] for r in ok(client.get(FAULTS))["data"]] == ["fault_2"]
    missing = client.delete(f"{FAULTS}/fault_1")
    assert missing.status_code == 404 and missing.json()["code"] == "FAULT_NOT_FOUND"
    assert client.delete(FAULTS).status_code == 204
    assert ok(client.get(FAULTS)) == {"data": []}
    assert client.get("/returns").status_code == 200
    assert add_rule(client, status=500)["faultId"] == "fault_3"


@pytest.mark.parametrize(
    ("body", "path", "complaint"),
    [
        ({"path": "/returns"}, "$", "name a fault"),
        ({"status": 503, "drop": True}, "$", "not both"),
        ({"latencyMs": 5, "retryAfter": 1}, "$", "goes with a status"),
        ({"status": 302}, "status", "greater than or equal to 400"),
        ({"status": 500, "path": "returns"}, "path", "such as /returns/*"),
        ({"status": 500, "path": "/_mock/*"}, "path", "not /_mock routes"),
        ({"status": 500, "probability": 0}, "probability", "greater than 0"),
        ({"status": 500, "probability": 1.5}, "probability", "less than or equal to 1"),
        ({"status": 500, "times": 0}, "times", "greater than or equal to 1"),
        ({"status": 500, "latencyMs": 60001}, "latencyMs", "less than or equal to 60000"),
        ({"status": 500, "method": "GET /"}, "method", "should match pattern"),
        ({"status": "500"}, "status", "valid integer"),
        ({"status": 500, "colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(
    client: TestClient, body: dict[str, Any], path: str, complaint: str
) -> None:
    response = client.post(FAULTS, json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == "VALIDATION_ERROR"
    assert error["errors"][0]["path"] == path
    assert complaint in error["errors"][0]["message"]


def test_a_probability_may_be_a_decimal(client: TestClient) -> None:
    assert add_rule(client, status=500, probability=0.25)["probability"] == 0.25


def test_an_unknown_merchant_is_refused_when_keys_are_restricted() -> None:
    with control_client(frozen(api_keys=frozenset({"test-key"}))) as (client, _):
        response = client.post(FAULTS, json={"status": 500, "merchant": "nobody"})
        assert response.status_code == 400 and response.json()["code"] == "UNKNOWN_MERCHANT"


def test_whole_number_decimals_are_integers_as_json_schema_says(client: TestClient) -> None:
    """JSON Schema 2020-12 (control.json's dialect) counts 503.0 as an integer."""
    created = add_rule(client, status=503.0, times=1.0, latencyMs=0.0)
    assert (created["status"], created["times"]) == (503, 1)
    assert client.get("/products").status_code == 503
    assert client.post(FAULTS, json={"status": 503.5}).status_code == 400
