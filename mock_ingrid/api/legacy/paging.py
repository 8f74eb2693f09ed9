"""Spring Data style pages: ``page`` (from 0) and ``size`` required, ``sort`` repeatable.

A page past the last one is empty, not an error, and a size over 2000 is capped to
2000 (both as in Spring Data); every other bad value is a 400 that names the
parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any, TypeVar

from starlette.requests import Request

from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.query import query_values, required_int
from mock_ingrid.domain.errors import Problem

T = TypeVar("T")

# Spring Data's default spring.data.web.pageable.max-page-size: a larger size is
# capped to it (answered in ``size``), not refused.
MAX_SIZE = 2_000
_DIRECTIONS = {"asc": False, "desc": True}


@dataclass(frozen=True, slots=True)
class SortOrder:
    prop: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    size: int
    sort: tuple[SortOrder, ...]


def page_request(request: Request, sortable: Sequence[str]) -> PageRequest:
    return PageRequest(
        page=required_int(request, "page", 0),
        size=min(required_int(request, "size", 1), MAX_SIZE),
        sort=parse_sort(query_values(request, "sort"), sortable),
    )


def _bad_sort(code: str, message: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_PARAMETER",
        f"query parameter 'sort': {message}",
        [Problem("sort", code, message, location="query")],
    )


def parse_sort(values: Sequence[str], sortable: Sequence[str]) -> tuple[SortOrder, ...]:
    """Each value is ``property[,property...][,asc|desc]`` (the direction in any case, and
    for every property of the value), as Spring Data reads ``sort``."""
    orders: list[SortOrder] = []
    for value in values:
        props = value.split(",")
        direction = ""
        if len(props) > 1 and props[-1].lower() in _DIRECTIONS:
            direction = props.pop()
        known = " or ".join(sortable)
        for index, prop in enumerate(props):
            if prop not in sortable:
                last = index == len(props) - 1 and index > 0
                raise _bad_sort(
                    "INVALID_SORT",
                    f"'{value}': '{prop}' is neither a property to sort by ({known}) "
                    "nor a direction (asc or desc)"
                    if last
                    else f"'{value}': '{prop}' is not a property to sort by; use {known}, "
                    "optionally followed by ',asc' or ',desc'",
                )
            if any(order.prop == prop for order in orders):
                raise _bad_sort("REPEATED", f"'{prop}' is given more than once")
            orders.append(SortOrder(prop, _DIRECTIONS.get(direction.lower(), False)))
    return tuple(orders)


def sort_items(
    items: Sequence[T], orders: Sequence[SortOrder], keys: Mapping[str, Callable[[T], Any]]
) -> list[T]:
    """Sort by each order in turn; Python's sort is stable, so sorting by the last
    order first leaves the first order deciding, and the input order breaking ties."""
    result = list(items)
    for order in reversed(orders):
        result.sort(key=keys[order.prop], reverse=order.descending)
    return result


def page_body(
    items: Sequence[T], request: PageRequest, render: Callable[[T], Any]
) -> dict[str, Any]:
    start = request.page * request.size
    chosen = items[start : start + request.size]
    return {
        "totalPages": ceil(len(items) / request.size),
        "totalElements": len(items),
        "size": request.size,
        "number": request.page,
        "content": [render(item) for item in chosen],
    }
