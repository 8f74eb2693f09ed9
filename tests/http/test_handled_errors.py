"""``HandledErrors``: an expected error becomes its handler's answer; others go on."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.handled_errors import HandledErrors


async def _api_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"api {exc.__class__.__name__}", 418)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(f"http {exc.status_code}", exc.status_code)


class _Special(ApiError):
    pass


def _call(raised: Exception) -> list[dict[str, Any]]:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert "starlette.exception_handlers" in scope  # for Starlette's own endpoints
        raise raised

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    handled = HandledErrors(app, {ApiError: _api_error, HTTPException: _http_error})
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    asyncio.run(handled(scope, receive, send))
    return sent


def test_an_expected_error_is_its_handlers_answer() -> None:
    start, body = _call(HTTPException(404))
    assert (start["status"], body["body"]) == (404, b"http 404")


def test_a_subclass_finds_the_handler_of_its_nearest_class() -> None:
    start, body = _call(_Special(400, "X", "x"))
    assert (start["status"], body["body"]) == (418, b"api _Special")


def test_anything_else_goes_on_to_the_server_error_layer() -> None:
    with pytest.raises(ZeroDivisionError):
        _call(ZeroDivisionError())
