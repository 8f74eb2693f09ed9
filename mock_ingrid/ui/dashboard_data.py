"""What the dashboard reads that the public and control APIs do not offer.

- ``GET /_mock/ui/data/returns``: a merchant's returns newest first (the public list
  is oldest first), read from the same id-ordered tables and status index, so a page
  costs the same at any depth and with any number of returns;
- ``GET /_mock/ui/data/products`` and ``.../orders``: the same for the catalogue
  (through the public API, the dashboard's reads would fill the request journal);
- ``GET /_mock/ui/data/returns/{returnId}``: one return with what the API shows of it
  only in pieces or not at all: every status change of the return, its warehouse
  report, refunds and exchanges (the timeline), and the lifecycle helpers its
  status allows, read from the lifecycle table.

Everything else (acting, webhook deliveries, the clock) the page does through the
public and control APIs, as any client would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response
from mock_ingrid.api.paging import ById, in_id_order
from mock_ingrid.api.query import enum_param, int_param
from mock_ingrid.control.common import acting_merchant, control_endpoint
from mock_ingrid.control.lifecycle import RETURN_HELPER_EVENTS
from mock_ingrid.domain.advance import path_to
from mock_ingrid.domain.lifecycle import (
    EXCHANGE_LIFECYCLE,
    REFUND_LIFECYCLE,
    RETURN_LIFECYCLE,
    Lifecycle,
    ReportStatus,
    ReturnStatus,
)
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import HasHistory, Return
from mock_ingrid.views import current as render

# The action the page offers (the public API's confirm, /_mock's fail, retry and
# cancel) -> the lifecycle event it takes: offered when the lifecycle allows it.
REFUND_ACTIONS = (REFUND_LIFECYCLE, {"complete": "complete", "fail": "fail", "retry": "retry"})
EXCHANGE_ACTIONS = (EXCHANGE_LIFECYCLE, {"complete": "complete", "cancel": "cancel"})
T = TypeVar("T")
DEFAULT_SIZE = 25
MAX_SIZE = 100


@control_endpoint
async def dashboard_returns(request: Request) -> Response:
    """A page of a merchant's returns, newest first, optionally in one status."""
    m = acting_merchant(request)
    page, size = _paging(request)
    status = enum_param(request, "status", ReturnStatus)
    return json_response(returns_page(m, status, page, size))


def returns_page(m: Merchant, status: str | None, page: int, size: int) -> dict[str, Any]:
    """What ``GET /_mock/ui/data/returns`` answers (the dashboard page carries the
    first one, so that its list is drawn without a round trip)."""
    ordered: Sequence[Return] | None
    if status is not None:
        ordered = ById(m.status_index["return"].get(status, ()), m.returns)
    else:
        ordered = in_id_order(m, "return", m.returns)
    return _page(m.returns, ordered, _summary, page, size)


@control_endpoint
async def dashboard_products(request: Request) -> Response:
    """A page of a merchant's products, newest first (read here: the dashboard's
    reads through the public API would fill the request journal)."""
    m = acting_merchant(request)
    page, size = _paging(request)
    return json_response(_page(m.products, None, render.product, page, size))


@control_endpoint
async def dashboard_orders(request: Request) -> Response:
    """A page of a merchant's orders, newest first."""
    m = acting_merchant(request)
    page, size = _paging(request)
    return json_response(_page(m.orders, None, render.order, page, size))


def _paging(request: Request) -> tuple[int, int]:
    page = int_param(request, "page", 0, 0, 10_000_000) or 0
    return page, int_param(request, "size", DEFAULT_SIZE, 1, MAX_SIZE) or DEFAULT_SIZE


def _page(
    table: dict[str, T],
    ordered: Sequence[T] | None,
    to_json: Callable[[T], dict[str, Any]],
    page: int,
    size: int,
) -> dict[str, Any]:
    """Page ``page`` of ``ordered`` (the table in creation order) taken from its end;
    without ``ordered`` (ids that are not "1".."n", or a table of the merchant's own
    ids), the table's insertion order walked from the newest: a cost per page read."""
    if ordered is None:
        chosen = list(islice(reversed(table.values()), page * size, (page + 1) * size))
        total = len(table)
    else:
        total = len(ordered)
        end = max(0, total - page * size)
        chosen = list(reversed(ordered[max(0, end - size) : end]))
    return {
        "data": [to_json(item) for item in chosen],
        "page": page,
        "size": size,
        "total": total,
        "hasNext": (page + 1) * size < total,
    }


def _summary(ret: Return) -> dict[str, Any]:
    return {
        "returnId": ret.return_id,
        "orderId": ret.order_id,
        "status": ret.status,
        "units": sum(item.quantity for item in ret.items),
        "createdAt": ret.created_at,
    }


@control_endpoint
async def dashboard_return(request: Request) -> Response:
    m = acting_merchant(request)
    ret = m.require_return(str(request.path_params["returnId"]))
    report = m.reports.get(ret.report_id) if ret.report_id else None
    refunds = [m.refunds[refund_id] for refund_id in ret.refund_ids]
    exchanges = [m.exchanges[exchange_id] for exchange_id in ret.exchange_ids]
    entities: list[tuple[str, str, HasHistory]] = [("return", ret.return_id, ret)]
    if report is not None:
        entities.append(("report", report.report_id, report))
    entities += [("refund", r.refund_id, r) for r in refunds]
    entities += [("exchange", e.exchange_id, e) for e in exchanges]
    return json_response(
        {
            "return": render.return_(ret),
            "helpers": allowed_helpers(ret.status),
            "advanceTo": advance_targets(ret.status),
            "inspection": _inspection(ret, report),
            "report": render.warehouse_report(report, report.status) if report else None,
            "refunds": [
                {
                    "refundTransaction": render.refund_transaction(r),
                    "actions": _actions(REFUND_ACTIONS, r.status),
                }
                for r in refunds
            ],
            "exchanges": [
                {
                    "exchangeOrder": render.exchange_order(e),
                    "actions": _actions(EXCHANGE_ACTIONS, e.status),
                }
                for e in exchanges
            ],
            "timeline": _timeline(entities),
        }
    )


def allowed_helpers(status: str) -> list[str]:
    """The return helpers whose lifecycle event the status allows (``advance`` aside)."""
    return [
        name for name, event in RETURN_HELPER_EVENTS.items() if RETURN_LIFECYCLE.can(status, event)
    ]


def _actions(actions: tuple[Lifecycle, dict[str, str]], status: str) -> list[str]:
    lifecycle, events = actions
    return [name for name, event in events.items() if lifecycle.can(status, event)]


def advance_targets(status: str) -> list[str]:
    """Where ``/_mock/returns/{id}/advance`` can take a return from ``status``."""
    return [target for target in ReturnStatus if target != status and path_to(status, target)]


def _inspection(ret: Return, report: Any) -> dict[str, Any]:
    """Whether the backoffice check applies: the return arrived and no report was
    filed yet (``file``), or a filed one waits for its review (``review``)."""
    if report is not None:
        stage = "review" if report.status == ReportStatus.AWAITING_REVIEW else "done"
    elif ret.status == ReturnStatus.RECEIVED:
        stage = "file"
    else:
        stage = "none"
    return {
        "stage": stage,
        "items": [
            {
                "returnItemId": item.return_item_id,
                "orderLineItemId": item.order_line_item_id,
                "quantity": item.quantity,
                "status": item.status,
            }
            for item in ret.items
            if not item.settles_without_receipt
        ],
    }


def _timeline(entities: Iterable[tuple[str, str, HasHistory]]) -> list[dict[str, Any]]:
    """Every status change of the return and what hangs off it, oldest first (a
    stable sort: changes of one instant keep the order they were made in)."""
    rows = [
        {
            "at": change.at,
            "entity": kind,
            "entityId": entity_id,
            "event": change.event,
            "from": change.source,
            "to": change.target,
        }
        for kind, entity_id, entity in entities
        for change in entity.history  # type: ignore[attr-defined]
    ]
    rows.sort(key=lambda row: row["at"])
    return rows
