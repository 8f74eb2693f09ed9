"""``/_mock/*``: never an Ingrid path. GET here never changes state.

Handlers are named, not imported: each module loads on its first request (``resource``)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from mock_ingrid import __version__
from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.resource import resource
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


ROUTES: list[BaseRoute] = [
    resource("/_mock/health", get=health),
    resource("/_mock/openapi/{document}.json", get=openapi_document),
    resource(
        "/_mock/webhooks/subscriptions",
        get="mock_ingrid.control.webhooks:list_subscriptions",
        post="mock_ingrid.control.webhooks:create_subscription",
    ),
    resource(
        "/_mock/webhooks/subscriptions/{subscriptionId}",
        get="mock_ingrid.control.webhooks:get_subscription",
        delete="mock_ingrid.control.webhooks:delete_subscription",
    ),
    resource(
        "/_mock/webhooks/subscriptions/{subscriptionId}/enable",
        post="mock_ingrid.control.webhooks:enable_subscription",
    ),
    resource("/_mock/webhooks/events", get="mock_ingrid.control.webhooks:list_events"),
    resource("/_mock/webhooks/events/{eventId}", get="mock_ingrid.control.webhooks:get_event"),
    resource(
        "/_mock/webhooks/events/{eventId}/resend", post="mock_ingrid.control.webhooks:resend_event"
    ),
    resource("/_mock/webhooks/deliveries", get="mock_ingrid.control.webhooks:list_deliveries"),
    resource(
        "/_mock/webhooks/deliveries/{deliveryId}", get="mock_ingrid.control.webhooks:get_delivery"
    ),
    resource("/_mock/webhooks/status", get="mock_ingrid.control.webhooks:webhooks_status"),
    resource("/_mock/webhooks/pause", post="mock_ingrid.control.webhooks:pause_deliveries"),
    resource("/_mock/webhooks/resume", post="mock_ingrid.control.webhooks:resume_deliveries"),
    resource("/_mock/webhooks/flush", post="mock_ingrid.control.webhooks:flush_deliveries"),
    resource(
        "/_mock/faults",
        get="mock_ingrid.control.diagnostics_handlers:list_faults",
        post="mock_ingrid.control.diagnostics_handlers:create_fault",
        delete="mock_ingrid.control.diagnostics_handlers:clear_faults",
    ),
    resource(
        "/_mock/faults/{faultId}",
        get="mock_ingrid.control.diagnostics_handlers:get_fault",
        delete="mock_ingrid.control.diagnostics_handlers:delete_fault",
    ),
    resource(
        "/_mock/journal",
        get="mock_ingrid.control.diagnostics_handlers:list_journal",
        delete="mock_ingrid.control.diagnostics_handlers:clear_journal",
    ),
    resource(
        "/_mock/journal/verify", post="mock_ingrid.control.diagnostics_handlers:verify_journal"
    ),
    # lifecycle helpers (the merchant: x-api-key header or ?merchant=)
    resource(
        "/_mock/returns/{returnId}/confirm", post="mock_ingrid.control.lifecycle:confirm_return"
    ),
    resource(
        "/_mock/returns/{returnId}/label-ready", post="mock_ingrid.control.lifecycle:label_ready"
    ),
    resource(
        "/_mock/returns/{returnId}/in-transit", post="mock_ingrid.control.lifecycle:scan_in_transit"
    ),
    resource("/_mock/returns/{returnId}/deliver", post="mock_ingrid.control.lifecycle:deliver"),
    resource(
        "/_mock/returns/{returnId}/lost-in-transit",
        post="mock_ingrid.control.lifecycle:lose_in_transit",
    ),
    resource(
        "/_mock/returns/{returnId}/no-return-needed",
        post="mock_ingrid.control.lifecycle:no_return_needed",
    ),
    resource(
        "/_mock/returns/{returnId}/advance", post="mock_ingrid.control.lifecycle:advance_return"
    ),
    resource(
        "/_mock/orders/{orderId}/returns",
        post="mock_ingrid.control.lifecycle:create_return_with_exchange",
    ),
    resource("/_mock/warehouse-reports/{reportId}", get="mock_ingrid.control.lifecycle:get_report"),
    resource(
        "/_mock/warehouse-reports/{reportId}/approve",
        post="mock_ingrid.control.lifecycle:approve_review",
    ),
    resource(
        "/_mock/warehouse-reports/{reportId}/reject",
        post="mock_ingrid.control.lifecycle:reject_review",
    ),
    resource(
        "/_mock/refund-transactions/{refundTransactionId}/fail",
        post="mock_ingrid.control.lifecycle:fail_refund",
    ),
    resource(
        "/_mock/refund-transactions/{refundTransactionId}/retry",
        post="mock_ingrid.control.lifecycle:retry_refund",
    ),
    resource(
        "/_mock/exchanges/{exchangeOrderId}/cancel",
        post="mock_ingrid.control.lifecycle:cancel_exchange",
    ),
    # time and progression
    resource("/_mock/clock", get="mock_ingrid.control.clock:get_clock"),
    resource("/_mock/clock/freeze", post="mock_ingrid.control.clock:freeze_clock"),
    resource("/_mock/clock/resume", post="mock_ingrid.control.clock:resume_clock"),
    resource("/_mock/clock/set", post="mock_ingrid.control.clock:set_clock"),
    resource("/_mock/clock/advance", post="mock_ingrid.control.clock:advance_clock"),
    resource(
        "/_mock/progression",
        get="mock_ingrid.control.clock:get_progression",
        put="mock_ingrid.control.clock:set_progression",
    ),
    # merchants, resets, state, fixtures
    resource(
        "/_mock/merchants",
        get="mock_ingrid.control.merchants:list_merchants",
        post="mock_ingrid.control.merchants:create_merchant",
    ),
    resource(
        "/_mock/merchants/{apiKey}",
        get="mock_ingrid.control.merchants:get_merchant",
        patch="mock_ingrid.control.merchants:patch_merchant_settings",
    ),
    resource(
        "/_mock/merchants/{apiKey}/reset", post="mock_ingrid.control.merchants:reset_merchant"
    ),
    resource("/_mock/reset", post="mock_ingrid.control.merchants:reset_everything"),
    resource(
        "/_mock/state",
        get="mock_ingrid.control.merchants:export_snapshot",
        put="mock_ingrid.control.merchants:replace_snapshot",
        post="mock_ingrid.control.merchants:merge_snapshot",
    ),
    resource("/_mock/state/save", post="mock_ingrid.control.merchants:save_state"),
    resource("/_mock/fixtures", post="mock_ingrid.control.merchants:load_fixture"),
]
