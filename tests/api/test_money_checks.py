"""``Money`` runs pydantic's four amount checks (ge=0, finite, 18 digits, 6 decimals)
in one function: it must accept and refuse exactly what the ``Field`` constraints
do, with the same error type, message and context."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from mock_ingrid.api.types import WIRE_CONFIG, Money, _int_as_decimal

ByConstraints = Annotated[
    Decimal,
    BeforeValidator(_int_as_decimal),
    Field(ge=0, max_digits=18, decimal_places=6, allow_inf_nan=False),
]


class Reference(BaseModel):
    model_config = WIRE_CONFIG
    amount: ByConstraints


class Fused(BaseModel):
    model_config = WIRE_CONFIG
    amount: Money


def _outcome(model: type[BaseModel], value: object) -> Any:
    try:
        return ("ok", repr(model.model_validate({"amount": value}).amount))  # type: ignore[attr-defined]
    except ValidationError as exc:
        return [
            (e["type"], e["msg"], e["loc"], e.get("ctx"))
            for e in exc.errors(include_url=False, include_input=False)
        ]
    except Exception as exc:  # the same failure either way
        return ("raised", type(exc).__name__)


EDGES = [
    0, 1, -1, 10**12, 10**13, 10**18, 10**400, "5", 1.5, None, True,
    *map(Decimal, [
        "NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "-0", "0E-10", "0E+30", "0E+400",
        "1E+400", "-1E+400", "1E-400", "1.0000000", "1.0000001", "1E-7", "1.00E+5",
        "123456789012.123456", "123456789012.1234560", "1234567890123", "1234567890123.0",
        "1E+11", "1E+12", "-1.1234567", "1.0000000000000000000000000000001",
    ]),
]  # fmt: skip


def test_edge_amounts() -> None:
    for value in EDGES:
        assert _outcome(Fused, value) == _outcome(Reference, value), value


decimals = st.builds(
    lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
    st.sampled_from(["", "", "-"]),
    st.integers(min_value=0, max_value=10**25),
    st.one_of(st.integers(-12, 12), st.integers(-500, 500)),
)


@settings(max_examples=2_000, deadline=None)
@given(decimals)
def test_any_amount(value: Decimal) -> None:
    assert _outcome(Fused, value) == _outcome(Reference, value)
