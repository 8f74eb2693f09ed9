"""``/_mock/journal`` and ``/_mock/journal/verify``, in process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.control.journal import BODY_LIMIT, fingerprint
from tests.conftest import FROZEN_AT
from tests.control.helpers import API_KEY, PRODUCT, Built, control_client, frozen, ok

JOURNAL = "/_mock/journal"
VERIFY = "/_mock/journal/verify"


@pytest.fixture
def pair() -> Iterator[tuple[TestClient, Built]]:
    with control_client() as both:
        yield both


@pytest.fixture
def client(pair: tuple[TestClient, Built]) -> TestClient:
    return pair[0]


def entries(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get(JOURNAL, params=params))["data"]
    return found


def test_a_call_is_recorded_with_bodies_and_without_secrets(client: TestClient) -> None:
    client.post(
        "/products?dryRun=no",
        json=PRODUCT,
        headers={"authorization": "Bearer s3cret", "x-mock-admin-token": "adm1n"},
    )
    (entry,) = entries(client)
    request, response = entry.pop("request"), entry.pop("response")
    latency = entry.pop("latencyMs")
    assert entry == {
        "id": 1,
        "at": FROZEN_AT.isoformat().replace("+00:00", "Z"),
        "method": "POST",
        "path": "/products",
        "query": "dryRun=no",
        "merchant": fingerprint(API_KEY),
        "status": 201,
        "fault": None,
    }
    assert latency >= 0
    for secret in ("x-api-key", "authorization", "x-mock-admin-token"):
        assert request["headers"][secret] == "[redacted]"
    assert request["headers"]["content-type"] == "application/json"
    assert (request["body"], request["bodyFormat"]) == (PRODUCT, "json")
    assert response["bodyFormat"] == "json" and response["body"]["productId"] == "TEE"
    assert response["headers"]["content-type"] == "application/json"
    raw = client.get(JOURNAL).text
    for secret in (API_KEY, "s3cret", "adm1n"):
        assert secret not in raw


def test_reading_the_journal_does_not_change_it_and_mock_calls_are_not_recorded(
    client: TestClient,
) -> None:
    client.get("/returns")
    client.get("/_mock/health")
    client.get("/_mock/faults")
    first = client.get(JOURNAL).json()
    assert client.get(JOURNAL).json() == first
    assert [e["path"] for e in first["data"]] == ["/returns"]
    assert (first["lastId"], first["capacity"]) == (1, 1000)


def test_unknown_routes_and_errors_are_recorded_too(client: TestClient) -> None:
    client.get("/nowhere")
    client.get("/returns", headers={"x-api-key": ""})
    assert [(e["path"], e["status"]) for e in entries(client)] == [
        ("/nowhere", 404),
        ("/returns", 401),
    ]


def test_filters(client: TestClient) -> None:
    client.post("/products", json=PRODUCT)
    client.get("/products/TEE")
    client.get("/products/NOPE")
    client.get("/returns", headers={"x-api-key": "other-shop"})

    def paths(**params: Any) -> list[str]:
        return [e["path"] for e in entries(client, **params)]

    assert paths(method="get") == ["/products/TEE", "/products/NOPE", "/returns"]
    assert paths(path="/products/*") == ["/products/TEE", "/products/NOPE"]
    assert paths(path="/products") == ["/products"]
    assert paths(status="404") == ["/products/NOPE"]
    assert paths(status="2xx") == ["/products", "/products/TEE", "/returns"]
    assert paths(merchant="other-shop") == ["/returns"]
    assert paths(merchant=fingerprint("other-shop")) == ["/returns"]
    assert paths(since=2) == ["/products/NOPE", "/returns"]
    assert paths(limit=2, method="GET") == ["/products/NOPE", "/returns"]
    assert paths(merchant=API_KEY, status="4xx") == ["/products/NOPE"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"status": "200x"}, "status"),
        ({"status": "700"}, "status"),
        ({"since": "-1"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"path": "returns"}, "path"),
        ({"method": ""}, "method"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(
    client: TestClient, params: dict[str, str], name: str
) -> None:
    response = client.get(JOURNAL, params=params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == name


def test_clear_keeps_the_ids_counting(client: TestClient) -> None:
    client.get("/returns")
    assert client.delete(JOURNAL).status_code == 204
    assert entries(client) == []
    client.get("/orders")
    assert [e["id"] for e in entries(client)] == [2]


def test_the_journal_is_bounded() -> None:
    with control_client(frozen(journal_size=2)) as (client, _):
        for path in ("/returns", "/orders", "/products"):
            client.get(path)
        page = client.get(JOURNAL).json()
        assert [e["path"] for e in page["data"]] == ["/orders", "/products"]
        assert (page["capacity"], page["lastId"]) == (2, 3)


def test_size_zero_turns_recording_off() -> None:
    with control_client(frozen(journal_size=0)) as (client, _):
        client.get("/returns")
        assert client.get(JOURNAL).json() == {"data": [], "capacity": 0, "lastId": 0}


def test_large_and_non_json_bodies() -> None:
    big = b"x" * (BODY_LIMIT + 10)
    with control_client(frozen(max_body_bytes=2 * BODY_LIMIT)) as (client, _):
        client.post("/orders", content=big, headers={"content-type": "application/json"})
        client.post("/orders", content=b"<xml/>", headers={"content-type": "text/xml"})
        large, xml = (e["request"] for e in entries(client))
    assert (large["bodyFormat"], large["bodySize"], large["bodyTruncated"]) == (
        "text",
        BODY_LIMIT + 10,
        True,
    )
    assert len(large["body"]) == BODY_LIMIT
    assert (xml["bodyFormat"], xml["body"]) == ("text", "<xml/>")


def test_faulted_calls_are_recorded_with_their_fault(client: TestClient) -> None:
    client.post("/orders", json={"orderId": "A"}, headers={"x-mock-fault": "status=503"})
    (entry,) = entries(client)
    assert (entry["status"], entry["fault"]) == (503, "status=503")
    assert entry["request"]["body"] == {"orderId": "A"}  # read before the fault answered
    assert entry["response"]["body"]["code"] == "INJECTED_FAULT"


def test_verify_answers_200_with_the_count(client: TestClient) -> None:
    client.post("/products", json=PRODUCT)
    client.post("/products", json=PRODUCT)
    assert ok(client.post(VERIFY, json={"method": "POST", "path": "/products"})) == {"matched": 2}
    body = {"method": "post", "path": "/products", "merchant": API_KEY, "status": 200, "count": 1}
    assert ok(client.post(VERIFY, json=body)) == {"matched": 1}
    body = {"method": "POST", "path": "/products", "status": "2xx", "atLeast": 2}
    assert ok(client.post(VERIFY, json=body)) == {"matched": 2}
    body = {"method": "GET", "path": "/returns", "count": 0}
    assert ok(client.post(VERIFY, json=body)) == {"matched": 0}
    # A whole-number decimal is an integer in the documents' dialect (JSON Schema 2020-12).
    body = {"method": "POST", "path": "/products", "status": 201.0, "atLeast": 1.0}
    assert ok(client.post(VERIFY, json=body)) == {"matched": 1}
    body = {"method": "POST", "path": "/products", "count": 1.5}
    assert client.post(VERIFY, json=body).status_code == 400


def test_verify_answers_409_with_the_near_misses(client: TestClient) -> None:
    client.get("/returns/1")
    client.post("/returns/1/cancel")
    response = client.post(
        VERIFY, json={"method": "POST", "path": "/returns/*/cancel", "status": 200}
    )
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "VERIFICATION_FAILED"
    assert error["message"] == (
        "expected at least 1 request matching POST /returns/*/cancel, status 200, found 0; "
        "found 2 similar requests: POST /returns/1/cancel -> 404 (status differs), "
        "GET /returns/1 -> 404 (method and path and status differ)"
    )
    assert error["details"]["matched"] == 0
    assert [s["id"] for s in error["details"]["similar"]] == [2, 1]
    assert error["details"]["similar"][0]["merchant"] == fingerprint(API_KEY)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"path": "/returns"}, "method"),
        ({"method": "GET"}, "path"),
        ({"method": "GET", "path": "/returns", "count": 1, "atLeast": 1}, "$"),
        ({"method": "GET", "path": "/returns", "status": "2x"}, "status"),
        ({"method": "GET", "path": "/_mock/faults"}, "path"),
    ],
)
def test_a_bad_verify_body_is_a_400(client: TestClient, body: dict[str, Any], path: str) -> None:
    response = client.post(VERIFY, json=body)
    assert response.status_code == 400, response.text
    assert any(e["path"] == path for e in response.json()["errors"]), response.text
