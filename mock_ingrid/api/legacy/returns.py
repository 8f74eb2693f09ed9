"""Operations L1-L3: the legacy view of returns, and the warehouse's legacy report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_model
from mock_ingrid.api.endpoint import api_endpoint, json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.legacy.errors import ERRORS
from mock_ingrid.api.legacy.paging import SortOrder, page_body, page_request, sort_items
from mock_ingrid.api.legacy.schemas import ItemsReturnedBody
from mock_ingrid.api.paging import ById, numbered_count
from mock_ingrid.api.query import datetime_param, int_param
from mock_ingrid.domain import warehouse
from mock_ingrid.domain.commands import ReportInput
from mock_ingrid.domain.errors import InvalidInput, Problem
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Return, ReturnItem
from mock_ingrid.views.legacy_return import (
    legacy_id,
    legacy_return_detail,
    legacy_return_summary,
)

endpoint = api_endpoint(ERRORS)

SORT_KEYS: dict[str, Callable[[Return], int | datetime]] = {
    "id": lambda r: legacy_id(r.return_id),
    "createdAt": lambda r: r.created_at,
}

_MAX_ID = 2**63 - 1


@endpoint
async def list_returns(request: Request, m: Merchant) -> Response:
    paging = page_request(request, list(SORT_KEYS))
    after_id = int_param(request, "afterId", None, 0)
    after_date = datetime_param(request, "afterDate")
    found = _by_id(m, after_id, paging.sort) if after_date is None else None
    if found is None:
        # Both filters are strict: a poller passes the last id or date it has seen.
        found = sort_items(
            [
                r
                for r in m.returns.values()
                if (after_id is None or legacy_id(r.return_id) > after_id)
                and (after_date is None or r.created_at > after_date)
            ],
            paging.sort,
            SORT_KEYS,
        )
    settings = runtime_of(request).settings
    base_url, target = settings.base_url, settings.status_url
    return json_response(
        page_body(found, paging, lambda r: legacy_return_summary(m, r, base_url, target))
    )


def _by_id(
    m: Merchant, after_id: int | None, sort: tuple[SortOrder, ...]
) -> Sequence[Return] | None:
    """The returns after ``after_id`` in id order (or its reverse), as a sequence that a
    page slices, when the ids are 1 .. n in creation order (what the id factory makes)
    and the sort is by id or none (creation order): no scan of every return."""
    if sort and (len(sort) > 1 or sort[0].prop != "id"):
        return None
    count = numbered_count(m, "returns", m.returns)
    if count is None:
        return None
    first = min(after_id, count) + 1 if after_id is not None else 1
    ids = range(count, first - 1, -1) if sort and sort[0].descending else range(first, count + 1)
    return ById(ids, m.returns)


@endpoint
async def get_return(request: Request, m: Merchant) -> Response:
    ret = m.require_return(str(_path_id(request, "returnId")), "returnId")
    settings = runtime_of(request).settings
    return json_response(legacy_return_detail(m, ret, settings.base_url, settings.status_url))


@endpoint
async def report_items_returned(request: Request, m: Merchant) -> Response:
    body = await read_model(request, ItemsReturnedBody)
    ret = m.require_return(str(body.return_id), "returnId")
    _check_same_return(m, ret, body)
    split = _split_by_item(m, ret, body)
    try:
        warehouse.submit_report(m, split.command)
    except InvalidInput as error:
        raise split.in_legacy_terms(error) from None
    return json_response({"status": "OK"})


def _path_id(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= _MAX_ID:
        return int(raw)
    message = f"'{raw}' is not a return id (a positive integer)"
    raise ApiError(
        400,
        "INVALID_PARAMETER",
        f"path parameter '{name}': {message}",
        [Problem(name, "INVALID_TYPE", message, location="path")],
    )


def _check_same_return(m: Merchant, ret: Return, body: ItemsReturnedBody) -> None:
    """Every key of the legacy body must point at the one return ``returnId`` names.

    Checked here rather than left to the domain's matching, which would answer an
    unknown order or tracking number with a 404: for the legacy client the
    return exists, and the other key just does not belong to it (a 400).
    """
    if body.foreign_order_id != ret.order_id:
        raise InvalidInput.one(
            "foreignOrderId",
            "ORDER_MISMATCH",
            f"return {ret.return_id} belongs to order '{ret.order_id}', "
            f"not '{body.foreign_order_id}'",
        )
    reference = body.tracking_reference
    if reference is not None and m.returns_by_tracking.get(reference) != ret.return_id:
        booked = ret.shipment.tracking_reference if ret.shipment else None
        raise InvalidInput.one(
            "trackingReference",
            "TRACKING_REFERENCE_MISMATCH",
            f"return {ret.return_id} is shipped under '{booked}', not '{reference}'"
            if booked
            else f"return {ret.return_id} has no return shipment booked",
        )


_ITEM_PATH = re.compile(r"^items\[(\d+)\](.*)$", re.S)


@dataclass(slots=True)
class _Split:
    """The domain's report for a legacy body, and the way back to the body's indices."""

    command: ReportInput
    # The legacy item index of each item of ``command``.
    origin: list[int] = field(default_factory=list)
    # Legacy item index -> message, for entries reporting more units of their sku
    # than the return holds over several of its items (over one, the domain's says it).
    overflow: dict[int, str] = field(default_factory=dict)

    def in_legacy_terms(self, error: InvalidInput) -> InvalidInput:
        problems: list[Problem] = []
        for problem in error.problems:
            match = _ITEM_PATH.match(problem.path)
            if match is None:
                problems.append(problem)
                continue
            index = self.origin[int(match.group(1))]
            message = problem.message
            if problem.code == "QUANTITY_EXCEEDS_RETURN" and index in self.overflow:
                message = self.overflow[index]
            renumbered = Problem(f"items[{index}]{match.group(2)}", problem.code, message)
            if renumbered not in problems:
                problems.append(renumbered)
        return InvalidInput(problems)


def _split_by_item(m: Merchant, ret: Return, body: ItemsReturnedBody) -> _Split:
    """The legacy body names units by sku alone: each entry goes to the return's items
    that carry its sku and still expect a parcel (not lost, not kept by the customer),
    shared out in the return's order, each up to what it was returned with. An entry
    whose sku no such item carries is left to the domain to refuse."""
    order = m.orders[ret.order_id]
    by_sku: dict[str | None, list[ReturnItem]] = {}
    for item in ret.items:
        if not item.settles_without_receipt:
            sku = order.line_items[item.order_line_item_id].sku
            by_sku.setdefault(sku, []).append(item)
    split = _Split(replace(body.to_command(), items=[]))
    assigned: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    for index, entry in enumerate(body.items):
        piece = entry.to_command()
        candidates = by_sku.get(entry.sku, [])
        if not candidates:  # the domain names what is wrong with it
            split.command.items.append(piece)
            split.origin.append(index)
            continue
        reported[entry.sku] += entry.quantity
        left = entry.quantity
        for position, item in enumerate(candidates):
            last = position == len(candidates) - 1
            # The last item takes what is left over, so the domain refuses it.
            take = left if last else min(left, item.quantity - assigned[item.return_item_id])
            if take > 0:
                split.command.items.append(
                    replace(piece, quantity=take, return_item_id=item.return_item_id)
                )
                split.origin.append(index)
                assigned[item.return_item_id] += take
                left -= take
        held = sum(item.quantity for item in candidates)
        if reported[entry.sku] > held and len(candidates) > 1:
            split.overflow[index] = (
                f"return {ret.return_id} holds {held} units of sku '{entry.sku}' "
                f"over {len(candidates)} items; {reported[entry.sku]} reported"
            )
    return split
