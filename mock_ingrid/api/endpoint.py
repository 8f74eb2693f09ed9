"""The plumbing every handler shares: auth, body parsing, error rendering."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from mock_ingrid.api.errors import ApiError, problems_from
from mock_ingrid.api.jsonio import JsonSyntaxError, dumps, loads
from mock_ingrid.domain.errors import DomainError, Problem
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.runtime import Runtime

if TYPE_CHECKING:
    from pydantic import BaseModel

# pydantic is imported by the first validation (with the first body's model), not at
# start-up: a server that is only polled for health never loads it.
M = TypeVar("M", bound="BaseModel")

JSON_TYPE = "application/json"


class ErrorRenderer(Protocol):
    def api_error(self, request: Request, error: ApiError) -> Response: ...

    def domain_error(self, request: Request, error: DomainError) -> Response: ...


Handler = Callable[[Request, Merchant], Awaitable[Response]]


class JsonResponse(JSONResponse):
    """Starlette's ``JSONResponse``, rendered by ``jsonio.dumps`` (amounts as JSON
    numbers from their ``Decimal``, instants in UTC with ``Z``)."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JsonResponse(data, status, headers)


def runtime_of(request: Request) -> Runtime:
    """The runtime of the app serving ``request``."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def base_url(request: Request) -> str:
    """The URL the app is served at, as the client named it (the legacy API answers
    absolute URLs)."""
    return str(request.base_url)


def header(request: Request, name: bytes) -> str | None:
    """The first value of header ``name`` (``request.headers.get``)."""
    return request.headers.get(name.decode("latin-1"))


def authenticate(request: Request, runtime: Runtime | None = None) -> Merchant:
    runtime = runtime or runtime_of(request)
    values = request.headers.getlist("x-api-key")
    if not values:
        raise ApiError(401, "UNAUTHORIZED", "the x-api-key header is missing")
    if len(values) > 1:
        raise ApiError(401, "UNAUTHORIZED", "send the x-api-key header once")
    key = values[0].strip()
    if not key:
        raise ApiError(401, "UNAUTHORIZED", "the x-api-key header is empty")
    allowed = runtime.settings.api_keys
    if allowed and key not in allowed:
        raise ApiError(401, "UNAUTHORIZED", "the API key is not known to this server")
    return runtime.state.merchant(key)


def api_endpoint(
    renderer: ErrorRenderer,
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a ``handler(request, merchant)``: authenticate, and render every error."""

    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            runtime = runtime_of(request)
            try:
                return await handler(request, authenticate(request, runtime))
            except ApiError as error:
                return renderer.api_error(request, error)
            except DomainError as error:
                return renderer.domain_error(request, error)
            finally:
                # "immediate" progression steps run once the request's own change is done
                # (with no timer pending there is nothing to run).
                if runtime.timers:
                    runtime.run_due()

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return decorate


async def read_body(request: Request, limit: int | None = None) -> bytes:
    """The whole body, up to ``limit`` bytes (``--max-body-bytes`` by default): what
    ``request.stream()`` gives, read from ``receive`` without its generator."""
    if limit is None:
        limit = runtime_of(request).settings.max_body_bytes
    declared = header(request, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    if hasattr(request, "_body") or request._stream_consumed:  # read before: Starlette's way
        return await _read_stream(request, limit)
    receive = request._receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.request":
            chunk = message.get("body", b"")
            last = not message.get("more_body", False)
            if last:
                request._stream_consumed = True
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
            if last:
                return b"".join(chunks)
        elif kind == "http.disconnect":
            request._is_disconnected = True
            raise ClientDisconnect()


async def _read_stream(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "PAYLOAD_TOO_LARGE", f"the request body is larger than {limit} bytes")


async def read_json(request: Request) -> Any:
    return parse_json_body(await read_json_bytes(request))


async def read_json_bytes(request: Request) -> bytes:
    """The body of a request that declares JSON (or declares nothing), unparsed."""
    content_type = header(request, b"content-type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != JSON_TYPE and not media.endswith("+json"):
        raise ApiError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send Content-Type: application/json, not '{media}' "
            "(with curl: -H 'content-type: application/json')",
        )
    return await read_body(request)


def parse_json_body(body: bytes) -> Any:
    """The JSON document of a request body; an empty or invalid one is a 400."""
    if not body.strip():
        raise ApiError(
            400, "MALFORMED_JSON", "the request body is empty; a JSON object is expected"
        )
    try:
        return loads(body)
    except JsonSyntaxError as exc:
        raise ApiError(
            400, "MALFORMED_JSON", f"the request body is not valid JSON: {exc}"
        ) from None


async def read_object(request: Request) -> dict[str, Any]:
    """The JSON object of the body (what ``read_model`` validates)."""
    return json_object(await read_json(request))


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


async def read_model(request: Request, model: type[M]) -> M:
    return validate_model(model, await read_object(request))


_IDENTIFIER = re.compile(r"[^\x00-\x1f/]{1,255}")


def path_identifier(request: Request, name: str) -> str:
    """A merchant-chosen id taken from the path, held to the same rule as in bodies."""
    value: str = request.path_params[name]
    if not _IDENTIFIER.fullmatch(value):
        message = "an id is 1 to 255 characters, without control characters or '/'"
        raise ApiError(
            400,
            "INVALID_PARAMETER",
            f"path parameter '{name}': {message}",
            [Problem(name, "INVALID_FORMAT", message, location="path")],
        )
    return value


def validate_model(model: type[M], data: dict[str, Any]) -> M:
    from pydantic import ValidationError  # loaded with ``model`` already

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc)
        raise ApiError(400, "VALIDATION_ERROR", _summary(problems), problems) from None


def _summary(problems: list[Problem]) -> str:
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"invalid request body: {first.path}: {first.message}{more}"
