"""``/_mock/*``: never an Ingrid path. GET here never changes state."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_ingrid import __version__
from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.resource import resource
from mock_ingrid.control import (
    clock,
    diagnostics_handlers,
    lifecycle,
    merchants,
    recording,
    scenarios,
    webhooks,
)
from mock_ingrid.control.guard import exposure_warning

DOCUMENTS = ("current", "legacy", "control")


@cache
def spec_bytes(name: str) -> bytes:
    return resources.files("mock_ingrid.spec").joinpath(f"{name}.json").read_bytes()


async def health(request: Request) -> Response:
    """Also what is unsafe about how the server runs (``warnings``, usually empty)."""
    exposed = exposure_warning(runtime_of(request).settings)
    warnings = [{"code": "CONTROL_UNPROTECTED", "message": exposed}] if exposed else []
    return json_response({"status": "ok", "version": __version__, "warnings": warnings})


async def openapi_document(request: Request) -> Response:
    name = request.path_params["document"]
    if name not in DOCUMENTS:
        raise ApiError(
            404, "DOCUMENT_NOT_FOUND", f"no OpenAPI document '{name}'; try {', '.join(DOCUMENTS)}"
        )
    return Response(spec_bytes(name), media_type="application/json")


ROUTES: list[Route] = [
    resource("/_mock/health", get=health),
    resource("/_mock/openapi/{document}.json", get=openapi_document),
    resource(
        "/_mock/webhooks/subscriptions",
        get=webhooks.list_subscriptions,
        post=webhooks.create_subscription,
    ),
    resource(
        "/_mock/webhooks/subscriptions/{subscriptionId}",
        get=webhooks.get_subscription,
        delete=webhooks.delete_subscription,
    ),
    resource(
        "/_mock/webhooks/subscriptions/{subscriptionId}/enable", post=webhooks.enable_subscription
    ),
    resource("/_mock/webhooks/events", get=webhooks.list_events),
    resource("/_mock/webhooks/events/{eventId}", get=webhooks.get_event),
    resource("/_mock/webhooks/events/{eventId}/resend", post=webhooks.resend_event),
    resource("/_mock/webhooks/deliveries", get=webhooks.list_deliveries),
    resource("/_mock/webhooks/deliveries/{deliveryId}", get=webhooks.get_delivery),
    resource("/_mock/webhooks/status", get=webhooks.webhooks_status),
    resource("/_mock/webhooks/pause", post=webhooks.pause_deliveries),
    resource("/_mock/webhooks/resume", post=webhooks.resume_deliveries),
    resource("/_mock/webhooks/flush", post=webhooks.flush_deliveries),
    resource(
        "/_mock/faults",
        get=diagnostics_handlers.list_faults,
        post=diagnostics_handlers.create_fault,
        delete=diagnostics_handlers.clear_faults,
    ),
    resource(
        "/_mock/faults/{faultId}",
        get=diagnostics_handlers.get_fault,
        delete=diagnostics_handlers.delete_fault,
    ),
    resource(
        "/_mock/journal",
        get=diagnostics_handlers.list_journal,
        delete=diagnostics_handlers.clear_journal,
    ),
    resource("/_mock/journal/verify", post=diagnostics_handlers.verify_journal),
    # lifecycle helpers (the merchant: x-api-key header or ?merchant=)
    resource("/_mock/returns/{returnId}/confirm", post=lifecycle.confirm_return),
    resource("/_mock/returns/{returnId}/label-ready", post=lifecycle.label_ready),
    resource("/_mock/returns/{returnId}/in-transit", post=lifecycle.scan_in_transit),
    resource("/_mock/returns/{returnId}/deliver", post=lifecycle.deliver),
    resource("/_mock/returns/{returnId}/lost-in-transit", post=lifecycle.lose_in_transit),
    resource("/_mock/returns/{returnId}/no-return-needed", post=lifecycle.no_return_needed),
    resource("/_mock/returns/{returnId}/advance", post=lifecycle.advance_return),
    resource("/_mock/orders/{orderId}/returns", post=lifecycle.create_return_with_exchange),
    resource("/_mock/warehouse-reports/{reportId}", get=lifecycle.get_report),
    resource("/_mock/warehouse-reports/{reportId}/approve", post=lifecycle.approve_review),
    resource("/_mock/warehouse-reports/{reportId}/reject", post=lifecycle.reject_review),
    resource("/_mock/refund-transactions/{refundTransactionId}/fail", post=lifecycle.fail_refund),
    resource("/_mock/refund-transactions/{refundTransactionId}/retry", post=lifecycle.retry_refund),
    resource("/_mock/exchanges/{exchangeOrderId}/cancel", post=lifecycle.cancel_exchange),
    # time and progression
    resource("/_mock/clock", get=clock.get_clock),
    resource("/_mock/clock/freeze", post=clock.freeze_clock),
    resource("/_mock/clock/resume", post=clock.resume_clock),
    resource("/_mock/clock/set", post=clock.set_clock),
    resource("/_mock/clock/advance", post=clock.advance_clock),
    resource("/_mock/progression", get=clock.get_progression, put=clock.set_progression),
    # merchants, resets, state, fixtures
    resource("/_mock/merchants", get=merchants.list_merchants, post=merchants.create_merchant),
    resource(
        "/_mock/merchants/{apiKey}",
        get=merchants.get_merchant,
        patch=merchants.patch_merchant_settings,
    ),
    resource("/_mock/merchants/{apiKey}/reset", post=merchants.reset_merchant),
    resource("/_mock/reset", post=merchants.reset_everything),
    resource(
        "/_mock/state",
        get=merchants.export_snapshot,
        put=merchants.replace_snapshot,
        post=merchants.merge_snapshot,
    ),
    resource("/_mock/state/save", post=merchants.save_state),
    resource("/_mock/fixtures", post=merchants.load_fixture),
    # demo to test: a recording exported as a scenario
    resource("/_mock/recording", get=recording.get_recording),
    resource("/_mock/recording/start", post=recording.start_recording),
    resource("/_mock/recording/stop", post=recording.stop_recording),
    resource("/_mock/recording/export", get=recording.export_recording),
    # the shipped scenarios, run against this server
    resource("/_mock/scenarios", get=scenarios.list_shipped),
    resource("/_mock/scenarios/runs", get=scenarios.list_runs, post=scenarios.start_uploaded_run),
    resource("/_mock/scenarios/runs/{runId}", get=scenarios.get_run),
    resource("/_mock/scenarios/{name}/runs", post=scenarios.start_run),
]
