"""``/_mock/*``: never an Ingrid path. GET here never changes state."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from mock_ingrid import __version__
from mock_ingrid.api.endpoint import json_response
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.resource import resource

DOCUMENTS = ("current", "legacy", "control")


@cache
def spec_bytes(name: str) -> bytes:
    return resources.files("mock_ingrid.spec").joinpath(f"{name}.json").read_bytes()


async def health(request: Request) -> Response:
    return json_response({"status": "ok", "version": __version__})


async def openapi_document(request: Request) -> Response:
    name = request.path_params["document"]
    if name not in DOCUMENTS:
        raise ApiError(404, "DOCUMENT_NOT_FOUND", f"no OpenAPI document '{name}'; try {', '.join(DOCUMENTS)}")
    return Response(spec_bytes(name), media_type="application/json")


ROUTES: list[BaseRoute] = [
    resource("/_mock/health", get=health),
    resource("/_mock/openapi/{document}.json", get=openapi_document),
]
