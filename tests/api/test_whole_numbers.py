"""Integers written as whole-number decimals (JSON Schema 2020-12: ``1.0`` is an
integer), in the bodies of both generations; ``1.5`` stays a 400 INVALID_TYPE."""

from __future__ import annotations

import copy

from starlette.testclient import TestClient

from tests.api import legacy_seed
from tests.api.flow import LINE_ID, ORDER_ID, ok
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT


def test_current_integers_accept_a_whole_number_decimal(client: TestClient) -> None:
    product = copy.deepcopy(REFERENCE_PRODUCT)
    product["variants"][0].update(weightInGrams=220.0, availableInventory=4.2e1)
    created = ok(client.post("/products", json=product), 201)
    assert created["variants"][0]["weightInGrams"] == 220
    assert created["variants"][0]["availableInventory"] == 42
    variant = {"sku": "TS-M-BLK", "availableInventory": -3.0}
    assert (
        ok(client.put("/products/PROD-123/variants/VAR-456", json=variant))["availableInventory"]
        == -3
    )
    order = copy.deepcopy(REFERENCE_ORDER)
    order["orderNumber"] = 1042.0
    order["lineItems"][0]["quantity"] = 2.0
    order["shipments"][0]["lineItems"][0]["quantity"] = 2.0
    stored = ok(client.post("/orders", json=order), 201)
    assert stored == REFERENCE_ORDER
    body = {"items": [{"orderLineItemId": LINE_ID, "quantity": 1.0}]}
    ret = ok(client.post(f"/orders/{ORDER_ID}/returns", json=body), 201)
    assert ret["items"][0]["quantity"] == 1
    report = {
        "returnId": ret["returnId"],
        "items": [{"orderLineItemId": LINE_ID, "quantity": 1.0, "action": "APPROVED"}],
    }
    assert ok(client.post("/warehouse-reports", json=report), 201)["items"][0]["quantity"] == 1


def test_a_fraction_is_refused_by_name_and_changes_nothing(client: TestClient) -> None:
    ok(client.post("/products", json=REFERENCE_PRODUCT), 201)
    order = copy.deepcopy(REFERENCE_ORDER)
    order["lineItems"][0]["quantity"] = 1.5
    refused = client.post("/orders", json=order)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "location": "body",
            "path": "lineItems[0].quantity",
            "code": "INVALID_TYPE",
            "message": "Input should be a whole number, not 1.5",
        }
    ]
    assert client.get(f"/orders/{ORDER_ID}").status_code == 404
    variant = client.put("/products/PROD-123/variants/V", json={"sku": "S", "weightInGrams": 1e-1})
    assert variant.json()["errors"][0]["code"] == "INVALID_TYPE"
    # Beyond every limit: refused, without building the integer.
    huge = client.put("/products/PROD-123/variants/V", json={"sku": "S", "weightInGrams": 1e300})
    assert huge.status_code == 400
    assert huge.json()["errors"][0]["path"] == "weightInGrams"


def test_legacy_return_id_and_quantity_accept_a_whole_number_decimal(client: TestClient) -> None:
    legacy_seed.seed(client)
    legacy_seed.create_return(client)
    items = [{"sku": "51009M", "quantity": 1.0, "approved": True}]
    answer = legacy_seed.report_legacy(client, 1.0, items)  # type: ignore[arg-type]
    assert answer.status_code == 200, answer.text
    assert ok(client.get("/returns/1"))["items"][0]["status"] == "APPROVED"


def test_legacy_fractions_are_refused_by_name(client: TestClient) -> None:
    legacy_seed.seed(client)
    legacy_seed.create_return(client)
    items = [{"sku": "51009M", "quantity": 0.5, "approved": True}]
    refused = legacy_seed.report_legacy(client, 1.5, items)  # type: ignore[arg-type]
    assert refused.status_code == 400
    fields = [(e["field"], e["code"], e["message"]) for e in refused.json()["errors"]]
    assert fields == [
        ("returnId", "INVALID_TYPE", "Input should be a whole number, not 1.5"),
        ("items[0].quantity", "INVALID_TYPE", "Input should be a whole number, not 0.5"),
    ]
