"""``validate_responses``: off by default; on, a response that breaks its document
becomes a 500 naming the operation and the field, and the rest pass untouched."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.app import create_app
from mock_ingrid.cli import CliError, build_parser, settings_from
from mock_ingrid.response_check import VIOLATION_CODE
from mock_ingrid.settings import Settings
from mock_ingrid.views import current as render
from tests.builders import REFERENCE_PRODUCT


def _client(validate: bool) -> TestClient:
    client = TestClient(create_app(Settings(validate_responses=validate)))
    client.headers["x-api-key"] = "k"
    return client


@pytest.fixture
def broken_product(monkeypatch: pytest.MonkeyPatch) -> None:
    """A product rendered with a field of the wrong type, as a drifted emulator would."""
    original = render.product

    def drifted(*args: Any, **kwargs: Any) -> Any:
        data = original(*args, **kwargs)
        data["title"] = 42
        return data

    monkeypatch.setattr(render, "product", drifted)


@pytest.mark.usefixtures("broken_product")
def test_off_by_default_the_response_goes_out_as_it_is() -> None:
    assert Settings().validate_responses is False
    response = _client(validate=False).post("/products", json=REFERENCE_PRODUCT)
    assert response.status_code == 201
    assert response.json()["title"] == 42


@pytest.mark.usefixtures("broken_product")
def test_on_a_broken_response_is_a_500_naming_the_operation_and_field() -> None:
    response = _client(validate=True).post("/products", json=REFERENCE_PRODUCT)
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == VIOLATION_CODE
    assert "upsertProduct (POST /products) answered 201" in body["message"]
    assert "at $.title: 42 is not of type 'string'" in body["message"]


def test_on_good_responses_and_errors_pass_untouched() -> None:
    client = _client(validate=True)
    assert client.post("/products", json=REFERENCE_PRODUCT).status_code == 201
    assert client.get("/products/PROD-123").json()["title"] == REFERENCE_PRODUCT["title"]
    missing = client.get("/orders/nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "ORDER_NOT_FOUND")
    assert client.head("/products").status_code == 200


def test_injected_faults_are_not_the_emulators_answers() -> None:
    client = _client(validate=True)
    fault = client.get("/products", headers={"x-mock-fault": "status=503"})
    assert fault.status_code == 503


def _serve(*argv: str) -> Settings:
    return settings_from(build_parser().parse_args(["serve", *argv]))


def test_the_command_line_switch_and_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _serve().validate_responses is False
    assert _serve("--validate-responses").validate_responses is True
    monkeypatch.setenv("MOCK_INGRID_VALIDATE_RESPONSES", "yes")
    assert _serve().validate_responses is True
    monkeypatch.setenv("MOCK_INGRID_VALIDATE_RESPONSES", "perhaps")
    with pytest.raises(CliError, match="MOCK_INGRID_VALIDATE_RESPONSES: 'perhaps'"):
        _serve()
