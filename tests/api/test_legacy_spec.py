"""``legacy.json``: valid OAS 3.1, served, true to the guide and to the handlers."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from mock_ingrid.api.legacy.routes import ROUTES
from mock_ingrid.domain import returns
from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.runtime import Runtime
from mock_ingrid.views.legacy_status import (
    LegacyItemStatus,
    LegacyRefundStatus,
    LegacyReturnStatus,
)
from tests.api.legacy_seed import (
    ORDER_ID,
    SKIRT_LINE,
    TEE_LINE,
    create_return,
    legacy_document,
    ok,
    report_legacy,
    schema_errors,
    seed,
)
from tests.conftest import API_KEY

# -- the guide's examples, verbatim ------------------------------------------------------

GUIDE_LIST = {
    "totalPages": 5,
    "totalElements": 50,
    "size": 10,
    "content": [
        {
            "id": 261868,
            "createdAt": "2024-09-18T12:00:00Z",
            "status": "AWAITING_RETURN",
            "statusUrl": "https://tracking.turnr.se/return/261868",
            "order": {
                "id": 12345,
                "foreignId": "23965dbb5e9592ba1c19be0651ee9c5a",
                "foreignName": "Order #1001",
                "foreignNumber": 1001,
                "createdAt": "2024-09-15T09:30:00Z",
            },
        }
    ],
}

GUIDE_DETAIL = {
    "id": 261868,
    "createdAt": "2024-09-26T19:47:01.273523Z",
    "status": "AWAITING_RETURN",
    "statusUrl": "https://returns.turnr.se/merchant/status/124",
    "order": {
        "id": 254843,
        "foreignId": "980ab3e70810976cfd544fa785ebcba3",
        "foreignNumber": 1520547,
        "createdAt": "2024-09-23T15:41:29.346454Z",
    },
    "returnCosts": {
        "currencyCode": "EUR",
        "returnShipmentCost": 10.00,
        "returnHandlingCost": 0,
        "exchangeCost": 0,
        "failedDeliveryCost": 0,
        "totalCost": 10.00,
    },
    "refundTransactions": [],
    "items": [
        {
            "id": 448715,
            "foreignLineItemId": "3393728",
            "status": "AWAITING_RETURN",
            "purchasePriceAmount": {"currencyCode": "EUR", "amount": 85.00, "itemTax": 13.57},
            "productVariant": {
                "id": 28580,
                "foreignProductId": "33",
                "foreignVariantId": "1498-231",
                "productNumber": "10005",
                "properties": [
                    {"type": "Variant", "code": "1001", "value": "Black"},
                    {"type": "Size", "code": "M", "value": "M"},
                ],
                "sku": "51009M",
                "productTitle": "Black Skirt",
                "variantTitle": "Black M",
            },
            "returnReasons": [{"id": 363, "subReasonId": 496}],
        }
    ],
    "shipments": [
        {
            "id": 227022,
            "type": "C2B",
            "carrier": "DHL_EXPRESS",
            "trackingUrl": "https://express.api.dhl.com/mydhlapi/shipments/2521800172/tracking",
            "trackingReference": "2521800172",
            "customsType": "NO_CUSTOMS",
        }
    ],
    "exchanges": [],
}

_BLACK = {
    "type": "Color",
    "code": "BLK",
    "value": "Black",
    "imageSrc": "https://example.com/images/black.png",
    "hexColor": "#000000",
    "translations": {"en": "Black", "sv": "Svart"},
    "displayPriority": 1,
}

GUIDE_EXCHANGE_DETAIL = {
    "id": 261868,
    "createdAt": "2024-09-26T19:47:01.273523Z",
    "status": "COMPLETED",
    "statusUrl": "https://returns.turnr.se/merchant/status/124",
    "order": {
        "id": 254843,
        "foreignId": "980ab3e70810976cfd544fa785ebcba3",
        "foreignNumber": 1520547,
        "createdAt": "2024-09-23T15:41:29.346454Z",
    },
    "exchanges": [
        {
            "id": 12345,
            "foreignDraftOrderId": "DRAFT12345",
            "foreignOrderId": "NEWORDER12345",
            "foreignOrderNumber": "1002",
            "items": [
                {
                    "id": 67890,
                    "orderItemId": 448715,
                    "fromProductVariant": {
                        "id": 28580,
                        "foreignProductId": "33",
                        "foreignVariantId": "1498-231",
                        "productNumber": "10005",
                        "properties": [_BLACK],
                        "sku": "51009M",
                        "productTitle": "Black Skirt",
                        "variantTitle": "Black M",
                    },
                    "toProductVariant": {
                        "id": 28581,
                        "foreignProductId": "33",
                        "foreignVariantId": "1498-232",
                        "productNumber": "10006",
                        "properties": [_BLACK],
                        "sku": "51009L",
                        "productTitle": "Black Skirt",
                        "variantTitle": "Black L",
                    },
                }
            ],
        }
    ],
}

# The properties the guide lists for its exchange example ("exchange order specific").
GUIDE_EXCHANGE_PROPERTIES = ["id", "createdAt", "status", "statusUrl", "order", "exchanges"]

GUIDE_REPORT = {
    "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
    "returnId": 261868,
    "items": [
        {
            "sku": "100011001M",
            "quantity": 1,
            "approved": True,
            "comment": "Item in perfect condition.",
        }
    ],
}

GUIDE_WEBHOOKS = {
    "ReturnCreatedPayload": {
        "type": "RETURN_CREATED",
        "triggeredAt": "2024-09-18T12:00:00Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [{"sku": "100011001M", "quantity": 1}],
    },
    "ReturnArrivedPayload": {
        "type": "RETURN_ARRIVED",
        "triggeredAt": "2024-09-18T16:05:17.034470979Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [
            {
                "sku": "100011001M",
                "quantity": 1,
                "returnedToWarehouseAt": "2024-09-18T16:05:16.964408537Z",
                "restockStatus": "NO_RESTOCK",
                "approvedForRestock": True,
            }
        ],
    },
    "ReturnCompletedPayload": {
        "type": "RETURN_COMPLETED",
        "triggeredAt": "2024-09-18T16:10:42.888799023Z",
        "returnId": "261868",
        "foreignOrderId": "23965dbb5e9592ba1c19be0651ee9c5a",
        "lineItems": [
            {
                "sku": "100011001M",
                "quantity": 1,
                "returnedToWarehouseAt": "2024-09-18T16:05:16.964408537Z",
                "refundStatus": "REFUNDED",
                "approvedForRestock": True,
            }
        ],
    },
}


# -- the document --------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1() -> None:
    document = legacy_document()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_is_served(client: TestClient) -> None:
    served = ok(client.get("/_mock/openapi/legacy.json"))
    assert served == legacy_document()


def test_it_describes_exactly_the_routes_served() -> None:
    served = {
        (route.path, method.lower())
        for route in ROUTES
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    described = {
        (path, method) for path, item in legacy_document()["paths"].items() for method in item
    }
    assert described == served


@pytest.mark.parametrize(
    ("schema", "enum"),
    [
        ("ReturnStatus", LegacyReturnStatus),
        ("ItemStatus", LegacyItemStatus),
        ("RefundStatus", LegacyRefundStatus),
    ],
)
def test_status_vocabularies_match_the_mapping_module(schema: str, enum: Any) -> None:
    assert legacy_document()["components"]["schemas"][schema]["enum"] == [s.value for s in enum]


def test_the_webhooks_are_described_with_a_string_return_id() -> None:
    document = legacy_document()
    assert set(document["webhooks"]) == {"RETURN_CREATED", "RETURN_ARRIVED", "RETURN_COMPLETED"}
    for name in GUIDE_WEBHOOKS:
        schema = document["components"]["schemas"][name]
        assert schema["properties"]["returnId"] == {
            "type": "string",
            "description": schema["properties"]["returnId"]["description"],
        }
        assert schema["required"] == [
            "type",
            "triggeredAt",
            "returnId",
            "foreignOrderId",
            "lineItems",
        ]


def _examples(node: Any) -> Iterator[tuple[dict[str, Any], Any]]:
    """Every (media type object, example value) pair in the document."""
    if isinstance(node, dict):
        if "schema" in node and "examples" in node:
            for example in node["examples"].values():
                yield node, example["value"]
        for value in node.values():
            yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


def test_every_example_in_the_document_fits_its_schema() -> None:
    found = list(_examples(legacy_document()))
    assert len(found) == 7  # list, detail, report, its answer, three webhooks
    for media, example in found:
        name = media["schema"]["$ref"].rsplit("/", 1)[1]
        assert schema_errors(example, name) == [], name


# -- the guide's examples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "schema"),
    [
        (GUIDE_LIST, "ReturnPage"),
        (GUIDE_DETAIL, "ReturnDetail"),
        (GUIDE_REPORT, "ItemsReturnedRequest"),
        ({"status": "OK"}, "StatusOk"),
        *[(payload, name) for name, payload in GUIDE_WEBHOOKS.items()],
    ],
    ids=[
        "list",
        "detail",
        "items-returned",
        "ok",
        "RETURN_CREATED",
        "RETURN_ARRIVED",
        "RETURN_COMPLETED",
    ],
)
def test_the_guides_examples_fit_the_schemas(example: Any, schema: str) -> None:
    assert schema_errors(example, schema) == []


def test_the_guides_exchange_example_fits_the_properties_it_shows() -> None:
    # The guide abridges this example to the exchange-related properties; every one
    # of them must still fit, and no other property may be required of it.
    assert schema_errors(GUIDE_EXCHANGE_DETAIL, "ReturnDetail", GUIDE_EXCHANGE_PROPERTIES) == []
    assert schema_errors(GUIDE_EXCHANGE_DETAIL, "ReturnDetail") != []


@pytest.mark.parametrize(
    ("schema", "break_it"),
    [
        ("ReturnDetail", lambda d: d.pop("items")),
        ("ReturnDetail", lambda d: d.update(surprise=1)),
        ("ReturnDetail", lambda d: d.update(status="RECEIVED")),
        ("ReturnDetail", lambda d: d["returnCosts"].update(totalCost="10.00")),
        ("ReturnDetail", lambda d: d["items"][0].update(status="APPROVED")),
        ("ReturnDetail", lambda d: d.update(createdAt="2024-09-26 19:47")),
        ("ReturnPage", lambda d: d.pop("totalElements")),
        ("ItemsReturnedRequest", lambda d: d["items"][0].pop("approved")),
        ("ReturnCreatedPayload", lambda d: d.update(returnId=261868)),
    ],
)
def test_the_schemas_refuse_what_the_guide_does_not_allow(schema: str, break_it: Any) -> None:
    example = {
        "ReturnDetail": GUIDE_DETAIL,
        "ReturnPage": GUIDE_LIST,
        "ItemsReturnedRequest": GUIDE_REPORT,
        "ReturnCreatedPayload": GUIDE_WEBHOOKS["ReturnCreatedPayload"],
    }[schema]
    broken = copy.deepcopy(example)
    break_it(broken)
    assert schema_errors(broken, schema) != []


# -- required means always sent -------------------------------------------------------------

# Sent in every response, yet optional in the document because an example of the
# guide lacks them (see the document's description); hexColor only exists for
# some variants.
OPTIONAL_BUT_SENT = {"number", "foreignName", "quantity"}
OPTIONAL = {"hexColor"}


def _objects(value: Any, schema: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Any]]:
    """(object schema, instance) pairs, following ``$ref``s and arrays."""
    schemas = legacy_document()["components"]["schemas"]
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, schema.get("items", {}))
    elif isinstance(value, dict) and "properties" in schema:
        yield schema, value
        for key, item in value.items():
            yield from _objects(item, schema["properties"][key])


def test_required_properties_are_exactly_those_always_sent(
    client: TestClient, runtime: Runtime
) -> None:
    seed(client, giftCardAmount=10)
    m = runtime.state.merchant(API_KEY)
    exchange = ReturnItemInput(SKIRT_LINE, 1, "DAMAGED", "BROKEN", "33", "1498-232")
    returns.create_return(m, ORDER_ID, [exchange, ReturnItemInput(TEE_LINE, 1, "OTHER")])
    m.settings.exchange_cost = Decimal(1)
    items = [{"sku": "51009M", "quantity": 1, "approved": True}]
    ok(report_legacy(client, 1, [*items, {"sku": "100011001M", "quantity": 1, "approved": True}]))
    create_return(client, items=[{"orderLineItemId": TEE_LINE, "quantity": 1}])

    schemas = legacy_document()["components"]["schemas"]
    bodies = [
        (ok(client.get("/merchant/return/1")), schemas["ReturnDetail"]),
        (ok(client.get("/merchant/return/2")), schemas["ReturnDetail"]),
        (ok(client.get("/merchant/return?page=0&size=5")), schemas["ReturnPage"]),
        (client.get("/merchant/return/x").json(), schemas["Error"]),
    ]
    seen_optional: set[str] = set()
    for body, root in bodies:
        for schema, instance in _objects(body, root):
            optional = set(instance) - set(schema.get("required", []))
            assert optional <= OPTIONAL_BUT_SENT | OPTIONAL, (schema, instance)
            seen_optional |= optional
    assert seen_optional == OPTIONAL_BUT_SENT | OPTIONAL
