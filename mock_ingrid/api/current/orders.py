"""Operations 6-11: orders and the returns created from them."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_model, validate_model
from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.current.listing import page_response
from mock_ingrid.api.current.schemas import OrderBody, OrderPatch, ReturnCreateBody
from mock_ingrid.api.endpoint import api_endpoint, json_response
from mock_ingrid.domain import orders, returns
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Order
from mock_ingrid.views import current as render

endpoint = api_endpoint(ERRORS)


@endpoint
async def upsert_order(request: Request, m: Merchant) -> Response:
    body = await read_model(request, OrderBody)
    order, created = orders.upsert_order(m, body.to_command())
    return json_response(render.order(order), 201 if created else 200)


@endpoint
async def list_orders(request: Request, m: Merchant) -> Response:
    return page_response(request, m.orders.values(), render.order, when=_ordered_at)


@endpoint
async def get_order(request: Request, m: Merchant) -> Response:
    return json_response(render.order(m.require_order(request.path_params["orderId"])))


@endpoint
async def patch_order(request: Request, m: Merchant) -> Response:
    """Only the fields sent change: the stored order with the patch laid over it."""
    order = m.require_order(request.path_params["orderId"])
    patch = await read_model(request, OrderPatch)
    merged = {**render.order(order), **patch.model_dump(by_alias=True, exclude_unset=True)}
    body = validate_model(OrderBody, {**merged, "orderId": order.order_id})
    updated, _ = orders.upsert_order(m, body.to_command())
    return json_response(render.order(updated))


@endpoint
async def list_order_returns(request: Request, m: Merchant) -> Response:
    order = m.require_order(request.path_params["orderId"])
    return page_response(request, m.returns_of_order(order.order_id), render.return_)


@endpoint
async def create_return(request: Request, m: Merchant) -> Response:
    order_id = request.path_params["orderId"]
    m.require_order(order_id)
    body = await read_model(request, ReturnCreateBody)
    created = returns.create_return(
        m, order_id, [item.to_command() for item in body.items], body.customer_note
    )
    return json_response(render.return_(created), 201)


def _ordered_at(order: Order) -> datetime:
    return order.ordered_at
