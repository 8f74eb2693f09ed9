"""Error bodies of the current generation: ``{code, message, errors[], details?}``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response
from mock_ingrid.api.errors import ApiError
from mock_ingrid.domain.errors import (
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    Problem,
)


def error_body(code: str, message: str, problems: tuple[Problem, ...] = ()) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "errors": [
            {"location": p.location, "path": p.path, "code": p.code, "message": p.message}
            for p in problems
        ],
    }


class CurrentErrors:
    def api_error(self, request: Request, error: ApiError) -> Response:
        body = error_body(error.code, error.message, error.problems)
        return json_response(body, error.status, error.headers)

    def domain_error(self, request: Request, error: DomainError) -> Response:
        if isinstance(error, NotFound):
            code = error.kind.upper().replace(" ", "_") + "_NOT_FOUND"
            problems = (Problem(error.path, "NOT_FOUND", error.message),) if error.path else ()
            return json_response(error_body(code, error.message, problems), 404)
        if isinstance(error, InvalidInput):
            return json_response(error_body("VALIDATION_ERROR", error.message, error.problems), 400)
        if isinstance(error, InvalidTransition):
            body = error_body("INVALID_STATUS", error.message)
            body["details"] = {
                "entity": error.entity,
                "id": error.entity_id,
                "status": error.status,
                "allowed": list(error.allowed),
            }
            return json_response(body, 400)
        return json_response(error_body(error.code, error.message), 400)


ERRORS = CurrentErrors()
