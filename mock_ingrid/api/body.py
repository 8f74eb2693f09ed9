"""The one reader of request bodies: both API generations and ``/_mock`` read theirs here.

A body is judged in this order, each refusal a clear 4xx:

0. a ``Content-Encoding`` other than identity, gzip and deflate (stacked or not): 415
   UNSUPPORTED_MEDIA_TYPE naming it, before a byte of the body is read;
1. larger than the limit (``--max-body-bytes``; declared or counted while read, and
   for a gzip or deflate body counted again once decompressed, so a zip bomb is a
   413 too): 413 PAYLOAD_TOO_LARGE; a body that does not decompress: 400
   MALFORMED_JSON;
2. empty (or only whitespace): 400 MALFORMED_JSON, or the defaults where the body is
   optional. An empty body is judged before its content type: ``curl -X POST -d ''``
   sends an empty form;
3. a content type other than JSON (``application/json``, ``*+json``, or none): 415
   UNSUPPORTED_MEDIA_TYPE, with the curl option that fixes it (judged before the body
   is read when the client sent ``Expect: 100-continue``);
4. not JSON by ``jsonio.loads`` (exact numbers, no key given twice, ...): 400
   MALFORMED_JSON;
5. not an object (where an object is expected): 400 VALIDATION_ERROR at ``$``;
6. not what the body's pydantic model describes: 400 VALIDATION_ERROR, one problem per
   field. The model is the one description of the body in code.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

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


class Framing(NamedTuple):
    """The headers that frame a request body (steps 0 to 3 above), read in one pass
    over the request's header list and handed to each check. A header sent twice
    counts by its first value, as ``request.headers.get`` reads it; Content-Encoding
    by every one. Four ``request.headers`` lookups (each a scan of the list, and a
    ``KeyError`` raised and caught for a missing ``Expect``) cost 3% of a ``POST
    /orders`` (``bench/instructions.py``: 596,100 instructions against 576,600)."""

    length: str | None  # Content-Length
    encodings: list[str]  # each Content-Encoding header's value
    media: str  # the Content-Type's media type, lowercased; "" without one
    expect: str  # Expect, stripped and lowercased; "" without one

    @classmethod
    def of(cls, request: Request) -> Framing:
        length = media = expect = None
        encodings: list[str] = []
        for name, value in request.scope["headers"]:
            if name == b"content-length":
                length = value.decode("latin-1") if length is None else length
            elif name == b"content-type":
                media = value.decode("latin-1") if media is None else media
            elif name == b"content-encoding":
                encodings.append(value.decode("latin-1"))
            elif name == b"expect":
                expect = value.decode("latin-1") if expect is None else expect
        return cls(
            length,
            encodings,
            (media or "").split(";", 1)[0].strip().lower(),
            (expect or "").strip().lower(),
        )


async def read_body(
    request: Request, limit: int | None = None, framing: Framing | None = None
) -> bytes:
    """The raw body, up to ``limit`` bytes (``--max-body-bytes`` by default), decoded
    from its ``Content-Encoding``."""
    if limit is None:
        limit = runtime_of(request).settings.max_body_bytes
    if framing is None:
        framing = Framing.of(request)
    codings = content_codings(framing)
    declared = framing.length
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    for coding in reversed(codings):  # the last one applied is undone first
        body = _decompress(body, coding, limit)
    return body


async def read_text(request: Request, limit: int) -> bytearray:
    """The body of a large JSON document (a snapshot upload), judged by steps 1 to 3
    above and left unparsed, in one buffer grown in place: its reader parses it piece
    by piece, so the upload is held once (``read_body`` joins its chunks, a second
    copy at the end)."""
    framing = Framing.of(request)
    if _awaits_continue(framing):
        _require_json_type(framing)  # before "100 Continue", as in _read_document
    if content_codings(framing):  # a compressed upload: decoded whole, within the limit
        text = bytearray(await read_body(request, limit, framing))
    else:
        text = await _read_into_buffer(request, limit, framing)
    if not text or text.isspace():
        raise ApiError(
            400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
        )
    _require_json_type(framing)
    return text


async def _read_into_buffer(request: Request, limit: int, framing: Framing) -> bytearray:
    declared = framing.length
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    text = bytearray()
    async for chunk in request.stream():
        if len(text) + len(chunk) > limit:
            raise _too_large(limit)
        text += chunk
    return text


_DECODABLE = ("gzip", "x-gzip", "deflate")


def content_codings(framing: Framing) -> list[str]:
    """The body's content codings (identity left out), each one we can undo; a 415
    naming the first we cannot. Checked before the body is read."""
    if not framing.encodings:
        return []
    header = ",".join(framing.encodings)
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    for coding in codings:
        if coding not in _DECODABLE:
            raise ApiError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"Content-Encoding '{coding}' is not supported: send the body as identity "
                "(no Content-Encoding), gzip or deflate",
            )
    return codings


def _decompress(data: bytes, coding: str, limit: int) -> bytes:
    """``data`` decoded from ``coding``; at most ``limit`` bytes come out (413 beyond)."""
    if coding == "deflate" and not _zlib_header(data):
        wbits = -zlib.MAX_WBITS  # raw deflate, as some clients send "deflate"
    elif coding == "deflate":
        wbits = zlib.MAX_WBITS
    else:
        wbits = 16 + zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    try:
        # One byte over the limit is enough to know it is too large.
        out = decoder.decompress(data, limit + 1)
        if len(out) > limit:
            raise _too_large(limit, decompressed=True)
        if not decoder.eof or decoder.unused_data:
            raise zlib.error("truncated data, or bytes after its end")
    except zlib.error as exc:
        raise ApiError(
            400,
            "MALFORMED_JSON",
            f"the request body is not valid {coding} data (Content-Encoding: {coding}): {exc}",
        ) from None
    return out


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _too_large(limit: int, decompressed: bool = False) -> ApiError:
    what = "decompressed request body" if decompressed else "request body"
    return ApiError(413, "PAYLOAD_TOO_LARGE", f"the {what} is larger than {limit} bytes")


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
    framing = Framing.of(request)
    if _awaits_continue(framing):
        # Refused before a byte is read: a client that sent "Expect: 100-continue"
        # gets this answer instead of "100 Continue" (the server sends that on the
        # first read of the body). Without it the body is read first, so that a
        # blank one is judged empty whatever its type (step 2).
        _require_json_type(framing)
    raw = await read_body(request, limit, framing)
    if not raw.strip():
        if optional:
            return _NOTHING
        raise ApiError(
            400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
        )
    _require_json_type(framing)
    try:
        return loads(raw)
    except JsonSyntaxError as exc:
        raise ApiError(
            400, "MALFORMED_JSON", f"the request body is not valid JSON: {exc}"
        ) from None


def _awaits_continue(framing: Framing) -> bool:
    """The client announced a body and waits for "100 Continue" before sending it."""
    if framing.expect != "100-continue":
        return False
    length = framing.length
    return length.strip() not in ("0", "") if length is not None else True


def _require_json_type(framing: Framing) -> None:
    media = framing.media
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
