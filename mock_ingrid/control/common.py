"""What the ``/_mock`` handlers share: bodies, the merchant they act for, error rendering."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.endpoint import JSON_TYPE, read_body, runtime_of, validate_model
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.jsonio import JsonSyntaxError, loads
from mock_ingrid.domain.errors import DomainError, Problem
from mock_ingrid.domain.merchant import Merchant

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[Request], Awaitable[Response]]


def control_endpoint(handler: Handler) -> Handler:
    """Render domain errors as the current API does (the same clear message)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except DomainError as error:
            return ERRORS.domain_error(request, error)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def acting_merchant(request: Request) -> Merchant:
    """The merchant a control call acts for: its ``x-api-key`` header, as in the API,
    or a ``merchant`` query parameter."""
    keys = request.query_params.getlist("merchant") or request.headers.getlist("x-api-key")
    if len(keys) != 1 or not keys[0].strip():
        raise ApiError(
            400,
            "MERCHANT_REQUIRED",
            "name the merchant once: an x-api-key header or a merchant query parameter",
            [Problem("merchant", "REQUIRED", "the merchant's API key", location="query")],
        )
    return runtime_of(request).state.merchant(keys[0].strip())


async def read_control_body(
    request: Request, model: type[M], required: bool = True, nullable: Collection[str] = ()
) -> M:
    """Parse the body into ``model``; when nothing is required, no body means the defaults.
    An optional field is left out, not sent as ``null``, unless it is in ``nullable``."""
    raw = await read_body(request)
    if not raw.strip():
        if required:
            raise ApiError(
                400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
            )
        return model()
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media != JSON_TYPE and not media.endswith("+json"):
        raise ApiError(
            415, "UNSUPPORTED_MEDIA_TYPE", f"send Content-Type: {JSON_TYPE}, not '{media}'"
        )
    try:
        data = loads(raw)
    except JsonSyntaxError as exc:
        raise ApiError(
            400, "MALFORMED_JSON", f"the request body is not valid JSON: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            "the request body must be a JSON object",
            [Problem("$", "INVALID_TYPE", "expected an object")],
        )
    nulls = [
        Problem(key, "INVALID_TYPE", "null is not allowed here; leave the field out")
        for key, value in data.items()
        if value is None and key not in nullable
    ]
    if nulls:
        more = f" (and {len(nulls) - 1} more)" if len(nulls) > 1 else ""
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            f"invalid request body: {nulls[0].path}: {nulls[0].message}{more}",
            nulls,
        )
    return validate_model(model, data)
