"""Shared by the legacy API tests: a catalogue and an order pushed through the current
API, and a check of any body against a schema of ``legacy.json``."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

ORDER_ID = "23965dbb5e9592ba1c19be0651ee9c5a"
SKIRT_LINE = "3393728"
TEE_LINE = "3393729"

PRODUCTS: list[dict[str, Any]] = [
    {
        "productId": "33",
        "title": "Black Skirt",
        "productNumber": "10005",
        "variants": [
            {
                "variantId": "1498-231",
                "title": "Black M",
                "sku": "51009M",
                "properties": [
                    {"type": "Size", "value": "M"},
                    {"type": "Color", "value": "Black", "hexColor": "#000000"},
                ],
            },
            {"variantId": "1498-232", "title": "Black L", "sku": "51009L"},
        ],
    },
    {
        "productId": "TEE",
        "title": "Classic T-Shirt",
        "variants": [{"variantId": "TEE-M", "sku": "100011001M"}],
    },
]

ORDER: dict[str, Any] = {
    "orderId": ORDER_ID,
    "orderName": "Order #1001",
    "orderNumber": 1001,
    "currencyCode": "EUR",
    "shippingCost": 4.9,
    "totalAmount": 144.9,
    "giftCardAmount": 0,
    "orderedAt": "2026-01-10T09:30:00Z",
    "shippingAddress": {"firstName": "Anna", "countryCode": "SE"},
    "lineItems": [
        {
            "lineItemId": SKIRT_LINE,
            "productId": "33",
            "variantId": "1498-231",
            "originalUnitPrice": 100,
            "discountedUnitPrice": 85,
            "unitTaxes": 13.57,
            "quantity": 1,
        },
        {
            "lineItemId": TEE_LINE,
            "productId": "TEE",
            "variantId": "TEE-M",
            "originalUnitPrice": 30,
            "discountedUnitPrice": 27.5,
            "unitTaxes": 5.5,
            "quantity": 2,
        },
    ],
    "shipments": [
        {
            "shipmentId": "S1",
            "lineItems": [
                {"orderLineItemId": SKIRT_LINE, "quantity": 1},
                {"orderLineItemId": TEE_LINE, "quantity": 2},
            ],
        }
    ],
}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seed(client: TestClient, order_id: str = ORDER_ID, **changes: Any) -> dict[str, Any]:
    """The catalogue (idempotent) and one order, through the current API."""
    for product in PRODUCTS:
        assert client.post("/products", json=product).status_code in (200, 201)
    body = copy.deepcopy(ORDER)
    body.update(orderId=order_id, **changes)
    return ok(client.post("/orders", json=body), 201)  # type: ignore[no-any-return]


def create_return(
    client: TestClient, order_id: str = ORDER_ID, items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A return through ``POST /orders/{orderId}/returns`` (default: the skirt, damaged)."""
    items = items or [
        {
            "orderLineItemId": SKIRT_LINE,
            "quantity": 1,
            "reason": {"code": "DAMAGED", "subReasonCode": "BROKEN"},
        }
    ]
    response = client.post(f"/orders/{order_id}/returns", json={"items": items})
    return ok(response, 201)  # type: ignore[no-any-return]


def report_legacy(
    client: TestClient, return_id: int, items: list[dict[str, Any]], **extra: Any
) -> Any:
    body = {"foreignOrderId": extra.pop("foreign_order_id", ORDER_ID), "returnId": return_id}
    body.update(items=items, **extra)
    return client.post("/merchant/items/returned", json=body)


@cache
def legacy_document() -> dict[str, Any]:
    text = resources.files("mock_ingrid.spec").joinpath("legacy.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def schema_errors(instance: Any, schema_name: str, required: list[str] | None = None) -> list[str]:
    """Messages of every way ``instance`` breaks ``#/components/schemas/<schema_name>``.

    The whole document is the root resource, so its ``$ref``s resolve; its other
    keys (``openapi``, ``paths``...) are not JSON Schema keywords and are ignored.
    ``required`` replaces the schema's own list (for the guide's abridged example).
    """
    document = copy.deepcopy(legacy_document())
    if required is not None:
        document["components"]["schemas"][schema_name]["required"] = required
    root = {**document, "$ref": f"#/components/schemas/{schema_name}"}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def assert_schema(instance: Any, schema_name: str) -> None:
    errors = schema_errors(instance, schema_name)
    assert not errors, f"not a valid {schema_name}: {errors}"
