"""``Expect: 100-continue`` against a real server process, over a raw socket: the
server answers ``100 Continue`` only to a request it will read; one it refuses before
reading (no or unknown key, a content type or encoding it does not take, too large
by Content-Length) gets its final answer at once, and the client never sends the body."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.builders import REFERENCE_PRODUCT
from tests.server import running_server

KEY = "expect-test-key"
PRODUCT = json.dumps(REFERENCE_PRODUCT).encode()


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    with running_server(["--api-key", KEY, "--max-body-bytes", "4096"]) as base:
        parts = urlsplit(base)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port


def _head(path: str, headers: dict[str, str], length: int) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Expect: 100-continue", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status_line(conn: socket.socket) -> tuple[bytes, bytes]:
    """The first status line the server sends (a deadline, not a sleep: a server that
    waits for the body would time out here)."""
    data = b""
    while b"\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    line, _, rest = data.partition(b"\r\n")
    return line, rest


def _rest(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def _send_expecting(
    address: tuple[str, int], path: str, headers: dict[str, str], body: bytes, length: int
) -> tuple[bytes, bytes]:
    """The first status line, and (after sending the body only on a 100) the rest."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(_head(path, headers, length))
        first, rest = _status_line(conn)
        if first.startswith(b"HTTP/1.1 100"):
            conn.sendall(body)
        return first, rest + _rest(conn)


JSON = {"Content-Type": "application/json"}
REFUSED = [
    ("no key", "/products", JSON, 401),
    ("unknown key", "/products", {**JSON, "x-api-key": "not-" + KEY}, 401),
    ("form type", "/products", {"x-api-key": KEY, "Content-Type": "text/plain"}, 415),
    ("brotli", "/products", {**JSON, "x-api-key": KEY, "Content-Encoding": "br"}, 415),
    (
        "legacy, form type",
        "/merchant/items/returned",
        {"x-api-key": KEY, "Content-Type": "a/b"},
        415,
    ),
    ("control, brotli", "/_mock/faults", {**JSON, "Content-Encoding": "br"}, 415),
]


@pytest.mark.parametrize(("why", "path", "headers", "status"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_request_refused_before_reading_gets_no_100_continue(
    address: tuple[str, int], why: str, path: str, headers: dict[str, str], status: int
) -> None:
    first, _ = _send_expecting(address, path, headers, PRODUCT, len(PRODUCT))
    assert first.startswith(f"HTTP/1.1 {status} ".encode()), (why, first)


def test_too_large_by_content_length_gets_no_100_continue(address: tuple[str, int]) -> None:
    headers = {**JSON, "x-api-key": KEY}
    first, rest = _send_expecting(address, "/products", headers, b"", 5000)
    assert first.startswith(b"HTTP/1.1 413 "), first
    assert b"larger than 4096 bytes" in rest


def test_a_request_that_will_be_read_gets_100_continue_then_its_answer(
    address: tuple[str, int],
) -> None:
    headers = {**JSON, "x-api-key": KEY}
    first, rest = _send_expecting(address, "/products", headers, PRODUCT, len(PRODUCT))
    assert first == b"HTTP/1.1 100 Continue"
    assert b"HTTP/1.1 201 " in rest or b"HTTP/1.1 200 " in rest
    assert b'"productId":"PROD-123"' in rest
