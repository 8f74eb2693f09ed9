"""The webhook client (aiohttp) against a scripted loopback receiver: what an attempt
records for each thing a receiver can do, and when a connection is reused."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import trustme

from mock_ingrid.webhooks.http_client import Answer, HttpClient
from tests.webhooks.helpers import reserve_port

T = TypeVar("T")
HEADERS = {"webhook-id": "msg_1"}
SESSION_HEADERS = {"content-type": "application/json", "user-agent": "mock-ingrid/test"}
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
HOLD = b"hold"  # the receiver never answers (until the test ends)
# What the receiver does with a request: the bytes to answer (None: hang up without
# answering), then whether to close the connection.
Script = tuple[bytes | None, bool]


@dataclass
class Seen:
    connection: int
    head: bytes
    body: bytes


@dataclass
class Receiver:
    """Answers the n-th request with ``script[n]``, then ``(OK, False)``."""

    script: list[Script] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    handlers: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/hooks", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        self.connections += 1
        number = self.connections
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                index = len(self.seen)
                self.seen.append(Seen(number, head, body))
                answer, close = self.script[index] if index < len(self.script) else (OK, False)
                if answer == HOLD:
                    await self.hold.wait()
                    continue
                if answer is not None:
                    writer.write(answer)
                    await writer.drain()
                if answer is None or close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client closed the connection
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()  # the client can now see it closed


def run_with_receiver(
    script: list[Script],
    test: Callable[[Receiver], Awaitable[T]],
    tls: ssl.SSLContext | None = None,
) -> T:
    async def main() -> T:
        receiver = Receiver(script)
        listening = await asyncio.start_server(receiver.serve, "127.0.0.1", 0, ssl=tls)
        receiver.port = listening.sockets[0].getsockname()[1]
        try:
            return await test(receiver)
        finally:
            receiver.hold.set()
            listening.close()
            for handler in receiver.handlers:  # the client is closed: let them see the EOF
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(handler, 5)

    return asyncio.run(main())


def client(timeout: float = 5.0, tls: ssl.SSLContext | None = None) -> HttpClient:
    return HttpClient(timeout, limit=8, limit_per_origin=4, headers=SESSION_HEADERS, tls=tls)


async def post(
    http: HttpClient, receiver: Receiver, body: bytes = b"{}", keep: int = 1024
) -> Answer:
    return await http.post(receiver.url("/hooks?x=1"), HEADERS, body, keep)


def test_one_kept_alive_connection_carries_attempts_in_turn_with_the_headers_given() -> None:
    async def check(receiver: Receiver) -> None:
        http = client()
        for n in range(3):
            answer = await post(http, receiver, b'{"n": %d}' % n)
            assert (answer.status, answer.body_start, answer.error) == (200, b"ok", None)
        await http.aclose()
        assert receiver.connections == 1
        assert [s.body for s in receiver.seen] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
        head = receiver.seen[0].head.decode().lower()
        assert head.startswith("post /hooks?x=1 http/1.1\r\n")
        assert f"host: 127.0.0.1:{receiver.port}\r\n" in head
        for line in ("webhook-id: msg_1", "content-type: application/json", "content-length: 8"):
            assert f"\r\n{line}\r\n" in head
        assert "\r\nuser-agent: mock-ingrid/test\r\n" in head

    run_with_receiver([], check)


def test_user_info_in_the_url_becomes_basic_authorization() -> None:
    async def check(receiver: Receiver) -> None:
        http = client()
        url = f"http://user:p%40ss@127.0.0.1:{receiver.port}/h"
        assert (await http.post(url, HEADERS, b"{}", 10)).status == 200
        await http.aclose()
        assert b"\r\nauthorization: basic dxnlcjpwqhnz\r\n" in receiver.seen[0].head.lower()

    run_with_receiver([], check)


def test_an_error_status_its_headers_and_a_chunked_body_are_the_answer() -> None:
    chunked = (
        b"HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n"
        b"Retry-After: 7\r\n\r\n4;ext=1\r\nbusy\r\n7\r\n, later\r\n0\r\nx-trailer: t\r\n\r\n"
    )

    async def check(receiver: Receiver) -> None:
        http = client()
        first = await post(http, receiver)
        assert (first.status, first.body_start, first.error) == (503, b"busy, later", None)
        assert first.headers["retry-after"] == "7"  # names are case-insensitive
        assert (await post(http, receiver)).body_start == b"ok"
        await http.aclose()
        assert receiver.connections == 1

    run_with_receiver([(chunked, False)], check)


def test_the_start_of_a_long_body_is_kept_and_the_connection_serves_the_next_attempt() -> None:
    long = b"a" * 100_000
    by_length = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(long), long)

    async def check(receiver: Receiver) -> None:
        http = client()
        assert (await post(http, receiver, keep=10)).body_start == b"a" * 10
        assert (await post(http, receiver)).body_start == b"ok"
        await http.aclose()
        assert receiver.connections == 1

    run_with_receiver([(by_length, False)], check)


def test_a_redirect_is_the_answer_not_followed() -> None:
    async def check(receiver: Receiver) -> None:
        elsewhere = receiver.url("/elsewhere")
        redirect = b"HTTP/1.1 307 Temporary Redirect\r\nlocation: %s\r\ncontent-length: 0\r\n\r\n"
        receiver.script.append((redirect % elsewhere.encode(), False))
        http = client()
        answer = await post(http, receiver)
        await http.aclose()
        assert (answer.status, answer.headers["location"]) == (307, elsewhere)
        assert len(receiver.seen) == 1

    run_with_receiver([], check)


def test_an_interim_answer_is_skipped_and_a_gzip_body_is_shown_decoded() -> None:
    packed = gzip.compress(b"compressed anyway")
    answer = (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-encoding: gzip\r\n"
        b"content-length: %d\r\n\r\n%s" % (len(packed), packed)
    )

    async def check(receiver: Receiver) -> None:
        http = client()
        got = await post(http, receiver)
        await http.aclose()
        assert (got.status, got.body_start) == (202, b"compressed anyway")

    run_with_receiver([(answer, False)], check)


def test_connection_close_an_http_1_0_answer_or_a_body_until_close_is_not_reused() -> None:
    closing = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok"
    old = b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok"
    until_close = b"HTTP/1.1 500 Internal Server Error\r\n\r\nno framing"

    async def check(receiver: Receiver) -> None:
        http = client()
        assert (await post(http, receiver)).status == 200
        assert (await post(http, receiver)).status == 200
        failed = await post(http, receiver)
        assert (failed.status, failed.body_start) == (500, b"no framing")
        assert (await post(http, receiver)).status == 200
        await http.aclose()
        assert [s.connection for s in receiver.seen] == [1, 2, 3, 4]

    run_with_receiver([(closing, True), (old, True), (until_close, True)], check)


def test_a_connection_the_receiver_closed_after_answering_is_replaced() -> None:
    async def check(receiver: Receiver) -> None:
        http = client()
        assert (await post(http, receiver, b"first")).status == 200
        await asyncio.wait_for(receiver.handlers.pop(), 5)  # its side is closed
        second = await post(http, receiver, b"second")
        await http.aclose()
        assert (second.status, second.error) == (200, None)
        assert [(s.connection, s.body) for s in receiver.seen] == [(1, b"first"), (2, b"second")]

    run_with_receiver([(OK, True)], check)


def test_a_receiver_that_hangs_up_without_answering_fails_the_attempt_sent_once() -> None:
    async def check(receiver: Receiver) -> None:
        http = client()
        dropped = await post(http, receiver, b"first")
        assert dropped.status is None
        assert dropped.error == "the receiver closed the connection without sending a response"
        assert (await post(http, receiver, b"second")).status == 200
        await http.aclose()
        assert [(s.connection, s.body) for s in receiver.seen] == [(1, b"first"), (2, b"second")]

    run_with_receiver([(None, True)], check)


def test_a_receiver_cut_off_mid_body_fails_the_attempt() -> None:
    cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this"

    async def check(receiver: Receiver) -> None:
        http = client()
        answer = await post(http, receiver)
        await http.aclose()
        assert answer.status is None
        assert answer.error is not None and answer.error.startswith("the response body was cut")

    run_with_receiver([(cut, True)], check)


def test_a_timeout_fails_the_attempt_and_its_connection_is_not_reused() -> None:
    async def check(receiver: Receiver) -> None:
        http = client(timeout=0.2)
        held = await post(http, receiver)
        assert (held.status, held.error) == (None, "timed out after 0.2 s")
        receiver.hold.set()
        assert (await post(http, receiver)).status == 200
        await http.aclose()
        assert [s.connection for s in receiver.seen] == [1, 2]

    run_with_receiver([(HOLD, False)], check)


def test_garbage_instead_of_a_status_line_is_an_invalid_response() -> None:
    async def check(receiver: Receiver) -> None:
        http = client()
        answer = await post(http, receiver)
        await http.aclose()
        assert answer.status is None
        assert answer.error is not None and answer.error.startswith("an invalid response")

    run_with_receiver([(b"SSH-2.0-OpenSSH\r\n\r\n", False)], check)


def test_a_refused_connection_fails_the_attempt() -> None:
    sock = reserve_port()  # bound, not listening
    port = sock.getsockname()[1]

    async def check() -> Answer:
        http = client()
        try:
            return await http.post(f"http://127.0.0.1:{port}/", HEADERS, b"{}", 10)
        finally:
            await http.aclose()

    try:
        answer = asyncio.run(check())
    finally:
        sock.close()
    assert answer.status is None
    assert answer.error is not None and answer.error.startswith("connection failed: ")


def test_tls_certificates_are_verified_by_default() -> None:
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_tls)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    async def check(receiver: Receiver) -> None:
        by_default = client()
        refused = await by_default.post(receiver.url(scheme="https"), HEADERS, b"{}", 10)
        await by_default.aclose()
        assert refused.status is None
        assert refused.error is not None and "certificate verify failed" in refused.error
        assert not receiver.seen
        with_the_ca = client(tls=trusting)
        accepted = await with_the_ca.post(receiver.url(scheme="https"), HEADERS, b"{}", 10)
        await with_the_ca.aclose()
        assert (accepted.status, accepted.body_start) == (200, b"ok")

    run_with_receiver([], check, tls=server_tls)
