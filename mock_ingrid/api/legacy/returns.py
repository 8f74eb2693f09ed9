"""Operations L1-L3: the legacy view of returns, and the warehouse's legacy report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import api_endpoint, json_response, read_model
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.legacy.errors import ERRORS
from mock_ingrid.api.legacy.paging import page_body, page_request, sort_items
from mock_ingrid.api.legacy.schemas import ItemsReturnedBody
from mock_ingrid.api.query import datetime_param, int_param
from mock_ingrid.domain import warehouse
from mock_ingrid.domain.errors import InvalidInput, Problem
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Return
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
    # Both filters are strict: a poller passes the last id or date it has seen.
    found = [
        r
        for r in m.returns.values()
        if (after_id is None or legacy_id(r.return_id) > after_id)
        and (after_date is None or r.created_at > after_date)
    ]
    base_url = str(request.base_url)
    return json_response(
        page_body(
            sort_items(found, paging.sort, SORT_KEYS),
            paging,
            lambda r: legacy_return_summary(m, r, base_url),
        )
    )


@endpoint
async def get_return(request: Request, m: Merchant) -> Response:
    ret = m.require_return(str(_path_id(request, "returnId")), "returnId")
    return json_response(legacy_return_detail(m, ret, str(request.base_url)))


@endpoint
async def report_items_returned(request: Request, m: Merchant) -> Response:
    body = await read_model(request, ItemsReturnedBody)
    ret = m.require_return(str(body.return_id), "returnId")
    _check_same_return(m, ret, body)
    warehouse.submit_report(m, body.to_command())
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
