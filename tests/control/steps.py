"""Shared by the control API tests: a merchant with the reference catalogue and order."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.api.flow import LINE_ID, ORDER_ID, create_return, ok, seed_reference
from tests.conftest import API_KEY

__all__ = ["API_KEY", "LINE_ID", "ORDER_ID", "create_return", "ok", "seed_reference"]

MOCK = "/_mock"


def post(client: TestClient, path: str, body: Any = None, status: int = 200) -> Any:
    response = client.post(MOCK + path, json=body) if body is not None else client.post(MOCK + path)
    return ok(response, status)


def advance(client: TestClient, return_id: str, status: str) -> dict[str, Any]:
    ret: dict[str, Any] = post(client, f"/returns/{return_id}/advance", {"status": status})
    assert ret["status"] == status
    return ret


def events(client: TestClient, merchant: str = API_KEY) -> list[str]:
    body = ok(client.get(f"{MOCK}/webhooks/events", params={"merchant": merchant}))
    return [event["type"] for event in body["data"]]


def legacy_status(client: TestClient, legacy_id: str) -> str:
    status: str = ok(client.get(f"/merchant/return/{legacy_id}"))["status"]
    return status


def current_status(client: TestClient, return_id: str) -> str:
    status: str = ok(client.get(f"/returns/{return_id}"))["status"]
    return status


def return_with_exchange(client: TestClient, reason: str = "DOESNT_FIT") -> dict[str, Any]:
    body = {
        "items": [
            {
                "orderLineItemId": LINE_ID,
                "quantity": 1,
                "reason": {"code": reason},
                "exchangeTo": {"productId": "PROD-123", "variantId": "VAR-789"},
            }
        ]
    }
    created: dict[str, Any] = post(client, f"/orders/{ORDER_ID}/returns", body, 201)
    return created


def assert_invalid_status(response: Any, fragment: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == "INVALID_STATUS"
    assert fragment in body["message"], body["message"]
    return body
