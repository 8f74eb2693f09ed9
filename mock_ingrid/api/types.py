"""Field types shared by the wire schemas of both generations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

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
)

Money = Annotated[
    Decimal,
    BeforeValidator(_int_as_decimal),
    Field(ge=0, max_digits=18, decimal_places=6, allow_inf_nan=False),
]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
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
