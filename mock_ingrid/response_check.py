"""``--validate-responses``: the server checks each of its own responses against the
OpenAPI document of its path, and answers a response that breaks it as a 500
``RESPONSE_CONTRACT_VIOLATION`` naming the operation and the field.

Off by default (it costs a schema validation per response); the project's own test
suite turns it on, so an emulator that drifted from its documents fails the tests
that use it, with the difference in the failure. The validator (``jsonschema``) is
imported only when the switch is on, so start-up does not pay for it.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("mock_ingrid.contract")
VIOLATION_CODE = "RESPONSE_CONTRACT_VIOLATION"


class ResponseCheck:
    """Buffers each response, checks it, then sends it (or the violation) on."""

    def __init__(self, app: ASGIApp) -> None:
        from mock_ingrid.contract import violation

        self.app = app
        self.violation = violation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def checked(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_checked(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, checked)

    async def _send_checked(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start.get("headers", [])}
        method, path = scope["method"], scope["path"]
        problem = None
        if method != "HEAD":
            problem = self.violation(method, path, start["status"], headers, body)
        if problem is not None:
            logger.error("%s %s: %s", method, path, problem)
            start, body = _violation_response(problem)
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _violation_response(problem: str) -> tuple[Message, bytes]:
    body: dict[str, Any] = {
        "code": VIOLATION_CODE,
        "message": "the emulator's response does not match its OpenAPI document: " + problem,
        "errors": [],
    }
    payload = orjson.dumps(body)
    start: Message = {
        "type": "http.response.start",
        "status": 500,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ],
    }
    return start, payload
