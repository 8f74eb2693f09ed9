"""Errors of the HTTP layer, and the translation of pydantic's into domain problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mock_ingrid.domain.errors import Problem

if TYPE_CHECKING:
    from pydantic import ValidationError


class ApiError(Exception):
    """An error found before the domain is reached (auth, JSON, parameters, routing)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.headers = headers or {}


_CODES = {
    "missing": "REQUIRED",
    "enum": "INVALID_ENUM",
    "literal_error": "INVALID_ENUM",
    "string_pattern_mismatch": "INVALID_FORMAT",
    "url_parsing": "INVALID_FORMAT",
    "uri_format": "INVALID_FORMAT",
    "url_scheme": "INVALID_FORMAT",
    "timezone_aware": "INVALID_DATETIME",
    "greater_than": "OUT_OF_RANGE",
    "greater_than_equal": "OUT_OF_RANGE",
    "less_than": "OUT_OF_RANGE",
    "less_than_equal": "OUT_OF_RANGE",
    "too_short": "INVALID_LENGTH",
    "too_long": "INVALID_LENGTH",
    "string_too_short": "INVALID_LENGTH",
    "string_too_long": "INVALID_LENGTH",
    "decimal_max_digits": "INVALID_NUMBER",
    "decimal_max_places": "INVALID_NUMBER",
    "decimal_whole_digits": "INVALID_NUMBER",
    "finite_number": "INVALID_NUMBER",
    "value_error": "INVALID_VALUE",
    "extra_value": "INVALID_TYPE",
}


def field_path(loc: Sequence[int | str], prefix: str = "") -> str:
    """``('lineItems', 0, 'sku')`` -> ``lineItems[0].sku``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "$"


def _code(error_type: str) -> str:
    if error_type in _CODES:
        return _CODES[error_type]
    if (
        error_type.endswith("_type")
        or error_type.endswith("_parsing")
        or error_type == "is_instance_of"
    ):
        return "INVALID_TYPE"
    if error_type.startswith("datetime"):
        return "INVALID_DATETIME"
    return error_type.upper()


def problems_from(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [part for part in error["loc"] if not _is_union_tag(part)]
        message = error["msg"]
        if error["type"] == "is_instance_of" and "Decimal" in message:
            message = "Input should be a number"
        problems.append(Problem(field_path(loc), _code(error["type"]), message))
    return problems


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))
