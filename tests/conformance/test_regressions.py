"""Server bugs the schemathesis runs found, pinned through the ``client`` fixture."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

# Optional control fields are left out, not sent as null: the documents give them a
# type without null, and the server used to take null for "left out".
NULL_BODIES = [
    ("/_mock/clock/freeze", {"at": None}),
    ("/_mock/faults", {"status": 503, "merchant": None}),
    ("/_mock/journal/verify", {"method": "GET", "path": "/*", "atLeast": None}),
    ("/_mock/fixtures", {"version": 1, "description": None, "merchants": []}),
]


@pytest.mark.parametrize(("path", "body"), NULL_BODIES, ids=[p for p, _ in NULL_BODIES])
def test_null_for_an_optional_control_field_is_refused(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    before = client.get("/_mock/state").json()
    response = client.post(path, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] in ("VALIDATION_ERROR", "INVALID_FIXTURE")
    assert client.get("/_mock/state").json() == before


def test_null_progression_policy_is_refused(client: TestClient) -> None:
    before = client.get("/_mock/progression").json()
    response = client.put("/_mock/progression", json={"return": "manual", "exchange": None})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["path"] == "exchange"
    assert client.get("/_mock/progression").json() == before


def test_settings_null_is_refused_as_a_spring_service_would(client: TestClient) -> None:
    """control.json types ``settings`` as an object: null is a 400 that changes nothing."""
    refused = client.post("/_mock/merchants", json={"apiKey": "m-null", "settings": None})
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["path"] == "settings"
    assert client.get("/_mock/merchants/m-null").status_code == 404


def test_documented_nullable_control_fields_still_take_null(client: TestClient) -> None:
    created = client.post("/_mock/merchants", json={"apiKey": "m-null"})
    assert created.status_code == 201, created.text
    patched = client.patch("/_mock/merchants/m-null", json={"returnWindowDays": None})
    assert patched.status_code == 200, patched.text
    assert patched.json()["settings"]["returnWindowDays"] is None


def test_legacy_after_id_takes_any_int64(client: TestClient) -> None:
    """afterId is documented int64; the server refused more than 12 digits as "not an integer"."""
    biggest = client.get("/merchant/return", params={"page": 0, "size": 10, "afterId": 2**63 - 2})
    assert biggest.status_code == 200, biggest.text
    assert biggest.json()["content"] == []
    beyond = client.get("/merchant/return", params={"page": 0, "size": 10, "afterId": 2**63})
    assert beyond.status_code == 400, beyond.text
    assert beyond.json()["errors"][0]["code"] == "OUT_OF_RANGE"


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_state_with_version_true_is_refused(client: TestClient, method: str) -> None:
    """true == 1 in Python: {"version": true} was taken for a version 1 snapshot."""
    before = client.get("/_mock/state").json()
    response = client.request(method, "/_mock/state", json={"version": True, "merchants": []})
    assert response.status_code == 400, response.text
    assert client.get("/_mock/state").json() == before


def test_fixture_with_version_true_is_refused(client: TestClient) -> None:
    response = client.post("/_mock/fixtures", json={"version": True, "merchants": []})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    "instant", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"], ids=["min", "max"]
)
@pytest.mark.parametrize("path", ["/exchanges", "/returns", "/merchant/return"])
def test_instant_beyond_the_utc_range_is_a_400(client: TestClient, path: str, instant: str) -> None:
    """An offset pushing a date-time out of datetime's range raised OverflowError: a 500."""
    params = {"from": instant, "afterDate": instant, "page": 0, "size": 10}
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text


def test_advancing_the_clock_past_year_9999_is_a_400(client: TestClient) -> None:
    """now + by raised OverflowError: a 500."""
    before = client.get("/_mock/clock").json()
    response = client.post("/_mock/clock/advance", json={"by": "99999999d"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["path"] == "by"
    assert client.get("/_mock/clock").json() == before
