"""The fixture sets of ``fixtures/`` (shipped in the package) and their loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_ingrid.domain.lifecycle import ReturnStatus
from mock_ingrid.fixtures import (
    FixtureError,
    find_fixture,
    load_fixture_data,
    load_fixture_paths,
    shipped_fixtures,
)
from mock_ingrid.jsonio import loads
from mock_ingrid.store import State
from tests.builders import new_state
from tests.server import ROOT

TOP = ROOT / "fixtures"


def fresh() -> State:
    return new_state()


def demo() -> dict[str, object]:
    document: dict[str, object] = loads((TOP / "demo-shop.json").read_bytes())  # decimals
    return document


def test_the_shipped_sets_are_the_top_level_ones() -> None:
    # The wheel's copy is checked by tests/test_packaging.py.
    top = {p.stem: p.read_bytes() for p in TOP.glob("*.json")}
    assert {name: path.read_bytes() for name, path in shipped_fixtures().items()} == top


@pytest.mark.parametrize("name", sorted(shipped_fixtures()))
def test_every_set_is_versioned_described_and_loads(name: str) -> None:
    path = shipped_fixtures()[name]
    document = json.loads(path.read_text())
    assert document["version"] == 1 and document["description"]
    state = fresh()
    assert load_fixture_paths(state, [name]) == 1
    assert set(state.merchants) == {m["apiKey"] for m in document["merchants"]}


def test_the_demo_shop_has_what_a_demo_needs() -> None:
    state = fresh()
    load_fixture_paths(state, [TOP / "demo-shop.json"])
    shop = state.merchants["demo-key"]
    properties = {
        p["type"]
        for product in shop.products.values()
        for v in product.variants.values()
        for p in v.properties
    }
    assert {"size", "color"} <= properties
    assert len({order.currency for order in shop.orders.values()}) >= 3
    assert {ret.status for ret in shop.returns.values()} == set(ReturnStatus)
    assert any(order.gift_card_amount > 0 for order in shop.orders.values())
    assert shop.exchanges


def test_a_bad_file_names_itself_and_every_bad_field(tmp_path: Path) -> None:
    document = json.loads((TOP / "demo-shop.json").read_text())  # written back as it was
    merchant = document["merchants"][0]  # type: ignore[index]
    merchant["orders"][1]["lineItems"][0]["quantity"] = "two"
    merchant["products"][0]["variants"][0]["sku"] = 5
    merchant["returns"][0]["steps"] = ["bogus", 7]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    state = fresh()
    with pytest.raises(FixtureError) as refused:
        load_fixture_paths(state, [TOP / "catalogue.json", bad, broken])
    lines = str(refused.value).splitlines()[1:]
    assert [line.split(": ")[:2] for line in lines] == [
        [f"  {bad}", "merchants[0].products[0].variants[0].sku"],
        [f"  {bad}", "merchants[0].orders[1].lineItems[0].quantity"],
        [f"  {bad}", "merchants[0].returns[0].steps[0]"],
        [f"  {bad}", "merchants[0].returns[0].steps[1]"],
        [f"  {broken}", "$"],
    ]
    assert "Input should be 'confirm', 'labelReady'" in lines[2]
    assert "a step is a step name" in lines[3]
    assert [p.location for p in refused.value.problems] == [str(bad)] * 4 + [str(broken)]
    assert state.merchants == {}  # the good file before them was not loaded either


def test_a_rule_broken_late_loads_nothing() -> None:
    document = demo()
    document["merchants"][0]["returns"][-1]["steps"] = ["completeRefund"]  # type: ignore[index]
    state = fresh()
    with pytest.raises(
        FixtureError, match=r"request body: merchants\[0\]\.returns\[9\]\.steps\[0\]"
    ):
        load_fixture_data(state, document, "request body")
    assert state.merchants == {}


def test_a_set_is_found_by_path_or_name(tmp_path: Path) -> None:
    shipped = shipped_fixtures()["demo-shop"]
    assert find_fixture("demo-shop") == find_fixture("demo-shop.json") == shipped
    assert find_fixture(TOP) == TOP
    assert find_fixture("nowhere/demo-shop") is None
    assert find_fixture("no-such-set") is None
    with pytest.raises(FixtureError, match=r"no-such-set: no such fixture .* \(shipped: awaiting"):
        load_fixture_paths(fresh(), ["no-such-set"])


def test_named_steps_are_the_next_steps_progression_and_advance_take() -> None:
    """``completeExchange`` is the exchange's next step (domain/next_steps.py): the order
    is placed as ``EXCHANGE-<the exchange's id>``, as a policy or advance places it."""
    shipped = {"orderLineItemId": "L1", "quantity": 2}
    line = {"lineItemId": "L1", "productId": "TEE", "variantId": "TEE-M"}
    exchanged = {"orderLineItemId": "L1", "quantity": 1}
    document = {
        "version": 1,
        "merchants": [
            {
                "apiKey": "shop",
                "products": [
                    {
                        "productId": "TEE",
                        "title": "T-shirt",
                        "variants": [
                            {"variantId": "TEE-M", "sku": "TS-M"},
                            {"variantId": "TEE-L", "sku": "TS-L"},
                        ],
                    }
                ],
                "orders": [
                    {
                        "orderId": "ORD-1",
                        "currencyCode": "SEK",
                        "shippingCost": 0,
                        "totalAmount": 240,
                        "shippingAddress": {"countryCode": "SE"},
                        "lineItems": [line | {"quantity": 2, "originalUnitPrice": 120}],
                        "shipments": [{"shipmentId": "S1", "lineItems": [shipped]}],
                    }
                ],
                "returns": [
                    {"orderId": "ORD-1", "items": [exchanged], "steps": ["cancel"]},
                    {
                        "orderId": "ORD-1",
                        "items": [
                            exchanged | {"exchangeTo": {"productId": "TEE", "variantId": "TEE-L"}}
                        ],
                        "steps": [
                            "labelReady",
                            "inTransit",
                            {"warehouseReport": {"items": [exchanged | {"action": "APPROVED"}]}},
                            "completeExchange",
                        ],
                    },
                ],
            }
        ],
    }
    state = fresh()
    load_fixture_data(state, document)
    shop = state.merchants["shop"]
    ret = shop.returns["2"]
    assert ret.status == ReturnStatus.COMPLETED
    (exchange_id,) = ret.exchange_ids
    assert exchange_id != ret.return_id
    assert shop.exchanges[exchange_id].completed_order_id == f"EXCHANGE-{exchange_id}"
