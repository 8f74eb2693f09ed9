"""Error bodies of the legacy generation, in the shape of Spring Boot's error page.

    {"timestamp": "...", "status": 400, "error": "Bad Request",
     "message": "...", "path": "/merchant/items/returned",
     "errors": [{"field": "items[0].quantity", "code": "OUT_OF_RANGE", "message": "..."}]}

``errors`` is always there (empty when no single field is to blame). Field paths
are in the legacy vocabulary: the domain's ``orderId`` is ``foreignOrderId`` here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.domain.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    Problem,
)

# Domain field names that the legacy request calls otherwise.
_LEGACY_FIELDS = {
    "orderId": "foreignOrderId",
    "shipmentTrackingReference": "trackingReference",
}


def legacy_field(path: str) -> str:
    head, dot, rest = path.partition(".")
    return _LEGACY_FIELDS.get(head, head) + dot + rest


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(
    request: Request, status: int, message: str, problems: tuple[Problem, ...] = ()
) -> dict[str, Any]:
    return {
        "timestamp": runtime_of(request).clock.now(),
        "status": status,
        "error": _reason(status),
        "message": message,
        "path": request.url.path,
        "errors": [
            {"field": legacy_field(p.path), "code": p.code, "message": p.message} for p in problems
        ],
    }


class LegacyErrors:
    def api_error(self, request: Request, error: ApiError) -> Response:
        body = error_body(request, error.status, error.message, error.problems)
        return json_response(body, error.status, error.headers)

    def domain_error(self, request: Request, error: DomainError) -> Response:
        if isinstance(error, NotFound):
            problems = (Problem(error.path, "NOT_FOUND", error.message),) if error.path else ()
            return self._render(request, 404, error.message, problems)
        if isinstance(error, InvalidInput):
            return self._render(request, 400, _legacy_message(error), error.problems)
        # InvalidTransition (e.g. a second report for an inspected return): the
        # current generation answers 400 too, so both views agree on the status.
        return self._render(request, 400, error.message)

    def _render(
        self, request: Request, status: int, message: str, problems: tuple[Problem, ...] = ()
    ) -> Response:
        return json_response(error_body(request, status, message, problems), status)


def _legacy_message(error: InvalidInput) -> str:
    """The domain's summary, with each field named as the legacy request names it."""
    return "; ".join(f"{legacy_field(p.path)}: {p.message}" for p in error.problems)


ERRORS = LegacyErrors()
