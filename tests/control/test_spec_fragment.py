"""The OpenAPI fragment of the diagnostics routes: valid once merged, complete, exact.

Responses are checked against it by every in-process test (``helpers.check_response``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel
from starlette.routing import Route

from mock_ingrid.control.diagnostics import ROUTES, FaultBody, VerifyBody
from tests.control.helpers import FRAGMENT, ORACLES_WITH_FRAGMENT, merged_control_spec
from tests.oracle import load_spec

FRAGMENT_SPEC: dict[str, Any] = json.loads(FRAGMENT.read_text(encoding="utf-8"))
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_the_fragment_adds_to_control_json_without_replacing_anything() -> None:
    """Before the merge its names are new to control.json; after it, identical there."""
    control = load_spec("control")
    for path, item in FRAGMENT_SPEC["paths"].items():
        assert control["paths"].get(path, item) == item, path
    for section, items in FRAGMENT_SPEC["components"].items():
        present = control["components"].get(section, {})
        for name, value in items.items():
            assert present.get(name, value) == value, f"{section}/{name}"


def test_the_merged_document_is_valid_openapi_3_1() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(merged_control_spec())


def test_every_route_and_method_is_documented_and_nothing_else() -> None:
    served = {
        (method.lower(), route.path)
        for route in ROUTES
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {
        (method, path)
        for path, item in FRAGMENT_SPEC["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert served == documented


@pytest.mark.parametrize(
    ("schema", "model"), [("FaultRuleCreate", FaultBody), ("JournalVerifyRequest", VerifyBody)]
)
def test_request_schemas_name_the_fields_the_models_accept(
    schema: str, model: type[BaseModel]
) -> None:
    properties = FRAGMENT_SPEC["components"]["schemas"][schema]["properties"]
    aliases = {field.alias or name for name, field in model.model_fields.items()}
    assert set(properties) == aliases
    required = {f.alias or n for n, f in model.model_fields.items() if f.is_required()}
    assert set(FRAGMENT_SPEC["components"]["schemas"][schema].get("required", [])) == required


def test_the_oracle_rejects_a_body_the_fragment_does_not_describe() -> None:
    document = ORACLES_WITH_FRAGMENT.document("control")
    with pytest.raises(AssertionError, match="does not match the schema"):
        document.check_response(
            document.operation("list_faults"),
            200,
            {"content-type": "application/json"},
            b'{"data": [{"faultId": "fault_1"}]}',
        )
