"""``/_mock/faults`` and ``/_mock/journal``: fault rules, the request journal, verify.

The state lives in ``Diagnostics`` (``diagnostics_state.py``); ``ControlMiddleware``
hands it to these handlers in the ASGI scope, so they answer only behind it (and
so behind the admin token). GET never changes state. API keys are never shown:
a merchant appears as its fingerprint (``journal.fingerprint``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.current.errors import error_body
from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.query import int_param
from mock_ingrid.api.types import WIRE_CONFIG, WholeNumber, whole_number
from mock_ingrid.control.common import read_control_body
from mock_ingrid.control.diagnostics_state import Diagnostics
from mock_ingrid.control.faults import (
    MAX_LATENCY_MS,
    MAX_RETRY_AFTER,
    Fault,
    FaultRule,
    PathPattern,
)
from mock_ingrid.control.journal import (
    Capture,
    Criteria,
    Entry,
    body_view,
    fingerprint,
    redacted_headers,
)
from mock_ingrid.control.middleware import SCOPE_KEY
from mock_ingrid.domain.errors import Problem

Json = dict[str, Any]
MAX_PATTERN_LENGTH = 1_024
STATUS_CLASS_PATTERN = r"^[1-5][xX][xX]$"
STATUS_FORMAT = "expected a status such as 404, or a class such as 4xx"


# -- request bodies ----------------------------------------------------------------


def _api_path(value: str) -> str:
    if not value.startswith("/"):
        raise PydanticCustomError("path_format", "expected a path or glob such as /returns/*")
    if value.startswith("/_mock"):
        raise PydanticCustomError(
            "path_format", "faults and the journal cover Ingrid API calls, not /_mock routes"
        )
    return value


def _as_float(value: Any) -> Any:
    # The JSON parser gives Decimal for 0.5 and int for 1: both are probabilities.
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return float(value)
    return value


def _status_or_class(value: Any) -> int | str | None:
    """A status (100 to 599) or a class of them (``4xx``); None when it is neither."""
    value = whole_number(value)
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    if isinstance(value, str) and re.fullmatch(STATUS_CLASS_PATTERN, value):
        return value
    return None


def _status_filter(value: Any) -> Any:
    found = _status_or_class(value)
    if found is None:
        raise PydanticCustomError("status_format", STATUS_FORMAT)
    return found


ApiPath = Annotated[str, Field(max_length=MAX_PATTERN_LENGTH), AfterValidator(_api_path)]
Method = Annotated[str, Field(pattern=r"^[A-Za-z]{1,16}$")]
Merchant = Annotated[str, Field(min_length=1, max_length=255)]
WholeInt = Annotated[int, WholeNumber]
# One field for both, checked before pydantic's union so errors name just "status".
StatusFilter = Annotated[int | str, BeforeValidator(_status_filter)]


class _Body(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}


class FaultBody(_Body):
    path: ApiPath = "/*"
    method: Method | None = None
    merchant: Merchant | None = None
    latency_ms: Annotated[WholeInt, Field(ge=0, le=MAX_LATENCY_MS)] = 0
    status: Annotated[WholeInt, Field(ge=400, le=599)] | None = None
    retry_after: Annotated[WholeInt, Field(ge=0, le=MAX_RETRY_AFTER)] | None = None
    drop: bool = False
    times: Annotated[WholeInt, Field(ge=1, le=1_000_000)] | None = None
    probability: Annotated[float, BeforeValidator(_as_float), Field(gt=0, le=1)] = 1.0

    @model_validator(mode="after")
    def _is_a_fault(self) -> FaultBody:
        problem = self.fault().problem()
        if problem:
            raise PydanticCustomError("fault_effect", problem)
        return self

    def fault(self) -> Fault:
        return Fault(self.latency_ms, self.status, self.retry_after, self.drop)


class VerifyBody(_Body):
    method: Method
    path: ApiPath
    merchant: Merchant | None = None
    status: StatusFilter | None = None
    since: Annotated[WholeInt, Field(ge=0)] | None = None
    count: Annotated[WholeInt, Field(ge=0)] | None = None
    at_least: Annotated[WholeInt, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_expectation(self) -> VerifyBody:
        if self.count is not None and self.at_least is not None:
            raise PydanticCustomError("expectation", "give count or atLeast, not both")
        return self

    def criteria(self) -> Criteria:
        code, status_class = _split_status(self.status)
        return Criteria(
            self.method.upper(),
            PathPattern(self.path),
            self.merchant,
            code,
            status_class,
            self.since,
        )


def _split_status(status: int | str | None) -> tuple[int | None, int | None]:
    """``404`` is a status; ``"4xx"`` a class of them."""
    if isinstance(status, str):
        return None, int(status[0])
    return status, None


# -- what the control API shows ----------------------------------------------------


def rule_json(rule: FaultRule) -> Json:
    fault = rule.fault
    return {
        "faultId": rule.fault_id,
        "path": rule.path.text,
        "method": rule.method,
        "merchant": _fingerprint(rule.merchant),
        "fault": fault.spec,
        "latencyMs": fault.latency_ms,
        "status": fault.status,
        "retryAfter": fault.retry_after,
        "drop": fault.drop,
        "probability": rule.probability,
        "times": rule.times,
        "remaining": rule.remaining,
        "applied": rule.applied,
    }


def entry_json(entry: Entry) -> Json:
    return {
        "id": entry.seq,
        "at": entry.at,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query.decode("latin-1"),
        "merchant": entry.merchant,
        "status": entry.status,
        "latencyMs": entry.latency_ms,
        "fault": entry.fault,
        "request": _message_json(entry.request_headers, entry.request_body),
        "response": _message_json(entry.response_headers, entry.response_body),
    }


def _message_json(headers: list[tuple[bytes, bytes]], body: Capture) -> Json:
    body_format, value = body_view(body)
    return {
        "headers": redacted_headers(headers),
        "body": value,
        "bodyFormat": body_format,
        "bodySize": body.size,
        "bodyTruncated": body.truncated,
    }


def _fingerprint(key: str | None) -> str | None:
    return fingerprint(key) if key is not None else None


# -- lookups and query parameters --------------------------------------------------


def diagnostics_of(request: Request) -> Diagnostics:
    found = request.scope.get(SCOPE_KEY)
    if not isinstance(found, Diagnostics):
        raise RuntimeError("the /_mock diagnostics routes run behind ControlMiddleware only")
    return found


def _require_rule(request: Request) -> FaultRule:
    fault_id = request.path_params["faultId"]
    found = diagnostics_of(request).faults.get(fault_id)
    if found is None:
        raise ApiError(404, "FAULT_NOT_FOUND", f"fault rule '{fault_id}' was not found")
    return found


def _check_merchant(request: Request, merchant: str | None) -> None:
    allowed = runtime_of(request).settings.api_keys
    if merchant is not None and allowed and merchant not in allowed:
        raise ApiError(
            400,
            "UNKNOWN_MERCHANT",
            "merchant: this server accepts only the API keys given with --api-key",
            [Problem("merchant", "UNKNOWN_MERCHANT", "not an accepted API key")],
        )


def _bad_param(name: str, code: str, message: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_PARAMETER",
        f"query parameter '{name}': {message}",
        [Problem(name, code, message, location="query")],
    )


def _param(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise _bad_param(name, "REPEATED", "give it at most once")
    if values and not values[0]:
        raise _bad_param(name, "REQUIRED", "a value is required")
    return values[0] if values else None


def _journal_criteria(request: Request) -> Criteria:
    method = _param(request, "method")
    path = _param(request, "path")
    if path is not None and not path.startswith("/"):
        raise _bad_param("path", "INVALID_FORMAT", "expected a path or glob such as /returns/*")
    code, status_class = _status_param(request)
    return Criteria(
        method.upper() if method is not None else None,
        PathPattern(path) if path is not None else None,
        _param(request, "merchant"),
        code,
        status_class,
        int_param(request, "since", None, 0),
    )


def _status_param(request: Request) -> tuple[int | None, int | None]:
    raw = _param(request, "status")
    if raw is None:
        return None, None
    found = _status_or_class(int(raw) if raw.isdigit() and len(raw) == 3 else raw)
    if found is None:
        raise _bad_param("status", "INVALID_FORMAT", f"'{raw}': {STATUS_FORMAT}")
    return _split_status(found)


# -- handlers ----------------------------------------------------------------------


async def list_faults(request: Request) -> Response:
    """Every rule in creation order, exhausted ones included (``remaining`` 0)."""
    rules = diagnostics_of(request).faults.rules.values()
    return json_response({"data": [rule_json(rule) for rule in rules]})


async def create_fault(request: Request) -> Response:
    body = await read_control_body(request, FaultBody)
    _check_merchant(request, body.merchant)
    rule = diagnostics_of(request).faults.add(
        body.fault(), body.path, body.method, body.merchant, body.times, body.probability
    )
    return json_response(rule_json(rule), 201)


async def get_fault(request: Request) -> Response:
    return json_response(rule_json(_require_rule(request)))


async def delete_fault(request: Request) -> Response:
    diagnostics_of(request).faults.remove(_require_rule(request).fault_id)
    return Response(status_code=204)


async def clear_faults(request: Request) -> Response:
    diagnostics_of(request).faults.clear()
    return Response(status_code=204)


async def list_journal(request: Request) -> Response:
    """The recorded calls, oldest first; ``limit`` keeps the most recent ones."""
    journal = diagnostics_of(request).journal
    criteria = _journal_criteria(request)
    limit = int_param(request, "limit", None, 1)
    entries = journal.select(criteria, limit)
    return json_response(
        {
            "data": [entry_json(entry) for entry in entries],
            "capacity": journal.capacity,
            "lastId": journal.last_id,
        }
    )


async def clear_journal(request: Request) -> Response:
    """Ids keep counting: ``since`` taken before the clear still works."""
    diagnostics_of(request).journal.clear()
    return Response(status_code=204)


async def verify_journal(request: Request) -> Response:
    body = await read_control_body(request, VerifyBody)
    result = diagnostics_of(request).journal.verify(body.criteria(), body.count, body.at_least)
    if result.ok:
        return json_response({"matched": result.matched})
    error = error_body("VERIFICATION_FAILED", result.message)
    error["details"] = {
        "matched": result.matched,
        "similar": [_similar_json(entry) for entry in result.similar],
    }
    return json_response(error, 409)


def _similar_json(entry: Entry) -> Json:
    return {
        "id": entry.seq,
        "method": entry.method,
        "path": entry.path,
        "merchant": entry.merchant,
        "status": entry.status,
    }
