"""``query_values`` (each query string parsed once) against Starlette's ``getlist``."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from mock_ingrid.api.query import query_values

QUERIES = [
    b"",
    b"status=CONFIRMED&size=20",
    b"size=20&size=30",
    b"size=&page",
    b"from=2026-01-16T09%3A00%3A00%2B01%3A00",
    b"a=1&b=2&a=3",
    b"sort=createdAt,desc&sort=id",
    b"%C3%A9=%C3%A9&x=%ff",
    b"q=a+b&&=",
    b";a=1",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("name", ["status", "size", "page", "from", "a", "sort", "é", "x", "q", ""])
def test_what_starlette_parses(query: bytes, name: str) -> None:
    request = Request({"type": "http", "query_string": query, "headers": []})
    for _ in range(2):  # the second answer comes from what the first kept
        assert list(query_values(request, name)) == request.query_params.getlist(name)
