"""``--api-key`` holds for imports and fixtures: a document naming another merchant is
refused with 400 UNKNOWN_MERCHANT, and nothing of it is loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.api.flow import seed_reference
from tests.conftest import API_KEY, FROZEN_AT, make_client
from tests.control.steps import MOCK, ok

DEMO = Path(__file__).parents[2] / "fixtures" / "demo-shop.json"  # merchant demo-key


@pytest.fixture
def restricted() -> Iterator[TestClient]:
    settings = Settings(freeze_time=FROZEN_AT, api_keys=frozenset({API_KEY, "demo-key"}))
    with make_client(settings) as client:
        seed_reference(client)
        yield client


def snapshot_of(client: TestClient) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.get(f"{MOCK}/state"))
    return data


def renamed(document: dict[str, Any], index: int, key: str) -> dict[str, Any]:
    changed = json.loads(json.dumps(document))
    changed["merchants"][index]["apiKey"] = key
    return changed


def assert_unknown_merchant(response: Any, path: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "UNKNOWN_MERCHANT"
    assert body["message"].startswith(f"{path}: ")
    assert body["errors"][0]["path"] == path
    assert body["errors"][0]["location"] == "body"


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_an_import_of_another_merchant_is_refused(restricted: TestClient, method: str) -> None:
    before = snapshot_of(restricted)
    foreign = renamed(before, 0, "intruder")
    response = restricted.request(method, f"{MOCK}/state", json=foreign)
    assert_unknown_merchant(response, "$.merchants[0].apiKey")
    assert snapshot_of(restricted) == before  # PUT did not clear the state either


def test_one_foreign_merchant_refuses_the_whole_document(restricted: TestClient) -> None:
    before = snapshot_of(restricted)
    both = {
        "version": 1,
        "merchants": [*before["merchants"], *renamed(before, 0, "x")["merchants"]],
    }
    assert_unknown_merchant(restricted.put(f"{MOCK}/state", json=both), "$.merchants[1].apiKey")
    assert snapshot_of(restricted) == before


def test_accepted_merchants_import_as_before(restricted: TestClient) -> None:
    before = snapshot_of(restricted)
    ok(restricted.post(f"{MOCK}/reset"))
    assert ok(restricted.put(f"{MOCK}/state", json=before)) == {"merchants": [API_KEY]}
    assert snapshot_of(restricted) == before


def test_a_fixture_of_another_merchant_is_refused() -> None:
    document = json.loads(DEMO.read_text())
    settings = Settings(freeze_time=FROZEN_AT, api_keys=frozenset({API_KEY}))
    with make_client(settings) as client:
        response = client.post(f"{MOCK}/fixtures", json=document)
        assert_unknown_merchant(response, "$.merchants[0].apiKey")
        assert ok(client.get(f"{MOCK}/merchants"))["data"] == []


def test_a_fixture_of_an_accepted_merchant_loads(restricted: TestClient) -> None:
    document = json.loads(DEMO.read_text())
    assert ok(restricted.post(f"{MOCK}/fixtures", json=document)) == {"merchants": ["demo-key"]}


def test_without_api_keys_any_merchant_imports(client: TestClient) -> None:
    seed_reference(client)
    foreign = renamed(snapshot_of(client), 0, "anyone")
    assert ok(client.post(f"{MOCK}/state", json=foreign)) == {"merchants": ["anyone"]}
