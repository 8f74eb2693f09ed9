"""Operations 16-21: refund transactions and exchange orders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_model
from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.current.listing import status_page
from mock_ingrid.api.current.schemas import ExchangeCompleteBody, RefundCompleteBody
from mock_ingrid.api.endpoint import api_endpoint, json_response
from mock_ingrid.domain import settlement
from mock_ingrid.domain.lifecycle import ExchangeStatus, RefundStatus
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.views import current as render

endpoint = api_endpoint(ERRORS)


@endpoint
async def list_refund_transactions(request: Request, m: Merchant) -> Response:
    return status_page(request, m, "refund", m.refunds, render.refund_transaction, RefundStatus)


@endpoint
async def get_refund_transaction(request: Request, m: Merchant) -> Response:
    refund = m.require_refund(request.path_params["refundTransactionId"])
    return json_response(render.refund_transaction(refund))


@endpoint
async def complete_refund_transaction(request: Request, m: Merchant) -> Response:
    refund_id = request.path_params["refundTransactionId"]
    m.require_refund(refund_id)
    body = await read_model(request, RefundCompleteBody)
    refund = settlement.complete_refund(
        m, refund_id, body.amount, body.currency_code, body.transaction_id
    )
    return json_response(render.refund_transaction(refund))


@endpoint
async def list_exchanges(request: Request, m: Merchant) -> Response:
    return status_page(request, m, "exchange", m.exchanges, render.exchange_order, ExchangeStatus)


@endpoint
async def get_exchange(request: Request, m: Merchant) -> Response:
    return json_response(
        render.exchange_order(m.require_exchange(request.path_params["exchangeOrderId"]))
    )


@endpoint
async def complete_exchange(request: Request, m: Merchant) -> Response:
    exchange_id = request.path_params["exchangeOrderId"]
    m.require_exchange(exchange_id)
    body = await read_model(request, ExchangeCompleteBody)
    exchange = settlement.complete_exchange(
        m,
        exchange_id,
        body.completed_order_id,
        body.completed_order_number,
        body.completed_order_name,
    )
    return json_response(render.exchange_order(exchange))
