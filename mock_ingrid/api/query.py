"""Query-string parameters, parsed strictly: a bad value is a 400 naming the parameter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from starlette.requests import Request

from mock_ingrid.api.errors import ApiError
from mock_ingrid.clock import parse_instant
from mock_ingrid.domain.errors import Problem

_INTEGER = re.compile(r"-?[0-9]+")
# Past 19 digits a number is beyond every bound here: said so without converting it.
_LONGEST = 19
INT64_MAX = 2**63 - 1  # the documents' integers are int64


def _bad(name: str, code: str, message: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_PARAMETER",
        f"query parameter '{name}': {message}",
        [Problem(name, code, message, location="query")],
    )


def query_values(request: Request, name: str) -> tuple[str, ...]:
    """Every value of query parameter ``name``, in order."""
    return tuple(request.query_params.getlist(name))


def _single(request: Request, name: str) -> str | None:
    values = query_values(request, name)
    if len(values) > 1:
        raise _bad(name, "REPEATED", "give it at most once")
    return values[0] if values else None


def int_param(
    request: Request, name: str, default: int | None, minimum: int, maximum: int | None = None
) -> int | None:
    raw = _single(request, name)
    if raw is None or raw == "":
        if raw == "" or (default is None and raw is not None):
            raise _bad(name, "REQUIRED", "a value is required")
        return default
    if not _INTEGER.fullmatch(raw):
        raise _bad(name, "INVALID_TYPE", f"'{raw}' is not an integer")
    maximum = INT64_MAX if maximum is None else min(maximum, INT64_MAX)
    value = int(raw) if len(raw.lstrip("-")) <= _LONGEST else None
    if value is None or value < minimum or value > maximum:
        shown = raw if len(raw) <= 40 else f"{raw[:20]}...({len(raw)} characters)"
        raise _bad(name, "OUT_OF_RANGE", f"{shown} is out of range (from {minimum} to {maximum})")
    return value


def required_int(request: Request, name: str, minimum: int, maximum: int | None = None) -> int:
    value = int_param(request, name, None, minimum, maximum)
    if value is None:
        raise _bad(name, "REQUIRED", "this parameter is required")
    return value


def enum_param(request: Request, name: str, allowed: Iterable[str]) -> str | None:
    raw = _single(request, name)
    if raw is None:
        return None
    options = list(allowed)
    if raw not in options:
        raise _bad(name, "INVALID_ENUM", f"'{raw}' is not one of {', '.join(options)}")
    return raw


def datetime_param(request: Request, name: str) -> datetime | None:
    raw = _single(request, name)
    if raw is None:
        return None
    # An unencoded "+02:00" arrives as " 02:00": read it as the offset it was.
    text = raw.replace(" ", "+") if " " in raw and "+" not in raw else raw
    try:
        return parse_instant(text)
    except ValueError:
        raise _bad(
            name, "INVALID_DATETIME", f"'{raw}' is not an RFC 3339 date-time with a timezone"
        ) from None
