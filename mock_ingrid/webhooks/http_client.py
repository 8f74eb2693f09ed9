"""Just enough HTTP/1.1 to POST webhooks: asyncio streams, keep-alive pools per origin.

The dispatcher sends one request shape (a POST with a small body, no redirects
followed, the answer's status, a few headers and the start of its body), so a
general client's per-request machinery is mostly overhead here. This one:

- keeps idle connections per origin (scheme, host, port), newest first, closing
  those idle longer than ``idle_expiry`` or beyond ``max_idle`` in all;
- reads ``Content-Length``, chunked and read-until-close bodies, skips ``1xx``
  interim answers, and drops the connection on ``Connection: close`` (or an
  HTTP/1.0 answer without keep-alive);
- sends again once, on a new connection, when a reused idle connection turns
  out closed before any byte of the answer came back (the receiver dropped it
  while idle); an error on a new connection is the attempt's error.

Timeouts are the caller's (``asyncio.timeout`` around ``post``): a cancelled
exchange closes its connection, so nothing half-read goes back to the pool.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

MAX_HEAD_BYTES = 64 * 1024
READ_CHUNK = 64 * 1024
IDLE_EXPIRY = 5.0
MAX_IDLE = 64
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a request target (the rest is percent-encoded).
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
_QUERY_SAFE = _PATH_SAFE + "?"

Origin = tuple[str, str, int]


class HttpError(Exception):
    """The attempt failed below HTTP (no usable answer); ``str()`` says why."""


class ConnectError(HttpError):
    """No connection: refused, unresolvable host, TLS handshake failed."""


class ProtocolError(HttpError):
    """The receiver hung up early or answered something that is not HTTP/1.x."""


class _Stale(Exception):
    """A reused connection was closed before any byte of the answer came back."""


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed webhook URL: where to connect and the start of the request head."""

    origin: Origin
    host: str  # to connect to (no brackets around IPv6)
    tls: bool
    head: bytes  # request line, Host and (from the URL's user info) Authorization
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; repeated fields joined with ", "
    body_start: bytes  # the first ``keep`` bytes of the body (decoded if gzip/deflate)


def parse_target(url: str) -> Target:
    """Never raises: a URL that cannot be sent to gives a Target whose ``error`` says why."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(f"unsupported scheme '{parts.scheme}' (http or https)")
        host = parts.hostname
        if not host:
            raise ValueError("no host")
        port = parts.port or DEFAULT_PORTS[scheme]
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        return Target(("invalid", url, 0), "", False, b"", f"invalid URL '{url}': {exc}")
    shown = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if port != DEFAULT_PORTS[scheme]:
        shown = f"{shown}:{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=_QUERY_SAFE)}"
    lines = [f"POST {path} HTTP/1.1", f"host: {shown}"]
    if parts.username is not None:
        userinfo = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        token = base64.b64encode(userinfo.encode("utf-8")).decode("ascii")
        lines.append(f"authorization: Basic {token}")
    head = ("\r\n".join(lines) + "\r\n").encode("ascii")
    return Target((scheme, ascii_host, port), ascii_host, scheme == "https", head)


class _Reader(asyncio.StreamReader):
    """A stream reader that notes whether bytes arrived, and whether while idle."""

    idle = False
    spoiled = False  # bytes came while idle (a 408 before closing, say): not reusable
    answered = False  # some of the answer to the request out has arrived

    def feed_data(self, data: bytes) -> None:  # type: ignore[override]
        if self.idle:
            self.spoiled = True
        self.answered = True
        super().feed_data(data)


class _Connection:
    __slots__ = ("idle_since", "origin", "reader", "writer")

    def __init__(self, origin: Origin, reader: _Reader, writer: asyncio.StreamWriter) -> None:
        self.origin = origin
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self, now: float, expiry: float) -> bool:
        return (
            now - self.idle_since < expiry
            and not self.reader.spoiled
            and not self.reader.at_eof()
            and not self.writer.transport.is_closing()
        )

    def close(self) -> None:
        self.writer.transport.abort()


class HttpClient:
    """Connections of one event loop; ``aclose`` closes them all."""

    def __init__(self, max_idle: int = MAX_IDLE, idle_expiry: float = IDLE_EXPIRY) -> None:
        self.max_idle = max_idle
        self.idle_expiry = idle_expiry
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._in_use: set[_Connection] = set()
        self._swept = time.monotonic()
        self._tls: ssl.SSLContext | None = None

    async def post(self, target: Target, headers: bytes, body: bytes, keep: int) -> Response:
        """POST ``body`` with ``headers`` (complete ``name: value\\r\\n`` lines, without
        Host or Content-Length); ``keep`` bytes of the answer's body are returned."""
        if target.error is not None:
            raise HttpError(target.error)
        request = b"".join((target.head, headers, b"content-length: %d\r\n\r\n" % len(body), body))
        connection = self._take_idle(target.origin)
        if connection is not None:
            try:
                return await self._exchange(connection, request, keep, reused=True)
            except _Stale:
                pass  # dropped by the receiver while idle: once more, on a new connection
        connection = await self._connect(target)
        return await self._exchange(connection, request, keep, reused=False)

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        self._idle_count = 0
        for connection in self._in_use:
            connection.close()
        self._in_use.clear()

    # -- connections ----------------------------------------------------------------

    def _take_idle(self, origin: Origin) -> _Connection | None:
        connections = self._idle.get(origin)
        now = time.monotonic()
        while connections:
            connection = connections.pop()
            self._idle_count -= 1
            if connection.usable(now, self.idle_expiry):
                return connection
            connection.close()
        return None

    def _put_idle(self, connection: _Connection) -> None:
        now = time.monotonic()
        if now - self._swept > self.idle_expiry:
            self._sweep(now)
        if self._idle_count >= self.max_idle:
            connection.close()
            return
        connection.idle_since = now
        connection.reader.idle = True
        self._idle.setdefault(connection.origin, []).append(connection)
        self._idle_count += 1

    def _sweep(self, now: float) -> None:
        """Close what has been idle too long, so origins not called again let go."""
        self._swept = now
        for origin, connections in list(self._idle.items()):
            kept = [c for c in connections if c.usable(now, self.idle_expiry)]
            for connection in connections:
                if connection not in kept:
                    connection.close()
            self._idle_count -= len(connections) - len(kept)
            if kept:
                self._idle[origin] = kept
            else:
                del self._idle[origin]

    async def _connect(self, target: Target) -> _Connection:
        """``asyncio.open_connection``, with a reader that notes what arrives."""
        loop = asyncio.get_running_loop()
        reader = _Reader(limit=MAX_HEAD_BYTES, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
        try:
            if target.tls:
                transport, _ = await loop.create_connection(
                    lambda: protocol,
                    target.host,
                    target.origin[2],
                    ssl=self._tls_context(),
                    server_hostname=target.host,
                )
            else:
                transport, _ = await loop.create_connection(
                    lambda: protocol, target.host, target.origin[2]
                )
        except (OSError, ValueError) as exc:  # refused, unreachable, unresolved, TLS
            raise ConnectError(str(exc) or type(exc).__name__) from None
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        return _Connection(target.origin, reader, writer)

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            context = ssl.create_default_context()
            try:  # the CA bundle httpx used before, where installed (system CAs stay too)
                import certifi

                context.load_verify_locations(certifi.where())
            except ImportError:
                pass
            context.set_alpn_protocols(["http/1.1"])
            self._tls = context
        return self._tls

    # -- one exchange ---------------------------------------------------------------

    async def _exchange(
        self, connection: _Connection, request: bytes, keep: int, reused: bool
    ) -> Response:
        self._in_use.add(connection)
        reusable = False
        reader = connection.reader
        reader.idle = reader.answered = False
        try:
            try:
                connection.writer.write(request)
                await connection.writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if reused and not exc.partial:
                    raise _Stale from None
                raise ProtocolError(
                    "the receiver closed the connection without sending a response"
                    if not exc.partial
                    else "the receiver closed the connection in the response head"
                ) from None
            except asyncio.LimitOverrunError:
                raise ProtocolError("the response head is too long") from None
            except OSError as exc:  # reset, broken pipe, a TLS error
                if reused and not reader.answered:
                    raise _Stale from None
                raise ProtocolError(f"{type(exc).__name__}: {exc}") from None
            try:
                status, version, headers = _parse_head(head)
                while 100 <= status < 200 and status != 101:  # interim: the answer follows
                    head = await reader.readuntil(b"\r\n\r\n")
                    status, version, headers = _parse_head(head)
                body, until_close = await _read_body(reader, status, headers, keep)
            except asyncio.IncompleteReadError:
                raise ProtocolError("the receiver closed the connection mid-response") from None
            except asyncio.LimitOverrunError:
                raise ProtocolError("a response head or chunk line is too long") from None
            except OSError as exc:
                raise ProtocolError(f"{type(exc).__name__}: {exc}") from None
            connection_header = headers.get("connection", "").lower()
            if version == "HTTP/1.0":
                reusable = "keep-alive" in connection_header
            else:
                reusable = "close" not in connection_header
            # After a 101 the connection speaks another protocol; after an unframed
            # body it has ended.
            reusable = reusable and not until_close and status != 101
            encoding = headers.get("content-encoding", "").strip().lower()
            if body and encoding in ("gzip", "x-gzip", "deflate"):
                body = _decoded_start(body, encoding, keep)
            return Response(status, headers, body)
        finally:
            self._in_use.discard(connection)
            if reusable:
                self._put_idle(connection)
            else:
                connection.close()


def _parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise ProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise ProtocolError(f"a malformed response header line: {line[:80]!r}")
        name = name.lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return int(code), version, headers


async def _read_body(
    reader: asyncio.StreamReader, status: int, headers: dict[str, str], keep: int
) -> tuple[bytes, bool]:
    """The first ``keep`` bytes of the body, the rest read and dropped; and whether the
    body ran until the connection closed (so the connection cannot be reused)."""
    if status in (204, 304) or 100 <= status < 200:
        return b"", False
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader, keep), False
    length = headers.get("content-length")
    if length is not None:
        first = length.split(",")[0].strip()  # repeated identical values are allowed
        if not first.isdigit():
            raise ProtocolError(f"an invalid content-length: {length[:40]!r}")
        return await _read_exactly(reader, int(first), keep), False
    kept = bytearray()
    while chunk := await reader.read(READ_CHUNK):
        if len(kept) < keep:
            kept += chunk[: keep - len(kept)]
    return bytes(kept), True


async def _read_exactly(reader: asyncio.StreamReader, size: int, keep: int) -> bytes:
    if size <= READ_CHUNK:
        return (await reader.readexactly(size))[:keep]
    kept = bytearray()
    left = size
    while left:
        chunk = await reader.readexactly(min(left, READ_CHUNK))
        left -= len(chunk)
        if len(kept) < keep:
            kept += chunk[: keep - len(kept)]
    return bytes(kept)


async def _read_chunked(reader: asyncio.StreamReader, keep: int) -> bytes:
    kept = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ProtocolError(f"an invalid chunk size: {size_text[:20]!r}") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailer fields, ignored
            return bytes(kept)
        chunk = await _read_exactly(reader, size, keep - len(kept) if len(kept) < keep else 0)
        kept += chunk
        if await reader.readexactly(2) != b"\r\n":
            raise ProtocolError("a chunk does not end with CRLF")


def _decoded_start(body: bytes, encoding: str, keep: int) -> bytes:
    """As much of a compressed body's start as decodes (a receiver that compressed
    unasked); the raw bytes when they do not decode."""
    import zlib

    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        return zlib.decompressobj(wbits).decompress(body, keep)
    except zlib.error:
        try:  # deflate is sometimes sent raw, without the zlib header
            return zlib.decompressobj(-zlib.MAX_WBITS).decompress(body, keep)
        except zlib.error:
            return body
