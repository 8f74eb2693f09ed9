"""An import is checked as a whole: a snapshot that loads never breaks a later call."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT, make_client
from tests.control.steps import MOCK, advance, create_return, ok, seed_reference

Snapshot = dict[str, Any]


@pytest.fixture
def snapshot(client: TestClient) -> Snapshot:
    """One merchant with a return that has a report, a refund and an exchange."""
    seed_reference(client)
    advance(client, create_return(client)["returnId"], "REFUND_PENDING")
    found: Snapshot = ok(client.get(f"{MOCK}/state"))
    return found


def _merchant(data: Snapshot) -> dict[str, Any]:
    merchant: dict[str, Any] = data["merchants"][0]
    return merchant


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "order",
        lambda m: m["returns"][0].update(orderId="NOPE"),
        "$.merchants[0].returns[0].orderId",
        "UNKNOWN_REFERENCE",
    ),
    (
        "refund",
        lambda m: m["returns"][0]["refundIds"].append("999"),
        "$.merchants[0].returns[0].refundIds[1]",
        "UNKNOWN_REFERENCE",
    ),
    (
        "line item",
        lambda m: m["returns"][0]["items"][0].update(orderLineItemId="NOPE"),
        "$.merchants[0].returns[0].items[0].orderLineItemId",
        "UNKNOWN_REFERENCE",
    ),
    (
        "report's return",
        lambda m: m["reports"][0].update(returnId="42"),
        "$.merchants[0].reports[0].returnId",
        "UNKNOWN_REFERENCE",
    ),
    (
        "status",
        lambda m: m["returns"][0].update(status="SHIPPED"),
        "$.merchants[0].returns[0].status",
        "INVALID_ENUM",
    ),
    (
        "unknown field",
        lambda m: m["returns"][0].update(colour="red"),
        "$.merchants[0].returns[0].colour",
        "UNKNOWN_FIELD",
    ),
    (
        "unknown table",
        lambda m: m.update(retruns=[]),
        "$.merchants[0].retruns",
        "UNKNOWN_FIELD",
    ),
    (
        "missing field",
        lambda m: m["returns"][0].pop("orderId"),
        "$.merchants[0].returns[0].orderId",
        "REQUIRED",
    ),
    (
        "duplicate",
        lambda m: m["returns"].append(copy.deepcopy(m["returns"][0])),
        "$.merchants[0].returns[1].returnId",
        "DUPLICATE_ID",
    ),
]


@pytest.mark.parametrize(("case", "breaks", "path", "code"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_snapshot_is_refused_naming_the_path(
    client: TestClient,
    snapshot: Snapshot,
    case: str,
    breaks: Callable[[dict[str, Any]], None],
    path: str,
    code: str,
) -> None:
    broken = copy.deepcopy(snapshot)
    breaks(_merchant(broken))
    response = client.put(f"{MOCK}/state", json=broken)
    assert response.status_code == 400, case
    body = response.json()
    assert body["code"] == "INVALID_SNAPSHOT"
    assert body["message"].startswith(path + ": ")
    assert "__init__" not in body["message"]
    (problem,) = body["errors"]
    assert (problem["path"], problem["code"]) == (path, code)
    assert ok(client.get(f"{MOCK}/state")) == snapshot  # nothing was loaded


def test_ids_continue_after_the_highest_imported_even_without_sequences(
    client: TestClient, snapshot: Snapshot
) -> None:
    handwritten = copy.deepcopy(snapshot)
    del _merchant(handwritten)["sequences"]
    ok(client.put(f"{MOCK}/state", json=handwritten))
    created = create_return(client)
    assert created["returnId"] == "2"
    assert created["items"][0]["returnItemId"] == "2"
    assert ok(client.get("/returns/1"))["status"] == "REFUND_PENDING"  # not overwritten


def test_an_export_larger_than_the_api_body_limit_imports_back() -> None:
    settings = Settings(freeze_time=FROZEN_AT, max_body_bytes=2048)
    with make_client(settings) as client:
        seed_reference(client)
        for _ in range(2):
            create_return(client)
        exported = client.get(f"{MOCK}/state")
        assert len(exported.content) > 2048
        ok(
            client.put(
                f"{MOCK}/state",
                content=exported.content,
                headers={"content-type": "application/json"},
            )
        )
        assert client.get(f"{MOCK}/state").content == exported.content
