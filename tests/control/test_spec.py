"""control.json: valid OpenAPI 3.1 documenting every ``/_mock`` route and method, exactly.

Responses are checked against it by every in-process test (``helpers.check_response``
and the ``client`` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from starlette.routing import Route

from mock_ingrid.control import clock, lifecycle, merchants
from mock_ingrid.control.diagnostics_handlers import FaultBody, VerifyBody
from mock_ingrid.control.routes import ROUTES
from mock_ingrid.ui.routes import ROUTES as UI_ROUTES
from tests.oracle import ORACLES, load_spec

SPEC: dict[str, Any] = load_spec("control")
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_the_document_is_valid_openapi_3_1() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(SPEC)


def test_every_route_and_method_is_documented_and_nothing_else() -> None:
    served = {
        (method.lower(), route.path)
        for route in [*ROUTES, *UI_ROUTES]
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {
        (method, path)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert served == documented


def test_the_admin_token_is_described() -> None:
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["adminToken"]["name"] == "x-mock-admin-token"
    assert "--admin-token" in SPEC["info"]["description"]
    assert {} in SPEC["security"]  # optional: only with --admin-token


def test_entities_use_the_current_api_schemas() -> None:
    current = load_spec("current")["components"]["schemas"]
    for name in ("Return", "WarehouseReport", "RefundTransaction", "ExchangeOrder"):
        assert SPEC["components"]["schemas"][name] == current[name], name


@pytest.mark.parametrize(
    ("schema", "model"),
    [
        ("FaultRuleCreate", FaultBody),
        ("JournalVerifyRequest", VerifyBody),
        ("FreezeRequest", clock.FreezeBody),
        ("SetClockRequest", clock.SetBody),
        ("AdvanceClockRequest", clock.AdvanceBody),
        ("ProgressionRequest", clock.ProgressionBody),
        ("LabelRequest", lifecycle.LabelBody),
        ("KeepItemsRequest", lifecycle.KeepItemsBody),
        ("AdvanceRequest", lifecycle.AdvanceBody),
        ("ReturnWithExchangeRequest", lifecycle.ReturnWithExchangeBody),
        ("MerchantCreate", merchants.MerchantBody),
        ("MerchantSettingsInput", merchants.SettingsPatch),
    ],
)
def test_request_schemas_name_the_fields_the_models_accept(
    schema: str, model: type[BaseModel]
) -> None:
    documented = SPEC["components"]["schemas"][schema]
    aliases = {field.alias or name for name, field in model.model_fields.items()}
    assert set(documented["properties"]) == aliases
    required = {f.alias or n for n, f in model.model_fields.items() if f.is_required()}
    assert set(documented.get("required", [])) == required


def test_the_oracle_rejects_a_body_the_document_does_not_describe() -> None:
    document = ORACLES.document("control")
    with pytest.raises(AssertionError, match="does not match the schema"):
        document.check_response(
            document.operation("list_faults"),
            200,
            {"content-type": "application/json"},
            b'{"data": [{"faultId": "fault_1"}]}',
        )
    with pytest.raises(AssertionError, match="does not match the schema"):
        document.check_response(
            document.operation("get_clock"),
            200,
            {"content-type": "application/json"},
            b'{"now": "2026-01-16T09:00:00Z", "frozen": true}',
        )
