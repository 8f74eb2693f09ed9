"""The webhook HTTP/1.1 client against a scripted loopback server: framing, keep-alive,
``Connection: close``, a stale kept-alive connection, timeouts and refusals."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pytest

from mock_ingrid.webhooks.http_client import (
    ConnectError,
    HttpClient,
    HttpError,
    ProtocolError,
    Response,
    parse_target,
)
from tests.webhooks.helpers import reserve_port

T = TypeVar("T")
HEADERS = b"content-type: application/json\r\nwebhook-id: msg_1\r\n"
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
# What the server does with a request: the bytes to answer (None: hang up without
# answering), then whether to close the connection.
Answer = tuple[bytes | None, bool]


@dataclass
class Seen:
    connection: int
    head: bytes
    body: bytes


@dataclass
class Server:
    """Answers the n-th request with ``script[n]``, then ``(OK, False)``."""

    script: list[Answer] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    closed_by_client: int = 0
    port: int = 0
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    handlers: set[asyncio.Task[None]] = field(default_factory=set)

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
                if answer == b"hold":
                    await self.hold.wait()
                    continue
                if answer is not None:
                    writer.write(answer)
                    await writer.drain()
                if answer is None or close:
                    writer.close()
                    return
        except asyncio.IncompleteReadError:
            self.closed_by_client += 1
            writer.close()


def run_with_server(script: list[Answer], test: Callable[[Server], Awaitable[T]]) -> T:
    async def main() -> T:
        server = Server(script)
        listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
        server.port = listening.sockets[0].getsockname()[1]
        try:
            return await test(server)
        finally:
            server.hold.set()
            listening.close()
            for handler in server.handlers:  # the client is closed: let them see the EOF
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(handler, 5)

    return asyncio.run(main())


async def post(
    client: HttpClient, server: Server, body: bytes = b"{}", keep: int = 1024
) -> Response:
    target = parse_target(f"http://127.0.0.1:{server.port}/hooks?x=1")
    async with asyncio.timeout(5):
        return await client.post(target, HEADERS, body, keep)


def test_one_kept_alive_connection_carries_requests_in_turn() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        for n in range(3):
            response = await post(client, server, b'{"n": %d}' % n)
            assert (response.status, response.body_start) == (200, b"ok")
        await client.aclose()
        assert server.connections == 1
        assert [s.body for s in server.seen] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
        head = server.seen[0].head.decode()
        assert head.startswith("POST /hooks?x=1 HTTP/1.1\r\n")
        assert f"host: 127.0.0.1:{server.port}\r\n" in head
        assert "webhook-id: msg_1\r\n" in head and "content-length: 8\r\n" in head

    run_with_server([], check)


def test_a_chunked_body_with_extensions_and_trailers_keeps_the_connection() -> None:
    chunked = (
        b"HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n"
        b"retry-after: 7\r\n\r\n4;ext=1\r\nbusy\r\n7\r\n, later\r\n0\r\nx-trailer: t\r\n\r\n"
    )

    async def check(server: Server) -> None:
        client = HttpClient()
        first = await post(client, server)
        assert (first.status, first.body_start) == (503, b"busy, later")
        assert first.headers["retry-after"] == "7"
        assert (await post(client, server)).body_start == b"ok"
        await client.aclose()
        assert server.connections == 1

    run_with_server([(chunked, False)], check)


def test_the_start_of_a_long_body_is_kept_and_the_rest_read_past() -> None:
    long = b"a" * 100_000
    by_length = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(long), long)
    chunk = b"b" * 70_000
    by_chunks = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (
        len(chunk),
        chunk,
    )

    async def check(server: Server) -> None:
        client = HttpClient()
        assert (await post(client, server, keep=10)).body_start == b"a" * 10
        assert (await post(client, server, keep=10)).body_start == b"b" * 10
        assert (await post(client, server)).body_start == b"ok"
        await client.aclose()
        assert server.connections == 1

    run_with_server([(by_length, False), (by_chunks, False)], check)


def test_connection_close_an_http_1_0_answer_and_a_body_until_close_are_not_reused() -> None:
    closing = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok"
    old = b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok"
    until_close = b"HTTP/1.1 500 Internal Server Error\r\n\r\nno framing"

    async def check(server: Server) -> None:
        client = HttpClient()
        assert (await post(client, server)).status == 200
        assert (await post(client, server)).status == 200
        failed = await post(client, server)
        assert (failed.status, failed.body_start) == (500, b"no framing")
        assert (await post(client, server)).status == 200
        await client.aclose()
        assert [s.connection for s in server.seen] == [1, 2, 3, 4]

    run_with_server([(closing, False), (old, False), (until_close, True)], check)


def test_an_interim_answer_is_skipped_and_a_gzip_body_is_shown_decoded() -> None:
    packed = gzip.compress(b"compressed anyway")
    answer = (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-encoding: gzip\r\n"
        b"content-length: %d\r\n\r\n%s" % (len(packed), packed)
    )

    async def check(server: Server) -> None:
        client = HttpClient()
        response = await post(client, server)
        await client.aclose()
        assert (response.status, response.body_start) == (202, b"compressed anyway")

    run_with_server([(answer, False)], check)


def test_a_kept_alive_connection_dropped_unanswered_is_sent_again_once_on_a_new_one() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        await post(client, server, b"first")
        response = await post(client, server, b"second")
        await client.aclose()
        assert response.status == 200
        assert [(s.connection, s.body) for s in server.seen] == [
            (1, b"first"),
            (1, b"second"),
            (2, b"second"),
        ]

    run_with_server([(OK, False), (None, True)], check)


def test_a_connection_the_receiver_closed_while_idle_is_replaced() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        await post(client, server, b"first")
        response = await post(client, server, b"second")
        await client.aclose()
        # Noticed idle (no resend) or at the write (resent): either way one copy arrives.
        assert response.status == 200
        assert [(s.connection, s.body) for s in server.seen] == [(1, b"first"), (2, b"second")]

    run_with_server([(OK, True)], check)


def test_a_new_connection_dropped_unanswered_is_an_error_not_a_resend() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        with pytest.raises(ProtocolError, match="without sending a response"):
            await post(client, server)
        await client.aclose()
        assert len(server.seen) == 1

    run_with_server([(None, True)], check)


def test_a_timed_out_exchange_closes_its_connection() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        target = parse_target(f"http://127.0.0.1:{server.port}/")
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await client.post(target, HEADERS, b"{}", 1024)
        server.hold.set()
        assert (await post(client, server)).status == 200
        await client.aclose()
        assert [s.connection for s in server.seen] == [1, 2]

    run_with_server([(b"hold", False)], check)


def test_garbage_instead_of_a_status_line_is_a_protocol_error() -> None:
    async def check(server: Server) -> None:
        client = HttpClient()
        with pytest.raises(ProtocolError, match="status line"):
            await post(client, server)
        await client.aclose()

    run_with_server([(b"SSH-2.0-OpenSSH\r\n\r\n", False)], check)


def test_idle_connections_expire() -> None:
    async def check(server: Server) -> None:
        client = HttpClient(idle_expiry=0)
        await post(client, server)
        await post(client, server)
        await client.aclose()
        assert server.connections == 2

    run_with_server([], check)


def test_a_refused_connection_is_a_connect_error() -> None:
    sock = reserve_port()  # bound, not listening
    port = sock.getsockname()[1]

    async def check() -> None:
        client = HttpClient()
        with pytest.raises(ConnectError):
            await client.post(parse_target(f"http://127.0.0.1:{port}/"), HEADERS, b"{}", 10)
        await client.aclose()

    try:
        asyncio.run(check())
    finally:
        sock.close()


def test_urls_become_a_request_line_and_a_host_header() -> None:
    target = parse_target("http://[::1]:8080/a b/%41?q=1 2#fragment")
    assert target.origin == ("http", "::1", 8080) and target.host == "::1"
    assert target.head == b"POST /a%20b/%41?q=1%202 HTTP/1.1\r\nhost: [::1]:8080\r\n"
    secure = parse_target("HTTPS://Example.COM:443")
    assert secure.origin == ("https", "example.com", 443) and secure.tls
    assert secure.head == b"POST / HTTP/1.1\r\nhost: example.com\r\n"
    with_user = parse_target("http://user:p%40ss@example.com:80/h")
    assert with_user.head.endswith(b"\r\nauthorization: Basic dXNlcjpwQHNz\r\n")
    for bad in ("ftp://example.com/", "http:///path", "http://example.com:99999/"):
        assert parse_target(bad).error is not None, bad


def test_a_bad_url_fails_the_attempt_without_connecting() -> None:
    async def check() -> None:
        with pytest.raises(HttpError, match="invalid URL"):
            await HttpClient().post(parse_target("ftp://example.com/"), HEADERS, b"{}", 10)

    asyncio.run(check())
