"""Unknown body properties, as a Spring service meets them (Jackson's
FAIL_ON_UNKNOWN_PROPERTIES is false in Spring Boot): accepted and ignored in every
body of both generations, never stored nor shown back. Only the address and the
product categories keep other fields, as their schemas say."""

from __future__ import annotations

import copy
import json
from typing import Any

from starlette.testclient import TestClient

from tests.api import legacy_seed
from tests.api.flow import LINE_ID, ORDER_ID, ok
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT

UNKNOWN = "zzUnknownField"


def _with_unknown(body: Any) -> Any:
    """``body`` with an unknown property in each of its objects, at every depth."""
    if isinstance(body, dict):
        return {**{k: _with_unknown(v) for k, v in body.items()}, UNKNOWN: {"nested": [1]}}
    if isinstance(body, list):
        return [_with_unknown(v) for v in body]
    return body


def _never_shown(client: TestClient, *answers: Any) -> None:
    texts = [json.dumps(a) for a in answers]
    state = client.get("/_mock/state")
    assert state.status_code == 200
    texts.append(state.text)
    for text in texts:
        assert UNKNOWN not in text


def test_unknown_properties_are_ignored_in_every_current_body(client: TestClient) -> None:
    product = copy.deepcopy(REFERENCE_PRODUCT)
    product["categories"] = [{"categoryId": "C1", "name": "Tops"}]
    # Only the address and a category keep other fields: leave them out of the test.
    unknown_product = _with_unknown(product)
    unknown_product["categories"] = product["categories"]
    created = ok(client.post("/products", json=unknown_product), 201)
    assert created["variants"][0] == REFERENCE_PRODUCT["variants"][0]
    variant = ok(
        client.put(
            "/products/PROD-123/variants/VAR-789",
            json=_with_unknown({"sku": "TS-L-BLK", "properties": [{"type": "size", "value": "L"}]}),
        )
    )
    patched = ok(client.patch("/products/PROD-123", json=_with_unknown({"title": "T"})))
    order = _with_unknown(REFERENCE_ORDER)
    order["shippingAddress"] = REFERENCE_ORDER["shippingAddress"]
    stored = ok(client.post("/orders", json=order), 201)
    assert stored == REFERENCE_ORDER
    ret = ok(
        client.post(
            f"/orders/{ORDER_ID}/returns",
            json=_with_unknown({"items": [{"orderLineItemId": LINE_ID, "quantity": 1}]}),
        ),
        201,
    )
    report = ok(
        client.post(
            "/warehouse-reports",
            json=_with_unknown(
                {
                    "returnId": ret["returnId"],
                    "items": [{"orderLineItemId": LINE_ID, "quantity": 1, "action": "APPROVED"}],
                }
            ),
        ),
        201,
    )
    refund = ok(client.get("/refund-transactions"))["data"][0]
    completed = ok(
        client.post(
            f"/refund-transactions/{refund['refundTransactionId']}/complete",
            json=_with_unknown({"amount": 299, "currencyCode": "SEK"}),
        )
    )
    assert completed["status"] == "SUCCESS"
    _never_shown(client, created, variant, patched, stored, ret, report, completed)


def test_unknown_properties_are_ignored_in_the_legacy_body(client: TestClient) -> None:
    legacy_seed.seed(client)
    legacy_seed.create_return(client)
    body = _with_unknown(
        {
            "foreignOrderId": legacy_seed.ORDER_ID,
            "returnId": 1,
            "items": [{"sku": "51009M", "quantity": 1, "approved": True}],
        }
    )
    answer = ok(client.post("/merchant/items/returned", json=body))
    assert answer == {"status": "OK"}
    detail = ok(client.get("/merchant/return/1"))
    _never_shown(client, detail)
