"""L1's Spring-style pages: page from 0, size from 1 (capped to 2000), afterId, afterDate,
sort."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.runtime import Runtime
from tests.api.legacy_seed import SKIRT_LINE, TEE_LINE, assert_schema, create_return, ok, seed

T0 = "2026-01-16T09:00:00Z"  # the conftest's frozen clock
T1 = "2026-01-16T10:00:00Z"


@pytest.fixture
def five_returns(client: TestClient, runtime: Runtime) -> TestClient:
    """Returns 1 and 2 created at T0, 3 and 4 an hour later, 5 two hours later."""
    clock = runtime.clock
    assert clock.frozen
    for order_id in ("O1", "O2"):
        seed(client, order_id=order_id)
    units = [
        ("O1", SKIRT_LINE),
        ("O1", TEE_LINE),
        ("O2", SKIRT_LINE),
        ("O2", TEE_LINE),
        ("O2", TEE_LINE),
    ]
    for index, (order_id, line) in enumerate(units):
        if index in (2, 4):
            clock.advance(timedelta(hours=1))
        create_return(client, order_id, [{"orderLineItemId": line, "quantity": 1}])
    return client


def page(client: TestClient, query: str) -> dict[str, Any]:
    body = ok(client.get(f"/merchant/return?{query}"))
    assert_schema(body, "ReturnPage")
    return body  # type: ignore[no-any-return]


def ids(client: TestClient, query: str) -> list[int]:
    return [item["id"] for item in page(client, query)["content"]]


def test_pages_count_from_zero_and_report_their_totals(five_returns: TestClient) -> None:
    first = page(five_returns, "page=0&size=2")
    assert {k: v for k, v in first.items() if k != "content"} == {
        "totalPages": 3,
        "totalElements": 5,
        "size": 2,
        "number": 0,
    }
    assert [r["id"] for r in first["content"]] == [1, 2]
    assert ids(five_returns, "page=1&size=2") == [3, 4]
    assert ids(five_returns, "page=2&size=2") == [5]


def test_a_page_past_the_last_is_empty_not_an_error(five_returns: TestClient) -> None:
    past = page(five_returns, "page=3&size=2")
    assert past == {"totalPages": 3, "totalElements": 5, "size": 2, "number": 3, "content": []}


def test_size_100_takes_everything_in_one_page(five_returns: TestClient) -> None:
    body = page(five_returns, "page=0&size=100")
    assert (body["totalPages"], body["totalElements"], len(body["content"])) == (1, 5, 5)


@pytest.mark.parametrize(
    ("size", "used"), [(101, 101), (2000, 2000), (2001, 2000), (2**63 - 1, 2000)]
)
def test_a_size_over_2000_is_capped_as_spring_data_caps_it(
    five_returns: TestClient, size: int, used: int
) -> None:
    body = page(five_returns, f"page=0&size={size}")
    assert body == {**body, "totalPages": 1, "size": used, "number": 0}
    assert len(body["content"]) == 5
    assert page(five_returns, f"page=1&size={size}")["content"] == []


def test_after_id_keeps_greater_ids_and_the_totals_count_only_those(
    five_returns: TestClient,
) -> None:
    assert ids(five_returns, "page=0&size=10&afterId=2") == [3, 4, 5]
    assert ids(five_returns, "page=0&size=10&afterId=0") == [1, 2, 3, 4, 5]
    filtered = page(five_returns, "page=1&size=2&afterId=1")
    assert (filtered["totalElements"], filtered["totalPages"]) == (4, 2)
    assert [r["id"] for r in filtered["content"]] == [4, 5]
    assert ids(five_returns, "page=0&size=10&afterId=5") == []


def test_after_date_keeps_returns_created_strictly_later(five_returns: TestClient) -> None:
    assert ids(five_returns, f"page=0&size=10&afterDate={T0}") == [3, 4, 5]
    assert ids(five_returns, f"page=0&size=10&afterDate={T1}") == [5]
    # The same instant as T0, written with an offset.
    assert ids(five_returns, "page=0&size=10&afterDate=2026-01-16T11:00:00%2B02:00") == [3, 4, 5]
    assert ids(five_returns, f"page=0&size=10&afterDate={T0}&afterId=3") == [4, 5]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", [1, 2, 3, 4, 5]),
        ("&sort=id", [1, 2, 3, 4, 5]),
        ("&sort=id,desc", [5, 4, 3, 2, 1]),
        ("&sort=id,DESC", [5, 4, 3, 2, 1]),
        ("&sort=createdAt,asc", [1, 2, 3, 4, 5]),
        # Ties of createdAt keep ascending ids unless a second sort says otherwise.
        ("&sort=createdAt,desc", [5, 3, 4, 1, 2]),
        ("&sort=createdAt,desc&sort=id,desc", [5, 4, 3, 2, 1]),
        ("&sort=createdAt&sort=id,desc", [2, 1, 4, 3, 5]),
        # Spring's other form: several properties in one value, the direction for all.
        ("&sort=createdAt,id,desc", [5, 4, 3, 2, 1]),
        ("&sort=createdAt,desc&sort=id,asc", [5, 3, 4, 1, 2]),
    ],
)
def test_sort_by_id_and_created_at(
    five_returns: TestClient, sort: str, expected: list[int]
) -> None:
    assert ids(five_returns, f"page=0&size=10{sort}") == expected


def test_sorting_happens_before_paging(five_returns: TestClient) -> None:
    assert ids(five_returns, "page=1&size=2&sort=id,desc") == [3, 2]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("size=10", "page", "REQUIRED"),
        ("page=0", "size", "REQUIRED"),
        ("page=&size=10", "page", "REQUIRED"),
        ("page=-1&size=10", "page", "OUT_OF_RANGE"),
        ("page=one&size=10", "page", "INVALID_TYPE"),
        ("page=0&page=1&size=10", "page", "REPEATED"),
        ("page=0&size=0", "size", "OUT_OF_RANGE"),
        ("page=0&size=9223372036854775808", "size", "OUT_OF_RANGE"),
        ("page=0&size=1.5", "size", "INVALID_TYPE"),
        ("page=0&size=10&afterId=-1", "afterId", "OUT_OF_RANGE"),
        ("page=0&size=10&afterId=x", "afterId", "INVALID_TYPE"),
        ("page=0&size=10&afterDate=2026-01-16T09:00:00", "afterDate", "INVALID_DATETIME"),
        ("page=0&size=10&afterDate=yesterday", "afterDate", "INVALID_DATETIME"),
        ("page=0&size=10&sort=name", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=id,up", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=id,asc,createdAt", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=ID", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=id&sort=id,desc", "sort", "REPEATED"),
        ("page=0&size=10&sort=id,id,desc", "sort", "REPEATED"),
        ("page=0&size=10&sort=createdAt,name,desc", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=desc", "sort", "INVALID_SORT"),
        ("page=0&size=10&sort=id,", "sort", "INVALID_SORT"),
    ],
)
def test_bad_page_parameters_are_a_400_naming_the_parameter(
    client: TestClient, query: str, field: str, code: str
) -> None:
    response = client.get(f"/merchant/return?{query}")
    assert response.status_code == 400, response.text
    body = response.json()
    assert_schema(body, "Error")
    assert body["error"] == "Bad Request" and field in body["message"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]
