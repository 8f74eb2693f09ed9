"""``/_mock/...`` lifecycle helpers: make happen what, in real life, carriers,
warehouses, reviewers and customer portals do. Each answers the entity as the
current API shows it; an illegal step gets the same error as the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response
from mock_ingrid.api.types import WIRE_CONFIG, Identifier, ShortText
from mock_ingrid.control.common import acting_merchant, control_endpoint, read_control_body
from mock_ingrid.domain import advance, returns, settlement, warehouse
from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.domain.lifecycle import ReturnStatus
from mock_ingrid.fixtures import FixtureReturnItem
from mock_ingrid.views import current as render

# The return lifecycle's event each helper of ``/_mock/returns/{returnId}/...`` takes
# (``advance`` walks several: it is offered while a later status can be reached).
# What the dashboard offers for a return's status is read from the lifecycle table
# through these, never kept as a second table.
RETURN_HELPER_EVENTS = {
    "confirm": "confirm",
    "label-ready": "label_ready",
    "in-transit": "scan_in_transit",
    "deliver": "receive",
    "lost-in-transit": "lose_in_transit",
    "no-return-needed": "waive_return",
}


class _Body(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}


class LabelBody(_Body):
    tracking_reference: ShortText | None = None
    carrier: ShortText | None = None


class KeepItemsBody(_Body):
    return_item_ids: Annotated[list[Identifier], Field(min_length=1)]


class AdvanceBody(_Body):
    # Not strict: the wire sends the status as a string, the enum's value.
    status: Annotated[ReturnStatus, Field(strict=False)]


class ReturnWithExchangeBody(_Body):
    items: Annotated[list[FixtureReturnItem], Field(min_length=1, max_length=1_000)]
    customer_note: str | None = None


def _return_id(request: Request) -> str:
    return str(request.path_params["returnId"])


@control_endpoint
async def confirm_return(request: Request) -> Response:
    ret = returns.confirm_return(acting_merchant(request), _return_id(request))
    return json_response(render.return_(ret))


@control_endpoint
async def label_ready(request: Request) -> Response:
    body = await read_control_body(request, LabelBody, required=False)
    m = acting_merchant(request)
    ret = returns.mark_label_ready(m, _return_id(request), body.tracking_reference, body.carrier)
    return json_response(render.return_(ret))


@control_endpoint
async def scan_in_transit(request: Request) -> Response:
    ret = returns.scan_in_transit(acting_merchant(request), _return_id(request))
    return json_response(render.return_(ret))


@control_endpoint
async def deliver(request: Request) -> Response:
    ret = returns.deliver_to_warehouse(acting_merchant(request), _return_id(request))
    return json_response(render.return_(ret))


@control_endpoint
async def lose_in_transit(request: Request) -> Response:
    ret = returns.lose_in_transit(acting_merchant(request), _return_id(request))
    return json_response(render.return_(ret))


@control_endpoint
async def no_return_needed(request: Request) -> Response:
    body = await read_control_body(request, KeepItemsBody)
    m = acting_merchant(request)
    ret = returns.mark_no_return_needed(m, _return_id(request), body.return_item_ids)
    return json_response(render.return_(ret))


@control_endpoint
async def advance_return(request: Request) -> Response:
    body = await read_control_body(request, AdvanceBody)
    ret = advance.advance_return(acting_merchant(request), _return_id(request), body.status)
    return json_response(render.return_(ret))


@control_endpoint
async def create_return_with_exchange(request: Request) -> Response:
    """What the customer portal does: a return whose items may ask for another variant."""
    body = await read_control_body(request, ReturnWithExchangeBody)
    m = acting_merchant(request)
    order_id = str(request.path_params["orderId"])
    m.require_order(order_id)
    items = [
        ReturnItemInput(
            item.order_line_item_id,
            item.quantity,
            item.reason.code if item.reason else None,
            item.reason.sub_reason_code if item.reason else None,
            item.exchange_to.product_id if item.exchange_to else None,
            item.exchange_to.variant_id if item.exchange_to else None,
        )
        for item in body.items
    ]
    ret = returns.create_return(m, order_id, items, body.customer_note)
    return json_response(render.return_(ret), 201)


@control_endpoint
async def approve_review(request: Request) -> Response:
    report = warehouse.approve_review(acting_merchant(request), request.path_params["reportId"])
    return json_response(render.warehouse_report(report, report.status))


@control_endpoint
async def reject_review(request: Request) -> Response:
    report = warehouse.reject_review(acting_merchant(request), request.path_params["reportId"])
    return json_response(render.warehouse_report(report, report.status))


@control_endpoint
async def get_report(request: Request) -> Response:
    m = acting_merchant(request)
    report = m.require_report(request.path_params["reportId"])
    return json_response(render.warehouse_report(report, report.status))


@control_endpoint
async def fail_refund(request: Request) -> Response:
    m = acting_merchant(request)
    refund = settlement.fail_refund(m, request.path_params["refundTransactionId"])
    return json_response(render.refund_transaction(refund))


@control_endpoint
async def retry_refund(request: Request) -> Response:
    m = acting_merchant(request)
    refund = settlement.retry_refund(m, request.path_params["refundTransactionId"])
    return json_response(render.refund_transaction(refund))


@control_endpoint
async def cancel_exchange(request: Request) -> Response:
    m = acting_merchant(request)
    exchange = settlement.cancel_exchange(m, request.path_params["exchangeOrderId"])
    return json_response(render.exchange_order(exchange))
