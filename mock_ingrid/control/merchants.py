"""``/_mock/merchants``, ``/_mock/reset``, ``/_mock/state`` and ``/_mock/fixtures``."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_text, validate_model
from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.types import WIRE_CONFIG
from mock_ingrid.control.common import (
    DOCUMENT_BODY_LIMIT,
    read_control_body,
    read_document,
    require_accepted,
    require_accepted_merchants,
)
from mock_ingrid.domain.errors import Problem
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions, MerchantSettings
from mock_ingrid.fixtures import FixtureError, SettingsSpec, _Model, load_fixture_data
from mock_ingrid.jsonio import JsonSyntaxError
from mock_ingrid.snapshot import SnapshotError, encode_state, read_merchants
from mock_ingrid.state_file import StateFileError

Json = dict[str, Any]


class MerchantBody(_Model):
    api_key: Annotated[str, Field(min_length=1, max_length=255)]
    settings: SettingsSpec | None = None


class SettingsPatch(SettingsSpec):
    """Only the settings sent change."""

    model_config = WIRE_CONFIG | {"extra": "forbid"}


def settings_json(s: MerchantSettings) -> Json:
    return {
        "currency": s.currency,
        "returnShipmentCost": s.deductions.return_shipment_cost,
        "returnHandlingCost": s.deductions.return_handling_cost,
        "deductionsByCurrency": {
            code: _deductions_json(d) for code, d in s.deductions_by_currency.items()
        },
        "returnWindowDays": s.return_window_days,
        "refundShipping": s.refund_shipping,
        "exchangeCost": s.exchange_cost,
        "autoConfirmReturns": s.auto_confirm_returns,
        "carrier": s.carrier,
    }


def _deductions_json(d: Deductions) -> Json:
    return {
        "returnShipmentCost": d.return_shipment_cost,
        "returnHandlingCost": d.return_handling_cost,
    }


def merchant_json(m: Merchant) -> Json:
    return {
        "apiKey": m.key,
        "settings": settings_json(m.settings),
        "counts": {
            "products": len(m.products),
            "orders": len(m.orders),
            "returns": len(m.returns),
            "warehouseReports": len(m.reports),
            "refundTransactions": len(m.refunds),
            "exchanges": len(m.exchanges),
        },
    }


def _require_merchant(request: Request) -> Merchant:
    key = request.path_params["apiKey"]
    found = runtime_of(request).state.merchants.get(key)
    if found is None:
        raise ApiError(404, "MERCHANT_NOT_FOUND", f"merchant '{key}' was not found")
    return found


async def list_merchants(request: Request) -> Response:
    merchants = runtime_of(request).state.merchants.values()
    return json_response({"data": [merchant_json(m) for m in merchants]})


async def create_merchant(request: Request) -> Response:
    body = await read_control_body(request, MerchantBody, nullable={"settings"})
    runtime = runtime_of(request)
    require_accepted(runtime.settings.api_keys, body.api_key, "apiKey", "body")
    if body.api_key in runtime.state.merchants:
        raise ApiError(
            409,
            "MERCHANT_EXISTS",
            f"merchant '{body.api_key}' exists; change it with PATCH /_mock/merchants/{{apiKey}}",
        )
    merchant = runtime.state.merchant(body.api_key)
    if body.settings is not None:
        merchant.settings = body.settings.to_settings()
    return json_response(merchant_json(merchant), 201)


async def get_merchant(request: Request) -> Response:
    return json_response(merchant_json(_require_merchant(request)))


async def patch_merchant_settings(request: Request) -> Response:
    merchant = _require_merchant(request)
    patch = await read_control_body(request, SettingsPatch, nullable={"returnWindowDays"})
    merged = {
        **settings_json(merchant.settings),
        **patch.model_dump(by_alias=True, exclude_unset=True),
    }
    merchant.settings = validate_model(SettingsSpec, merged).to_settings()
    return json_response(merchant_json(merchant))


async def reset_merchant(request: Request) -> Response:
    """Forget the merchant's data and id sequences; its settings stay."""
    merchant = _require_merchant(request)
    runtime_of(request).reset_merchant(merchant.key)
    return json_response(merchant_json(runtime_of(request).state.merchant(merchant.key)))


async def reset_everything(request: Request) -> Response:
    """Back to the state the server started with (its fixtures, or nothing)."""
    runtime = runtime_of(request)
    runtime.reset()
    return json_response({"merchants": len(runtime.state.merchants)})


async def export_snapshot(request: Request) -> Response:
    runtime = runtime_of(request)
    key = request.query_params.get("merchant")
    if key is not None and key not in runtime.state.merchants:
        raise ApiError(404, "MERCHANT_NOT_FOUND", f"merchant '{key}' was not found")
    # (already JSON: written as is, not rendered again)
    return Response(b"".join(encode_state(runtime.state, key)), media_type="application/json")


async def replace_snapshot(request: Request) -> Response:
    """Replace the whole state with an exported one."""
    return await _import(request, replace=True)


async def merge_snapshot(request: Request) -> Response:
    """Add (or replace) the merchants of an exported state, keep the others."""
    return await _import(request, replace=False)


async def _import(request: Request, replace: bool) -> Response:
    runtime = runtime_of(request)
    limit = max(runtime.settings.max_body_bytes, DOCUMENT_BODY_LIMIT)
    text = await read_text(request, limit)
    try:
        merchants, _ = read_merchants(runtime.state, text)
    except JsonSyntaxError as exc:
        raise ApiError(
            400, "MALFORMED_JSON", f"the request body is not valid JSON: {exc}"
        ) from None
    except SnapshotError as exc:
        problem = Problem(exc.path, exc.code, exc.message, location="body")
        raise ApiError(400, "INVALID_SNAPSHOT", str(exc), [problem]) from None
    del text  # before the merchants are installed: the peak is the body or the state
    for index, merchant in enumerate(merchants):  # checked before anything is installed
        path = f"$.merchants[{index}].apiKey"
        require_accepted(runtime.settings.api_keys, merchant.key, path, "body")
    keys = runtime.import_merchants(merchants, replace=replace)
    runtime.run_due()
    return json_response({"merchants": keys})


async def save_state(request: Request) -> Response:
    """Save the state file now; answers once it is on disk (fsynced)."""
    persistence = runtime_of(request).persistence
    if persistence.file is None:
        raise ApiError(
            409,
            "NO_STATE_FILE",
            "this server has no state file to save to: start it with --state-file PATH "
            "(or MOCK_INGRID_STATE_FILE)",
        )
    try:
        saved = await persistence.save()
    except StateFileError as exc:
        raise ApiError(500, "STATE_NOT_SAVED", f"the state was not saved: {exc}") from None
    assert saved is not None
    return json_response(
        {"path": str(saved.path), "bytes": saved.size, "merchants": saved.merchants}
    )


async def load_fixture(request: Request) -> Response:
    """Load a fixture document (the format of ``fixtures/``): all or nothing, no webhooks."""
    data = await read_document(request)
    require_accepted_merchants(request, data)
    runtime = runtime_of(request)
    try:
        keys = load_fixture_data(runtime.state, data, "request body")
    except FixtureError as exc:
        problems = [dataclasses.replace(p, location="body") for p in exc.problems]
        raise ApiError(400, "INVALID_FIXTURE", str(exc), problems) from None
    runtime.progression.schedule_existing(keys)
    runtime.run_due()
    return json_response({"merchants": keys})
