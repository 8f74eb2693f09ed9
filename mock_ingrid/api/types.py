"""Field types shared by the wire schemas of both generations."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


def _int_as_decimal(value: Any) -> Any:
    # The JSON parser gives ints for "5" and Decimal for "5.0"; both are numbers.
    if type(value) is int:
        return Decimal(value)
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


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


def aware(value: datetime) -> datetime:
    """Refuse naive datetimes (RFC 3339 requires an offset)."""
    if value.tzinfo is None:
        raise PydanticCustomError(
            "datetime_timezone", "a date-time needs a timezone, e.g. 2026-01-15T10:00:00Z"
        )
    return value


AwareInstant = Annotated[datetime, Field(strict=False), AfterValidator(aware), AfterValidator(_utc)]
