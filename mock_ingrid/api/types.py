"""Field types shared by the wire schemas of both generations."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError, PydanticKnownError

from mock_ingrid.clock import parse_instant


def _int_as_decimal(value: Any) -> Any:
    # The JSON parser gives ints for "5" and Decimal for "5.0"; both are numbers.
    if type(value) is int:
        return Decimal(value)
    return value


def _uri(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise PydanticCustomError(
            "uri_format", "expected an absolute URI such as https://example.com/image.png"
        )
    return value


WIRE_CONFIG = ConfigDict(
    strict=True,
    extra="ignore",
    alias_generator=to_camel,
    populate_by_name=True,
    frozen=True,
    # Validators are built on a model's first use, not at import: start-up does not
    # pay for the bodies of operations a run never calls.
    defer_build=True,
)

MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 6
_MONEY_WHOLE_DIGITS = MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES


def _digits(digit_count: int, exponent: int) -> tuple[int, int]:
    """(decimal places, digits in all) of ``digit_count`` digits scaled by 10**exponent."""
    if exponent >= 0:
        return 0, digit_count + exponent
    return -exponent, max(digit_count, -exponent)


def _money_error(value: Decimal) -> PydanticKnownError | None:
    """What ``Field(ge=0, allow_inf_nan=False, max_digits=18, decimal_places=6)`` says of
    ``value``: the same checks in the same order, with pydantic's error types. A limit
    counts as broken only when the value breaks it both as written and without its
    trailing zeros (``1.0000000`` has 6 decimal places)."""
    if not value >= 0:
        return PydanticKnownError("greater_than_equal", {"ge": 0})
    if not math.isfinite(value):  # as a float: 1E+400 is not finite
        return PydanticKnownError("finite_number")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    places, total = _digits(len(digits), exponent)
    kept = len(digits)
    while kept and digits[kept - 1] == 0:
        kept -= 1
    bare_places, bare_total = _digits(kept, exponent + len(digits) - kept) if kept else (0, 1)
    if total > MONEY_MAX_DIGITS and bare_total > MONEY_MAX_DIGITS:
        return PydanticKnownError("decimal_max_digits", {"max_digits": MONEY_MAX_DIGITS})
    if places > MONEY_DECIMAL_PLACES and bare_places > MONEY_DECIMAL_PLACES:
        return PydanticKnownError("decimal_max_places", {"decimal_places": MONEY_DECIMAL_PLACES})
    if total - places > _MONEY_WHOLE_DIGITS and bare_total - bare_places > _MONEY_WHOLE_DIGITS:
        return PydanticKnownError("decimal_whole_digits", {"whole_digits": _MONEY_WHOLE_DIGITS})
    return None


def _money(value: Decimal) -> Decimal:
    """The checks of ``_money_error`` in one call (pydantic runs a Python function per
    constraint here), with a shortcut for the usual amount that is well within them."""
    if value.is_finite() and value >= 0:  # within the limits below, finite as a float too
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        places, total = _digits(len(digits), exponent)
        if (
            total <= MONEY_MAX_DIGITS
            and places <= MONEY_DECIMAL_PLACES
            and total - places <= _MONEY_WHOLE_DIGITS
        ):
            return value
    error = _money_error(value)
    if error is not None:
        raise error
    return value


def whole_number(value: Any) -> Any:
    """A number with no fractional part is an integer, as JSON Schema 2020-12 (the
    documents' dialect) counts it: ``1.0`` is 1; ``1.5`` is refused by name. The JSON
    parser gives Decimal for any number written with a point or an exponent."""
    if type(value) is not Decimal or not value.is_finite():
        return value
    if value != value.to_integral_value():
        raise PydanticCustomError(
            "int_type", "Input should be a whole number, not {value}", {"value": str(value)}
        )
    # Past 20 digits it is beyond every limit here: left to fail as not an int, without
    # building a huge int from 1E+999999999 first.
    return int(value) if value.adjusted() < 20 else value


WholeNumber = BeforeValidator(whole_number)

# A non-negative amount: at most 18 digits, 6 of them decimals (ints are read as Decimal).
Money = Annotated[Decimal, BeforeValidator(_int_as_decimal), AfterValidator(_money)]
Quantity = Annotated[int, WholeNumber, Field(ge=1, le=1_000_000)]
Identifier = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f/]+$")]
Text = Annotated[str, Field(max_length=65_536)]
ShortText = Annotated[str, Field(max_length=1_024)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Uri = Annotated[str, Field(max_length=4_096), AfterValidator(_uri)]


def _rfc3339(value: Any) -> Any:
    """Only RFC 3339 strings with an offset: no epoch numbers, no naive times."""
    if isinstance(value, datetime):  # already parsed (a merge of stored data)
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "expected an RFC 3339 date-time string")
    try:
        return parse_instant(value)
    except ValueError:
        raise PydanticCustomError(
            "datetime_format",
            "expected an RFC 3339 date-time with a timezone, e.g. 2026-01-15T10:00:00Z",
        ) from None


AwareInstant = Annotated[datetime, BeforeValidator(_rfc3339), Field(strict=False)]


def _json_scalar(value: Any) -> Any:
    """Free-form extra fields keep only values the JSON encoder can write back."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > 1_024:
            raise PydanticCustomError("string_too_long", "at most 1024 characters")
        return value
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    if isinstance(value, Decimal) and value.is_finite() and abs(value) < Decimal(10) ** 18:
        return value
    raise PydanticCustomError(
        "extra_value", "extra fields may hold strings, booleans or numbers (64-bit integers)"
    )


ExtraValue = Annotated[Any, BeforeValidator(_json_scalar)]
