"""Hostile input: every request gets a 4xx (never a 500), changes nothing, and the server
keeps answering afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

JSON = {"content-type": "application/json"}
DEPTH = 100_000


def nested(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


def body(raw: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"content": raw, "headers": headers or JSON}


PRODUCT = b'{"productId": "P-1", "title": "T"}'

CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    # malformed and deeply nested JSON
    ("truncated", "POST", "/products", body(b'{"productId": "P-1", "title": ')),
    ("trailing-garbage", "POST", "/products", body(PRODUCT + b" x")),
    ("utf8-bom", "POST", "/products", body(b"\xef\xbb\xbf" + PRODUCT)),
    ("nan", "POST", "/orders", body(b'{"orderId": "O-1", "shippingCost": NaN}')),
    ("not-an-object", "POST", "/products", body(b"[]")),
    ("whitespace-only", "POST", "/products", body(b"   \n")),
    ("deep-array", "POST", "/products", body(nested(DEPTH))),
    ("deep-object", "POST", "/products", body(b'{"a":' * DEPTH + b"1" + b"}" * DEPTH)),
    (
        "deep-in-field",
        "POST",
        "/products",
        body(b'{"productId": "P-1", "title": "T", "x": ' + nested(5_000) + b"}"),
    ),
    ("deep-legacy", "POST", "/merchant/items/returned", body(nested(DEPTH))),
    ("deep-control", "POST", "/_mock/faults", body(nested(DEPTH, b'{"a":', b"}"))),
    ("deep-state", "PUT", "/_mock/state", body(nested(DEPTH))),
    # huge numbers and strings
    (
        "huge-integer",
        "POST",
        "/orders",
        body(b'{"orderId": "O-1", "orderNumber": ' + b"9" * 5_000 + b"}"),
    ),
    ("huge-float", "POST", "/orders", body(b'{"orderId": "O-1", "shippingCost": 1e400}')),
    (
        "huge-quantity",
        "POST",
        "/orders/O-1/returns",
        body(b'{"items": [{"orderLineItemId": "L1", "quantity": 1' + b"0" * 40 + b"}]}"),
    ),
    ("huge-id", "POST", "/products", body(b'{"productId": "' + b"A" * 500_000 + b'"}')),
    ("over-body-limit", "POST", "/products", body(b'{"title": "' + b"A" * 1_100_000 + b'"}')),
    # invalid UTF-8 and lone surrogates
    ("invalid-utf8", "POST", "/products", body(b'{"productId": "\xff\xfe", "title": "T"}')),
    ("lone-surrogate", "POST", "/products", body(b'{"productId": "\\ud800", "title": "T"}')),
    ("invalid-utf8-query", "GET", "/returns?status=%FF%FE", {}),
    ("invalid-utf8-control", "POST", "/_mock/faults", body(b'{"path": "/\xff"}')),
    # duplicate keys
    (
        "duplicate-key",
        "POST",
        "/products",
        body(b'{"productId": "P-1", "productId": "P-2", "title": "T"}'),
    ),
    (
        "duplicate-key-nested",
        "POST",
        "/products",
        body(b'{"productId": "P-1", "x": {"a": 1, "a": 2}}'),
    ),
    ("duplicate-key-control", "POST", "/_mock/faults", body(b'{"status": 500, "status": 400}')),
    # wrong content types
    ("text-plain", "POST", "/products", body(PRODUCT, {"content-type": "text/plain"})),
    ("form", "POST", "/products", {"data": {"productId": "P-1", "title": "T"}}),
    (
        "multipart",
        "POST",
        "/products",
        {"files": {"file": ("p.json", PRODUCT, "application/json")}},
    ),
    ("xml", "PATCH", "/products/P-1", body(b"<p/>", {"content-type": "application/xml"})),
    (
        "legacy-text",
        "POST",
        "/merchant/items/returned",
        body(b"{}", {"content-type": "text/plain"}),
    ),
    (
        "control-text",
        "POST",
        "/_mock/faults",
        body(b'{"status": 500}', {"content-type": "text/csv"}),
    ),
    # missing and repeated headers
    ("no-api-key", "GET", "/returns", {"headers": {"x-api-key": ""}}),
    ("api-key-twice", "GET", "/returns", {"headers": [("x-api-key", "a"), ("x-api-key", "b")]}),
    (
        "api-key-twice-post",
        "POST",
        "/products",
        {"content": PRODUCT, "headers": [*JSON.items(), ("x-api-key", "a"), ("x-api-key", "b")]},
    ),
    ("legacy-no-api-key", "GET", "/merchant/return", {"headers": {"x-api-key": ""}}),
    # path traversal, NUL and overlong paths
    ("traversal-returns", "GET", "/returns/..%2F..%2Fetc", {}),
    ("traversal-dots", "GET", "/returns/../../etc/passwd", {}),
    ("traversal-openapi", "GET", "/_mock/openapi/..%2F..%2Fsettings.json", {}),
    ("traversal-openapi-dots", "GET", "/_mock/openapi/%2E%2E.json", {}),
    ("nul-product", "GET", "/products/%00", {}),
    ("nul-cancel", "POST", "/returns/%00/cancel", {}),
    ("nul-patch", "PATCH", "/products/%00", body(b'{"title": "T"}')),
    ("overlong-path", "GET", "/returns/" + "a" * 60_000, {}),
    ("overlong-segments", "GET", "/" + "a/" * 20_000, {}),
    ("overlong-query", "GET", "/returns?status=" + "A" * 60_000, {}),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_request_is_refused_and_changes_nothing(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    client.get("/products")  # the merchant exists before the snapshot
    before = client.get("/_mock/state")
    assert before.status_code == 200

    response = client.request(method, path, **kwargs)

    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    after = client.get("/_mock/state")
    assert after.json() == before.json()
    assert client.get("/_mock/health").status_code == 200
