"""The list operations' shared parameters: page, size, status, from, to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response
from mock_ingrid.api.paging import ById, in_id_order, in_window, matching, take_page
from mock_ingrid.api.query import datetime_param, enum_param, int_param
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.views import current as render

T = TypeVar("T")


class _Created(Protocol):
    @property
    def created_at(self) -> datetime: ...


E = TypeVar("E", bound=_Created)

DEFAULT_SIZE = 20
MAX_SIZE = 100


def page_response(
    request: Request,
    items: Iterable[T],
    to_json: Callable[[T], dict[str, Any]],
    when: Callable[[T], datetime] | None = None,
    in_status: Callable[[str], Iterable[T]] | None = None,
    statuses: Iterable[str] = (),
) -> Response:
    """A page of ``items`` (in creation order); with a ``status`` filter the items
    come from ``in_status``, an index, instead."""
    page = int_param(request, "page", 0, 0, 10_000_000) or 0
    size = int_param(request, "size", DEFAULT_SIZE, 1, MAX_SIZE) or DEFAULT_SIZE
    status = enum_param(request, "status", statuses) if in_status else None
    start = datetime_param(request, "from") if when else None
    end = datetime_param(request, "to") if when else None
    if status is not None and in_status is not None:
        items = in_status(status)
    if (start or end) and when is not None:
        items = matching(items, lambda item: in_window(when(item), start, end))
    chosen, has_next = take_page(items, page, size)
    return json_response(render.page([to_json(item) for item in chosen], has_next, page > 0))


def status_page(
    request: Request,
    m: Merchant,
    kind: str,
    table: dict[str, E],
    to_json: Callable[[E], dict[str, Any]],
    statuses: Iterable[str],
) -> Response:
    """A page of a table whose entities have a lifecycle (``kind``: return, refund or
    exchange): in creation order, a ``status`` filter read from the merchant's status
    index, ``from`` and ``to`` on the creation instant."""
    return page_response(
        request,
        in_id_order(m, kind, table) or table.values(),
        to_json,
        when=_created_at,
        in_status=lambda status: ById(m.status_index[kind].get(status, ()), table),
        statuses=statuses,
    )


def _created_at(entity: _Created) -> datetime:
    return entity.created_at
