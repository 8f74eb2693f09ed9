"""The one reader of request bodies: both API generations and ``/_mock`` read theirs here.

A body is judged in this order, each refusal a clear 4xx:

1. larger than the limit (``--max-body-bytes``; declared or counted while read): 413
   PAYLOAD_TOO_LARGE;
2. empty (or only whitespace): 400 MALFORMED_JSON, or the defaults where the body is
   optional. An empty body is judged before its content type: ``curl -X POST -d ''``
   sends an empty form;
3. a content type other than JSON (``application/json``, ``*+json``, or none): 415
   UNSUPPORTED_MEDIA_TYPE, with the curl option that fixes it;
4. not JSON by ``jsonio.loads`` (exact numbers, no key given twice, ...): 400
   MALFORMED_JSON;
5. not an object (where an object is expected): 400 VALIDATION_ERROR at ``$``;
6. not what the body's pydantic model describes: 400 VALIDATION_ERROR, one problem per
   field. The model is the one description of the body in code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request

from mock_ingrid.api.endpoint import JSON_TYPE, runtime_of
from mock_ingrid.api.errors import ApiError, problems_from
from mock_ingrid.domain.errors import Problem
from mock_ingrid.jsonio import JsonSyntaxError, loads

if TYPE_CHECKING:
    from pydantic import BaseModel

# pydantic is imported by the first validation (with the first body's model), not at
# start-up: a server that is only polled for health never loads it.
M = TypeVar("M", bound="BaseModel")


async def read_body(request: Request, limit: int | None = None) -> bytes:
    """The raw body, up to ``limit`` bytes (``--max-body-bytes`` by default)."""
    if limit is None:
        limit = runtime_of(request).settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_text(request: Request, limit: int) -> bytearray:
    """The body of a large JSON document (a snapshot upload), judged by steps 1 to 3
    above and left unparsed, in one buffer grown in place: its reader parses it piece
    by piece, so the upload is held once (``read_body`` joins its chunks, a second
    copy at the end)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    text = bytearray()
    async for chunk in request.stream():
        if len(text) + len(chunk) > limit:
            raise _too_large(limit)
        text += chunk
    if not text or text.isspace():
        raise ApiError(
            400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
        )
    _require_json_type(request)
    return text


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "PAYLOAD_TOO_LARGE", f"the request body is larger than {limit} bytes")


async def read_json(request: Request, limit: int | None = None) -> Any:
    """The JSON document of the body, whatever its type (steps 1 to 4 above)."""
    return await _read_document(request, limit, optional=False)


async def read_object(
    request: Request, limit: int | None = None, *, optional: bool = False
) -> dict[str, Any]:
    """The JSON object of the body (steps 1 to 5); ``{}`` for an empty ``optional`` one."""
    found = await _read_document(request, limit, optional)
    return {} if found is _NOTHING else json_object(found)


async def read_model(request: Request, model: type[M]) -> M:
    """The body validated by ``model`` (steps 1 to 6)."""
    return validate_model(model, await read_object(request))


_NOTHING = object()


async def _read_document(request: Request, limit: int | None, optional: bool) -> Any:
    raw = await read_body(request, limit)
    if not raw.strip():
        if optional:
            return _NOTHING
        raise ApiError(
            400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
        )
    _require_json_type(request)
    try:
        return loads(raw)
    except JsonSyntaxError as exc:
        raise ApiError(
            400, "MALFORMED_JSON", f"the request body is not valid JSON: {exc}"
        ) from None


def _require_json_type(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media != JSON_TYPE and not media.endswith("+json"):
        raise ApiError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send Content-Type: {JSON_TYPE}, not '{media}' "
            f"(with curl: -H 'content-type: {JSON_TYPE}')",
        )


def json_object(data: Any) -> dict[str, Any]:
    """``data`` when it is a JSON object; a 400 otherwise."""
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            "the request body must be a JSON object",
            [Problem("$", "INVALID_TYPE", "expected an object")],
        )
    return data


def validate_model(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``; a 400 naming every field that is wrong."""
    from pydantic import ValidationError  # loaded with ``model`` already

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_body(problems_from(exc)) from None


def invalid_body(problems: list[Problem]) -> ApiError:
    """The 400 for a body with these problems: the first named in the message."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ApiError(
        400,
        "VALIDATION_ERROR",
        f"invalid request body: {first.path}: {first.message}{more}",
        problems,
    )
