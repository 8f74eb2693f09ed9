"""API-level helpers: push the reference's catalogue and order, and walk a return."""

from __future__ import annotations

import copy
from typing import Any

from starlette.testclient import TestClient

from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT, REFERENCE_RETURN_REQUEST

ORDER_ID = REFERENCE_ORDER["orderId"]
LINE_ID = REFERENCE_ORDER["lineItems"][0]["lineItemId"]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seed_reference(client: TestClient, **order_changes: Any) -> dict[str, Any]:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    body = copy.deepcopy(REFERENCE_ORDER)
    body.update(order_changes)
    return ok(client.post("/orders", json=body), 201)  # type: ignore[no-any-return]


def create_return(client: TestClient, quantity: int = 1) -> dict[str, Any]:
    body = copy.deepcopy(REFERENCE_RETURN_REQUEST)
    body["items"][0]["quantity"] = quantity
    return ok(client.post(f"/orders/{ORDER_ID}/returns", json=body), 201)  # type: ignore[no-any-return]


def report(
    client: TestClient, return_id: str, *, approved: int = 1, denied: int = 0, manual: bool = False
) -> Any:
    items = []
    if approved:
        items.append(
            {
                "orderLineItemId": LINE_ID,
                "sku": "TS-M-BLK",
                "quantity": approved,
                "action": "APPROVED",
            }
        )
    if denied:
        items.append(
            {"orderLineItemId": LINE_ID, "sku": "TS-M-BLK", "quantity": denied, "action": "DENIED"}
        )
    body = {
        "returnId": return_id,
        "items": items,
        "reportProcessing": "MANUAL_REVIEW" if manual else "PROCESS_IMMEDIATELY",
    }
    return ok(client.post("/warehouse-reports", json=body), 201)
