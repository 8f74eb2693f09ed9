"""The one body reader (``api/body.py``), as both API generations and ``/_mock`` use it:
a key given twice is refused everywhere, numbers are read exactly, and the refusals
(size, emptiness, content type) are the same on every route."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT
from tests.conftest import make_client

JSON = {"content-type": "application/json"}
PRODUCT = json.dumps(REFERENCE_PRODUCT)[1:-1]  # its members, to put a key before them


def _order_text(**overrides: str) -> str:
    """The reference order as JSON text, some members' values replaced by raw text."""
    order = {key: value for key, value in REFERENCE_ORDER.items() if key not in overrides}
    members = [json.dumps(order)[1:-1], *(f'"{k}": {v}' for k, v in overrides.items())]
    return "{" + ", ".join(members) + "}"


# (route, body, the key given twice): every generation, at the top and nested.
TWICE = [
    ("POST /products", f'{{"productId": "X", {PRODUCT}}}', "productId"),
    ("POST /orders", _order_text(shippingAddress='{"city": "A", "city": "B"}'), "city"),
    ("POST /orders", _order_text(lineItems='[{"quantity": 1, "quantity": 2}]'), "quantity"),
    ("PATCH /orders/48aced20913c030c836d4187019b712f", '{"tags": [], "tags": ["a"]}', "tags"),
    (
        "POST /merchant/items/returned",
        '{"foreignOrderId": "O", "returnId": 1, "returnId": 2, "items": []}',
        "returnId",
    ),
    ("POST /_mock/faults", '{"status": 500, "status": 503}', "status"),
    ("POST /_mock/clock/advance", '{"seconds": 1, "seconds": 2}', "seconds"),
    (
        "POST /_mock/fixtures",
        '{"version": 1, "merchants": [{"apiKey": "a", "apiKey": "b"}]}',
        "apiKey",
    ),
    ("PUT /_mock/state", '{"version": 1, "version": 1}', "version"),
]


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    assert client.post("/products", json=REFERENCE_PRODUCT).status_code == 201
    assert client.post("/orders", json=REFERENCE_ORDER).status_code == 201
    return client


@pytest.mark.parametrize(("route", "body", "key"), TWICE, ids=[t[0] + " " + t[2] for t in TWICE])
def test_a_key_given_twice_is_refused_and_changes_nothing(
    seeded: TestClient, route: str, body: str, key: str
) -> None:
    method, path = route.split(" ")
    before = seeded.get("/_mock/state").json()
    response = seeded.request(method, path, content=body.encode(), headers=JSON)
    assert response.status_code == 400, response.text
    message = f"the request body is not valid JSON: duplicate key '{key}' in an object"
    assert response.json()["message"] == message
    if not path.startswith("/merchant"):  # the legacy error has no code: Spring's shape
        assert response.json()["code"] == "MALFORMED_JSON"
    assert seeded.get("/_mock/state").json() == before


def test_the_rule_is_written_in_every_document(client: TestClient) -> None:
    for name in ("current", "legacy", "control"):
        description = client.get(f"/_mock/openapi/{name}.json").json()["info"]["description"]
        assert "A key given twice in one object is refused" in description, name


@pytest.mark.parametrize(
    "amount",
    ["0.000001", "123456789012.345678", "0.1", "19.99", "647.10", "1E+2", "100"],
)
def test_amounts_are_read_exactly(client: TestClient, amount: str) -> None:
    """A float would turn 123456789012.345678 into ...012.34567 and 0.1 into a long tail."""
    assert client.post("/products", json=REFERENCE_PRODUCT).status_code == 201
    body = _order_text(totalAmount=amount, shippingCost=amount, giftCardAmount="0")
    created = client.post("/orders", content=body.encode(), headers=JSON)
    assert created.status_code == 201, created.text
    stored = client.get(f"/orders/{REFERENCE_ORDER['orderId']}")
    order = json.loads(stored.content, parse_float=Decimal)
    assert Decimal(order["totalAmount"]) == Decimal(amount)
    assert Decimal(order["shippingCost"]) == Decimal(amount)


def _error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


HINT = (
    "send Content-Type: application/json, not 'text/plain' "
    "(with curl: -H 'content-type: application/json')"
)
# /_mock refuses a declared non-JSON type before reading anything (control/guard.py: an
# HTML form must not drive the sandbox), with the same fix and the empty-body option.
CONTROL_HINT = (
    "/_mock takes JSON bodies (or none): send Content-Type: application/json, not "
    "'text/plain' (with curl: -H 'content-type: application/json', or no -d for no body)"
)


@pytest.mark.parametrize(
    ("path", "hint"),
    [("/products", HINT), ("/_mock/faults", CONTROL_HINT), ("/_mock/state", CONTROL_HINT)],
)
def test_a_body_that_is_not_declared_json_is_a_415_with_the_fix(
    client: TestClient, path: str, hint: str
) -> None:
    method = "PUT" if path == "/_mock/state" else "POST"
    response = client.request(method, path, content=b"{}", headers={"content-type": "text/plain"})
    assert _error(response) == (415, "UNSUPPORTED_MEDIA_TYPE", hint)


@pytest.mark.parametrize("path", ["/products", "/_mock/faults", "/_mock/state"])
def test_an_empty_body_where_one_is_needed_is_a_400(client: TestClient, path: str) -> None:
    method = "PUT" if path == "/_mock/state" else "POST"
    response = client.request(method, path, content=b"  \n", headers=JSON)
    expected = "the request body is empty; a JSON object is expected"
    assert _error(response) == (400, "MALFORMED_JSON", expected)


def test_an_empty_form_is_refused_by_the_control_api_before_anything_changes(
    client: TestClient,
) -> None:
    """``curl -X POST -d '' .../_mock/webhooks/flush`` sends an empty form: an HTML form
    could send the same, so /_mock refuses it (415) and the hint says to drop ``-d``."""
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/_mock/webhooks/flush", content=b"", headers=form)
    assert response.status_code == 415, response.text
    assert "or no -d for no body" in response.json()["message"]
    assert client.post("/_mock/webhooks/flush").status_code == 200


def test_null_is_refused_in_a_control_body(client: TestClient) -> None:
    response = client.post("/_mock/faults", json={"status": 500, "path": None})
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "path"
    assert "leave the field out" in response.json()["message"]


def _chunks(body: bytes) -> Iterator[bytes]:
    """A body sent without a content-length (chunked): counted while it is read."""
    yield from (body[i : i + 16] for i in range(0, len(body), 16))


@pytest.mark.parametrize("path", ["/products", "/merchant/items/returned", "/_mock/faults"])
def test_a_body_over_the_limit_is_a_413_declared_or_not(path: str) -> None:
    big = json.dumps({"title": "x" * 200}).encode()
    with make_client(Settings(max_body_bytes=64)) as client:
        for content in (big, _chunks(big)):
            response = client.post(path, content=content, headers=JSON)
            assert response.status_code == 413, response.text
            assert "larger than 64 bytes" in response.json()["message"]
