"""Operations 12-15: returns, cancellation and warehouse reports."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_model
from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.current.listing import status_page
from mock_ingrid.api.current.schemas import WarehouseReportBody
from mock_ingrid.api.endpoint import api_endpoint, json_response
from mock_ingrid.domain import returns, warehouse
from mock_ingrid.domain.lifecycle import ReportStatus, ReturnStatus
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.views import current as render

endpoint = api_endpoint(ERRORS)


@endpoint
async def list_returns(request: Request, m: Merchant) -> Response:
    return status_page(request, m, "return", m.returns, render.return_, ReturnStatus)


@endpoint
async def get_return(request: Request, m: Merchant) -> Response:
    return json_response(render.return_(m.require_return(request.path_params["returnId"])))


@endpoint
async def cancel_return(request: Request, m: Merchant) -> Response:
    cancelled = returns.cancel_return(m, request.path_params["returnId"])
    return json_response(render.return_(cancelled))


@endpoint
async def create_warehouse_report(request: Request, m: Merchant) -> Response:
    body = await read_model(request, WarehouseReportBody)
    reports = warehouse.submit_reports(m, body.to_command())
    # The reference answers every accepted report as PROCESSING; what processing
    # did is visible on the return and its refund transaction.
    if body.return_id is None and body.shipment_tracking_reference is None:
        # Matched by orderId alone: the answer says which returns it went to.
        return json_response(render.spread_report(reports, ReportStatus.PROCESSING), 201)
    return json_response(render.warehouse_report(reports[0], ReportStatus.PROCESSING), 201)
