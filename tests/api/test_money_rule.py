"""Money: one rule in the document and the server. The document's ``Money`` schema
(``minimum`` 0, ``exclusiveMaximum`` 10^12, ``multipleOf`` 0.000001), checked with
exact decimals, accepts exactly the amounts the server accepts."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from hypothesis import example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_ingrid.api.body import validate_model
from mock_ingrid.api.current.schemas import RefundCompleteBody
from mock_ingrid.api.errors import ApiError
from mock_ingrid.jsonio import loads
from tests.builders import REFERENCE_ORDER, REFERENCE_PRODUCT


@cache
def _money_validator() -> Any:
    text = resources.files("mock_ingrid.spec").joinpath("current.json").read_text("utf-8")
    # Numbers as Decimal: multipleOf is a decimal rule, not a binary-float one.
    schema = json.loads(text, parse_float=Decimal)["components"]["schemas"]["Money"]
    return jsonschema.Draft202012Validator(schema)


def _server_accepts(text: str) -> bool:
    body = loads(f'{{"amount": {text}, "currencyCode": "SEK"}}'.encode())
    try:
        validate_model(RefundCompleteBody, body)
    except ApiError:
        return False
    return True


def _document_accepts(text: str) -> bool:
    return bool(_money_validator().is_valid(loads(text.encode())))


NUMBERS = st.builds(
    lambda digits, point, exponent, zeros: (
        str(int(digits[:point] or "0")) + "." + (digits[point:] or "0") + "0" * zeros + exponent
    ),
    st.text("0123456789", min_size=1, max_size=22),
    st.integers(0, 22),
    st.sampled_from(["", "e-3", "E+2", "e5", "e-7", "E+12"]),
    st.integers(0, 4),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(NUMBERS, st.integers(-(10**20), 10**20).map(str)))
@example("0.0000001")
@example("0.000001")
@example("999999999999.999999")
@example("1000000000000")
@example("1.5000000000")
@example("0.1")
@example("-0.0")
def test_the_server_accepts_exactly_what_the_money_schema_accepts(text: str) -> None:
    assert _server_accepts(text) == _document_accepts(text), text


def test_a_seventh_decimal_is_refused_by_both(client: TestClient) -> None:
    # The example: schema-valid before, refused by the server; now both refuse.
    assert not _document_accepts("0.0000001")
    order = copy.deepcopy(REFERENCE_ORDER)
    order["shippingCost"] = "<amount>"
    client.post("/products", json=REFERENCE_PRODUCT)
    refused = client.post(
        "/orders", content=json_text(order), headers={"content-type": "application/json"}
    )
    assert refused.status_code == 400
    problem = refused.json()["errors"][0]
    assert (problem["path"], problem["code"]) == ("shippingCost", "INVALID_NUMBER")
    assert "6 decimal places" in problem["message"]


def json_text(data: Any) -> str:
    return json.dumps(data).replace('"<amount>"', "0.0000001")
