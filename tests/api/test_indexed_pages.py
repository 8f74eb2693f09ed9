"""Lists served from indexes: a deep page, a filtered page and a legacy page after
``afterId`` are slices (``api/paging.py``), and must show exactly what a scan of
every entity in creation order shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.api.paging import ById, in_id_order, numbered_count
from mock_ingrid.domain import catalog, orders, returns, warehouse
from mock_ingrid.domain.commands import (
    LineItemInput,
    OrderInput,
    ProductInput,
    ReportInput,
    ReportItemInput,
    ReturnItemInput,
    ShipmentInput,
    ShipmentLineInput,
    VariantInput,
)
from mock_ingrid.domain.model import ReportAction
from mock_ingrid.runtime import Runtime
from tests.conftest import API_KEY

COUNT = 47


@pytest.fixture
def loaded(client: TestClient, runtime: Runtime) -> TestClient:
    """47 returns; two in three inspected (a refund each), the rest CONFIRMED."""
    m = runtime.state.merchant(API_KEY)
    variants = [VariantInput("V1", "S1")]
    catalog.upsert_product(m, ProductInput("P", "Tee", variants=variants))
    for n in range(COUNT):
        order_id = f"O{n}"
        line = LineItemInput("A", "P", "V1", 1, Decimal(299))
        shipment = ShipmentInput("S", [ShipmentLineInput("A", 1)])
        order = OrderInput(order_id, "SEK", Decimal(49), Decimal(348), {}, [line], [shipment])
        orders.upsert_order(m, order)
        ret = returns.create_return(m, order_id, [ReturnItemInput("A", 1)])
        if n % 3:
            item = ReportItemInput(1, ReportAction.APPROVED, order_line_item_id="A")
            warehouse.submit_report(m, ReportInput([item], return_id=ret.return_id))
    return client


def _get(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def _all_returns(client: TestClient) -> list[dict[str, Any]]:
    return _get(client, "/returns?size=100")["data"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("size", [1, 7, 20, 100])
def test_every_page_of_a_status_is_the_scan_s_slice(loaded: TestClient, size: int) -> None:
    everything = _all_returns(loaded)
    assert len(everything) == COUNT
    for status in sorted({r["status"] for r in everything}):
        expected = [r for r in everything if r["status"] == status]
        pages = -(-len(expected) // size)
        for page in range(pages + 2):
            body = _get(loaded, f"/returns?status={status}&page={page}&size={size}")
            assert body["data"] == expected[page * size : (page + 1) * size]
            assert body["pageInfo"] == {
                "hasNext": page < pages - 1,
                "hasPrevious": page > 0,
            }


def test_deep_unfiltered_pages_are_slices(loaded: TestClient) -> None:
    everything = _all_returns(loaded)
    for page in range(COUNT // 5 + 2):
        body = _get(loaded, f"/returns?page={page}&size=5")
        assert body["data"] == everything[page * 5 : page * 5 + 5]
    far = _get(loaded, "/returns?page=10000000&size=100")
    assert far == {"data": [], "pageInfo": {"hasNext": False, "hasPrevious": True}}


def _legacy_ids(client: TestClient, query: str) -> tuple[list[int], int]:
    body = _get(client, f"/merchant/return?{query}")
    return [item["id"] for item in body["content"]], body["totalElements"]


@pytest.mark.parametrize("sort", ["", "&sort=id", "&sort=id,asc", "&sort=id,desc"])
@pytest.mark.parametrize("after_id", [None, 0, 1, 20, COUNT - 1, COUNT, COUNT + 5])
def test_legacy_pages_after_an_id(loaded: TestClient, sort: str, after_id: int | None) -> None:
    ids = [n for n in range(1, COUNT + 1) if after_id is None or n > after_id]
    if sort.endswith("desc"):
        ids.reverse()
    after = "" if after_id is None else f"&afterId={after_id}"
    for page in range(len(ids) // 10 + 2):
        shown, total = _legacy_ids(loaded, f"page={page}&size=10{after}{sort}")
        assert shown == ids[page * 10 : page * 10 + 10]
        assert total == len(ids)


def test_an_import_out_of_id_order_is_listed_as_imported(loaded: TestClient) -> None:
    """Ids no longer follow insertion order: the lists scan, as they always did."""
    state = _get(loaded, "/_mock/state")
    for merchant in state["merchants"]:
        merchant["returns"].reverse()
    assert loaded.put("/_mock/state", json=state).status_code == 200
    backwards = list(range(COUNT, 0, -1))
    assert _legacy_ids(loaded, "page=0&size=100") == (backwards, COUNT)
    assert _legacy_ids(loaded, "page=1&size=5&afterId=40") == ([42, 41], 7)
    assert _legacy_ids(loaded, "page=0&size=5&afterId=40&sort=id") == ([41, 42, 43, 44, 45], 7)
    listed = [int(r["returnId"]) for r in _get(loaded, "/returns?page=1&size=10")["data"]]
    assert listed == backwards[10:20]


def test_numbered_count_follows_a_growing_table() -> None:
    owner = type("Owner", (), {})()
    table: dict[str, str] = {}
    assert numbered_count(owner, "t", table) == 0
    for n in range(1, 6):
        table[str(n)] = f"v{n}"
        assert numbered_count(owner, "t", table) == n
    assert in_id_order(owner, "t", table) is not None
    table["7"] = "v7"  # a gap: no longer 1 .. n
    assert numbered_count(owner, "t", table) is None
    table["6"] = "v6"
    assert numbered_count(owner, "t", table) is None  # once broken, always scanned
    assert numbered_count(owner, "other", {"2": "a", "1": "b"}) is None
    assert numbered_count(object(), "t", {"1": "a"}) is None  # no weak reference: no shortcut


def test_by_id_reads_only_the_slice() -> None:
    table = {str(n): n * 10 for n in range(1, 8)}
    view = ById([2, 4, 6], table)
    assert len(view) == 3
    assert view[1] == 40
    assert view[1:] == [40, 60]
    assert list(view) == [20, 40, 60]
    assert ById(range(7, 0, -1), table)[2:4] == [50, 40]
