"""Merchants, resets, state export and import, fixtures; GET never changes state."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from starlette.testclient import TestClient

from mock_ingrid.fixtures import load_fixture_paths
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT, make_client
from tests.control.steps import (
    API_KEY,
    MOCK,
    advance,
    create_return,
    ok,
    seed_reference,
)
from tests.server import ROOT

DEMO = ROOT / "fixtures" / "demo-shop.json"


def state(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = ok(client.get(f"{MOCK}/state"))
    return found


def refund_deductions(client: TestClient, return_id: str) -> dict[str, Any]:
    refunds = ok(client.get("/refund-transactions"))["data"]
    (refund,) = [r for r in refunds if r["returnId"] == return_id]
    found: dict[str, Any] = refund["deductions"]
    return found


def test_create_list_and_get_merchants(client: TestClient) -> None:
    assert ok(client.get(f"{MOCK}/merchants")) == {"data": []}
    body = {"apiKey": "shop", "settings": {"returnShipmentCost": 49, "currency": "EUR"}}
    created = ok(client.post(f"{MOCK}/merchants", json=body), 201)
    assert created["apiKey"] == "shop"
    assert created["settings"]["returnShipmentCost"] == 49
    assert created["settings"]["currency"] == "EUR"
    assert created["settings"]["carrier"] == "PostNord"  # a default
    assert created["counts"]["returns"] == 0
    assert ok(client.get(f"{MOCK}/merchants"))["data"] == [created]
    assert ok(client.get(f"{MOCK}/merchants/shop")) == created
    duplicate = client.post(f"{MOCK}/merchants", json={"apiKey": "shop"})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "MERCHANT_EXISTS"
    missing = client.get(f"{MOCK}/merchants/nobody")
    assert missing.status_code == 404 and missing.json()["code"] == "MERCHANT_NOT_FOUND"


def test_create_refuses_keys_the_server_does_not_accept() -> None:
    with make_client(Settings(freeze_time=FROZEN_AT, api_keys=frozenset({"a"}))) as client:
        response = client.post(f"{MOCK}/merchants", json={"apiKey": "b"})
        assert response.status_code == 400 and response.json()["code"] == "UNKNOWN_MERCHANT"


def test_patch_changes_only_what_is_sent_and_the_next_refund(client: TestClient) -> None:
    seed_reference(client)
    first = create_return(client)["returnId"]
    advance(client, first, "REFUND_PENDING")
    before = ok(client.get(f"{MOCK}/merchants/{API_KEY}"))["settings"]
    patched = ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"returnShipmentCost": 25}))
    assert patched["settings"] == before | {"returnShipmentCost": 25}
    second = create_return(client)["returnId"]
    advance(client, second, "REFUND_PENDING")
    old, new = refund_deductions(client, first), refund_deductions(client, second)
    assert new != old
    assert Decimal(str(new["returnShipmentCost"])) == Decimal(25)
    bad = client.patch(f"{MOCK}/merchants/{API_KEY}", json={"carrier": 5})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "carrier"
    unknown = client.patch(f"{MOCK}/merchants/{API_KEY}", json={"colour": "red"})
    assert unknown.status_code == 400
    assert ok(client.get(f"{MOCK}/merchants/{API_KEY}"))["settings"] == patched["settings"]


def test_reset_one_merchant_keeps_its_settings(client: TestClient) -> None:
    seed_reference(client)
    create_return(client)
    ok(client.post(f"{MOCK}/merchants", json={"apiKey": "other"}), 201)
    ok(client.patch(f"{MOCK}/merchants/{API_KEY}", json={"carrier": "DHL"}))
    reset = ok(client.post(f"{MOCK}/merchants/{API_KEY}/reset"))
    assert reset["settings"]["carrier"] == "DHL"
    assert set(reset["counts"].values()) == {0}
    assert ok(client.get("/returns"))["data"] == []
    assert {m["apiKey"] for m in ok(client.get(f"{MOCK}/merchants"))["data"]} == {
        "other",
        API_KEY,
    }
    # the id sequences start again
    seed_reference(client)
    assert create_return(client)["returnId"] == "1"
    missing = client.post(f"{MOCK}/merchants/nobody/reset")
    assert missing.status_code == 404


def test_reset_everything_returns_to_the_start_state() -> None:
    settings = Settings(freeze_time=FROZEN_AT)
    with make_client(settings, api_key="demo-key") as client:
        runtime = cast(Runtime, client.app_state)
        load_fixture_paths(runtime.state, (DEMO,))  # as the CLI does with --fixtures
        runtime.remember_baseline()
        start = state(client)
        assert start["merchants"]
        ok(client.post(f"{MOCK}/merchants", json={"apiKey": "extra"}), 201)
        ok(client.post(f"{MOCK}/merchants/demo-key/reset"))
        assert ok(client.post(f"{MOCK}/reset")) == {"merchants": len(start["merchants"])}
        assert state(client) == start
        assert ok(client.get(f"{MOCK}/webhooks/events"))["data"] == []


def test_reset_without_fixtures_forgets_everything(client: TestClient) -> None:
    seed_reference(client)
    assert ok(client.post(f"{MOCK}/reset")) == {"merchants": 0}
    assert state(client) == {"version": 1, "merchants": []}


def test_state_round_trips_into_a_fresh_app(client: TestClient) -> None:
    seed_reference(client)
    for status in ("CANCELLED", "COMPLETED", "IN_TRANSIT"):
        advance(client, create_return(client)["returnId"], status)
    exported = state(client)
    with make_client(Settings(freeze_time=FROZEN_AT)) as fresh:
        assert ok(fresh.put(f"{MOCK}/state", json=exported)) == {"merchants": [API_KEY]}
        assert state(fresh) == exported
        # and the ids carry on where they were
        ok(fresh.post("/returns/3/cancel"))
        assert create_return(fresh)["returnId"] == "4"


def test_post_state_adds_merchants_and_keeps_the_others(client: TestClient) -> None:
    seed_reference(client)
    one = ok(client.get(f"{MOCK}/state", params={"merchant": API_KEY}))
    one["merchants"][0]["apiKey"] = "copy"
    assert ok(client.post(f"{MOCK}/state", json=one)) == {"merchants": ["copy"]}
    keys = {m["apiKey"] for m in ok(client.get(f"{MOCK}/merchants"))["data"]}
    assert keys == {API_KEY, "copy"}
    missing = client.get(f"{MOCK}/state", params={"merchant": "nobody"})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s.update(version=2), "$.version"),
        (lambda s: s.update(merchants={}), "$.merchants"),
        (lambda s: s["merchants"][0].pop("apiKey"), "$.merchants[0]"),
    ],
)
def test_a_bad_snapshot_is_a_400_naming_the_path(
    client: TestClient, change: Any, path: str
) -> None:
    seed_reference(client)
    snapshot = state(client)
    change(snapshot)
    before = state(client)
    response = client.put(f"{MOCK}/state", json=snapshot)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_SNAPSHOT"
    assert path in response.json()["message"]
    assert state(client) == before


def test_a_snapshot_that_is_not_json(client: TestClient) -> None:
    response = client.put(
        f"{MOCK}/state", content=b"{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["code"] == "MALFORMED_JSON"
    response = client.put(f"{MOCK}/state", content=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_fixtures_load_all_or_nothing(client: TestClient) -> None:
    fixture = json.loads(DEMO.read_text(encoding="utf-8"))
    loaded = ok(client.post(f"{MOCK}/fixtures", json=fixture))
    assert loaded == {"merchants": [m["apiKey"] for m in fixture["merchants"]]}
    counts = ok(client.get(f"{MOCK}/merchants/{loaded['merchants'][0]}"))["counts"]
    assert counts["returns"] > 0
    assert ok(client.get(f"{MOCK}/webhooks/events"))["data"] == []  # no webhooks


def test_a_bad_fixture_is_a_400_naming_the_path_and_loads_nothing(client: TestClient) -> None:
    fixture = json.loads(DEMO.read_text(encoding="utf-8"))
    fixture["merchants"].append({"apiKey": "second", "settings": {"currency": 7}})
    before = state(client)
    response = client.post(f"{MOCK}/fixtures", json=fixture)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_FIXTURE"
    assert "merchants[1].settings.currency" in response.json()["message"]
    assert state(client) == before


# -- GET never changes state -------------------------------------------------------


def _get_paths(client: TestClient) -> list[str]:
    spec = ok(client.get(f"{MOCK}/openapi/control.json"))
    rid = ok(client.get("/returns"))["data"][0]["returnId"]
    report = "1"
    values = {
        "{document}": "control",
        "{subscriptionId}": "sub_1",
        "{eventId}": ok(client.get(f"{MOCK}/webhooks/events"))["data"][0]["eventId"],
        "{deliveryId}": "dlv_1",
        "{reportId}": report,
        "{apiKey}": API_KEY,
        "{faultId}": "fault_1",
        "{runId}": "1",
        "{returnId}": rid,
        "{name}": "ui.css",
        "{merchant}": API_KEY,
    }
    paths = []
    for template, item in spec["paths"].items():
        # (the live feed's stream never ends by itself: test_live_feed.py reads it)
        if "get" not in item or template == "/_mock/ui/events":
            continue
        path = template
        for name, value in values.items():
            path = path.replace(name, value)
        assert "{" not in path, template
        paths.append(path)
    return paths


def test_every_get_route_leaves_the_state_alone(client: TestClient, tmp_path: Path) -> None:
    seed_reference(client)
    ret = create_return(client)
    advance(client, ret["returnId"], "RECEIVED")
    items = [
        {"returnItemId": i["returnItemId"], "quantity": i["quantity"], "action": "APPROVED"}
        for i in ret["items"]
    ]
    body = {"returnId": ret["returnId"], "items": items, "reportProcessing": "MANUAL_REVIEW"}
    ok(client.post("/warehouse-reports", json=body), 201)
    paths = _get_paths(client)
    assert len(paths) >= 15
    before = state(client)
    clock = ok(client.get(f"{MOCK}/clock"))
    for path in paths:
        first = client.get(path, params={"merchant": API_KEY} if "state" not in path else None)
        second = client.get(path, params={"merchant": API_KEY} if "state" not in path else None)
        if "/journal" not in path:
            assert (first.status_code, first.content) == (second.status_code, second.content), path
    assert state(client) == before
    assert ok(client.get(f"{MOCK}/clock")) == clock
