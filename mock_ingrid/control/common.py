"""What the ``/_mock`` handlers share: bodies, the merchant they act for, error rendering."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import invalid_body, read_json, read_object, validate_model
from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.endpoint import runtime_of
from mock_ingrid.api.errors import ApiError
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
        finally:
            # As after an API call: "immediate" progression steps run once this is done.
            runtime_of(request).run_due()

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def acting_merchant(request: Request) -> Merchant:
    """The merchant a control call acts for: its ``x-api-key`` header, as in the API,
    or a ``merchant`` query parameter, exactly one of them (two could disagree).

    A merchant that does not exist yet is not created (a GET changes nothing, a failed
    call neither): it has no entity, so the call gets the API's 404 for the entity."""
    keys = [*request.query_params.getlist("merchant"), *request.headers.getlist("x-api-key")]
    if len(keys) != 1 or not keys[0].strip():
        both = request.query_params.get("merchant") is not None and "x-api-key" in request.headers
        message = (
            "name the merchant once: an x-api-key header or a merchant query parameter, not both"
            if both
            else "name the merchant once: an x-api-key header or a merchant query parameter"
        )
        raise ApiError(
            400,
            "MERCHANT_REQUIRED",
            message,
            [Problem("merchant", "REQUIRED", "the merchant's API key", location="query")],
        )
    key = keys[0].strip()
    runtime = runtime_of(request)
    require_accepted(runtime.settings.api_keys, key, "merchant", "query")
    found = runtime.state.merchants.get(key)
    return found if found is not None else Merchant(key, runtime.state.clock)


def require_accepted(allowed: Collection[str], key: str, path: str, location: str) -> None:
    """Under ``--api-key``, a merchant named anywhere in ``/_mock`` must be one of them."""
    if allowed and key not in allowed:
        raise ApiError(
            400,
            "UNKNOWN_MERCHANT",
            f"{path}: this server accepts only the API keys given with --api-key",
            [Problem(path, "UNKNOWN_MERCHANT", "not an accepted API key", location=location)],
        )


def require_accepted_merchants(request: Request, document: Any) -> None:
    """Under ``--api-key``, a snapshot or fixture document may hold only those merchants:
    checked before anything is loaded, so a refused document loads nothing."""
    allowed = runtime_of(request).settings.api_keys
    entries = document.get("merchants") if isinstance(document, dict) else None
    if not allowed or not isinstance(entries, list):
        return  # nothing to hold it to, or a document its loader refuses as a whole
    for index, entry in enumerate(entries):
        key = entry.get("apiKey") if isinstance(entry, dict) else None
        if isinstance(key, str):
            require_accepted(allowed, key, f"$.merchants[{index}].apiKey", "body")


# A snapshot or a fixture document may be much larger than an API call: an export of
# 10,000 objects is a few MiB, and it must import back.
DOCUMENT_BODY_LIMIT = 256 * 1024 * 1024


async def read_document(request: Request) -> Any:
    """The JSON body of ``PUT``/``POST /_mock/state`` and ``POST /_mock/fixtures``: up
    to ``DOCUMENT_BODY_LIMIT`` bytes (or ``--max-body-bytes`` when that is larger)."""
    limit = max(runtime_of(request).settings.max_body_bytes, DOCUMENT_BODY_LIMIT)
    return await read_json(request, limit)


async def read_control_body(
    request: Request, model: type[M], required: bool = True, nullable: Collection[str] = ()
) -> M:
    """The body as ``model`` (read by ``api.body``); when nothing is required, no body
    means the defaults. An optional field is left out, not sent as ``null``, unless it
    is in ``nullable``."""
    data = await read_object(request, optional=not required)
    nulls = [
        Problem(key, "INVALID_TYPE", "null is not allowed here; leave the field out")
        for key, value in data.items()
        if value is None and key not in nullable
    ]
    if nulls:
        raise invalid_body(nulls)
    return validate_model(model, data)
