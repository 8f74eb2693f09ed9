"""Operations 1-11: products, variants, orders and their returns, success and failure."""

from __future__ import annotations

import copy

from starlette.testclient import TestClient

from tests.api.flow import LINE_ID, ORDER_ID, create_return, ok, seed_reference
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT


def test_post_products_creates_then_updates_without_duplicating(client: TestClient) -> None:
    created = ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    assert created["createdAt"] == "2026-01-16T09:00:00Z"
    assert created["variants"][0]["properties"][1] == {
        "type": "color",
        "value": "Black",
        "hexColor": "#000000",
    }
    changed = copy.deepcopy(REFERENCE_PRODUCT)
    changed["title"] = "Renamed"
    changed["variants"] = [{"variantId": "VAR-NEW", "sku": "NEW"}]
    updated = ok(client.post("/products", json=changed), 200)
    assert updated["title"] == "Renamed"
    assert [v["variantId"] for v in updated["variants"]] == ["VAR-456", "VAR-789", "VAR-NEW"]
    listed = ok(client.get("/products"))
    assert [p["productId"] for p in listed["data"]] == ["PROD-123"]


def test_get_product_and_404(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    assert ok(client.get("/products/PROD-123"))["productNumber"] == "TS-001"
    missing = client.get("/products/NOPE")
    assert missing.status_code == 404
    assert missing.json()["code"] == "PRODUCT_NOT_FOUND"
    assert "NOPE" in missing.json()["message"]


def test_patch_product_changes_only_the_fields_sent(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    patched = ok(
        client.patch("/products/PROD-123", json={"title": "Classic T-Shirt (organic cotton)"})
    )
    assert patched["title"] == "Classic T-Shirt (organic cotton)"
    assert patched["description"] == REFERENCE_PRODUCT["description"]
    assert len(patched["variants"]) == 2
    cleared = ok(client.patch("/products/PROD-123", json={"description": None}))
    assert "description" not in cleared
    refused = client.patch("/products/PROD-123", json={"title": None})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "title"
    assert client.patch("/products/NOPE", json={"title": "x"}).status_code == 404


def test_variant_upsert(client: TestClient) -> None:
    assert client.put("/products/NOPE/variants/V", json={"sku": "S"}).status_code == 404
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    body = {
        "title": "Medium / Black",
        "sku": "TS-M-BLK",
        "weightInGrams": 220,
        "availableInventory": 42,
    }
    updated = ok(client.put("/products/PROD-123/variants/VAR-456", json=body), 200)
    # The reference's own PUT example: its answer keeps what the body left out.
    assert updated == REFERENCE_PRODUCT["variants"][0]
    created = ok(client.put("/products/PROD-123/variants/VAR-999", json={"sku": "X"}), 201)
    assert created == {"variantId": "VAR-999", "sku": "X"}
    missing_sku = client.put("/products/PROD-123/variants/VAR-1", json={"title": "no sku"})
    assert missing_sku.status_code == 400
    assert missing_sku.json()["errors"] == [
        {"location": "body", "path": "sku", "code": "REQUIRED", "message": "Field required"}
    ]


def test_variant_update_changes_the_fields_sent_and_keeps_the_rest(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    changed = ok(
        client.put(
            "/products/PROD-123/variants/VAR-456",
            json={
                "sku": "TS-M-BLK-2",
                "hsCode": "6109.90",
                "properties": [{"type": "size", "value": "L"}],
            },
        )
    )
    assert changed == {
        **REFERENCE_PRODUCT["variants"][0],
        "sku": "TS-M-BLK-2",
        "hsCode": "6109.90",
        "properties": [{"type": "size", "value": "L"}],
    }
    # Null clears an optional field; the others stay.
    cleared = ok(
        client.put(
            "/products/PROD-123/variants/VAR-456",
            json={"sku": "TS-M-BLK-2", "hsCode": None, "properties": None, "title": None},
        )
    )
    assert cleared == {
        "variantId": "VAR-456",
        "sku": "TS-M-BLK-2",
        "weightInGrams": 220,
        "manufacturingCountry": "PT",
        "availableInventory": 42,
    }
    assert ok(client.get("/products/PROD-123"))["variants"][0] == cleared
    refused = client.put("/products/PROD-123/variants/VAR-456", json={"sku": None})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "sku"


def test_post_products_updates_its_variants_field_by_field(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    again = {
        "productId": "PROD-123",
        "title": "Classic T-Shirt",
        "variants": [{"variantId": "VAR-456", "sku": "TS-M-BLK", "availableInventory": 7}],
    }
    updated = ok(client.post("/products", json=again))
    assert updated["variants"][0] == {**REFERENCE_PRODUCT["variants"][0], "availableInventory": 7}
    # The product's own fields are still replaced by what is sent.
    assert "description" not in updated
    cleared = copy.deepcopy(again)
    cleared["variants"][0]["manufacturingCountry"] = None
    after = ok(client.post("/products", json=cleared))["variants"][0]
    assert "manufacturingCountry" not in after
    assert after["hsCode"] == "6109.10"


def test_order_upsert_round_trips_the_reference_body(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    created = ok(client.post("/orders", json=REFERENCE_ORDER), 201)
    assert created == REFERENCE_ORDER
    again = ok(client.post("/orders", json={**REFERENCE_ORDER, "orderName": "#1042-b"}), 200)
    assert again["orderName"] == "#1042-b"
    assert len(ok(client.get("/orders"))["data"]) == 1
    assert ok(client.get(f"/orders/{ORDER_ID}")) == again


def test_orders_with_unknown_products_are_refused_and_not_stored(client: TestClient) -> None:
    body = copy.deepcopy(REFERENCE_ORDER)
    refused = client.post("/orders", json=body)
    assert refused.status_code == 400
    error = refused.json()
    assert error["code"] == "VALIDATION_ERROR"
    assert error["errors"][0]["path"] == "lineItems[0].productId"
    assert error["errors"][0]["code"] == "UNKNOWN_PRODUCT"
    assert "PROD-123" in error["errors"][0]["message"]
    assert client.get(f"/orders/{ORDER_ID}").status_code == 404


def test_orders_are_validated_field_by_field(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    body = copy.deepcopy(REFERENCE_ORDER)
    del body["currencyCode"]
    body["shippingCost"] = "49"
    body["lineItems"][0]["quantity"] = 0
    body["shipments"][0]["shippedAt"] = "2026-01-15T14:30:00"
    errors = client.post("/orders", json=body).json()["errors"]
    by_path = {e["path"]: e["code"] for e in errors}
    assert by_path == {
        "currencyCode": "REQUIRED",
        "shippingCost": "INVALID_TYPE",
        "lineItems[0].quantity": "OUT_OF_RANGE",
        "shipments[0].shippedAt": "INVALID_DATETIME",
    }


def test_over_shipping_a_line_is_refused(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    body = copy.deepcopy(REFERENCE_ORDER)
    body["shipments"][0]["lineItems"][0]["quantity"] = 3
    refused = client.post("/orders", json=body)
    assert refused.json()["errors"][0]["code"] == "OVER_SHIPPED"


def test_order_returns_list_and_create(client: TestClient) -> None:
    seed_reference(client)
    assert ok(client.get(f"/orders/{ORDER_ID}/returns"))["data"] == []
    created = create_return(client)
    listed = ok(client.get(f"/orders/{ORDER_ID}/returns"))
    assert [r["returnId"] for r in listed["data"]] == [created["returnId"]]
    assert client.get("/orders/NOPE/returns").status_code == 404
    assert (
        client.post(
            "/orders/NOPE/returns", json={"items": [{"orderLineItemId": "x", "quantity": 1}]}
        ).status_code
        == 404
    )


def test_create_return_refuses_more_than_shipped_and_empty_items(client: TestClient) -> None:
    seed_reference(client)
    create_return(client, quantity=2)
    refused = client.post(
        f"/orders/{ORDER_ID}/returns", json={"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "QUANTITY_NOT_RETURNABLE"
    empty = client.post(f"/orders/{ORDER_ID}/returns", json={"items": []})
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["path"] == "items"


def test_patch_order_changes_only_the_fields_sent(client: TestClient) -> None:
    seed_reference(client)
    patched = ok(client.patch(f"/orders/{ORDER_ID}", json={"tags": ["vip"], "orderName": "#1"}))
    assert patched["tags"] == ["vip"] and patched["orderName"] == "#1"
    assert patched["lineItems"] == REFERENCE_ORDER["lineItems"]
    assert client.patch("/orders/NOPE", json={"tags": []}).status_code == 404
    bad = client.patch(f"/orders/{ORDER_ID}", json={"currencyCode": "sek"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "currencyCode"
