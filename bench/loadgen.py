"""A Python HTTP/1.1 load generator: the fallback of ``bench/run.py`` when wrk is missing.

Keep-alive connections on one event loop (uvloop when installed), each sending a
request and reading its answer (content-length bodies only), for a fixed time.
It is slower than wrk: against the fastest servers it can be the bottleneck, so
prefer wrk (Debian: ``apt-get install wrk``) for figures; this one keeps the
harness and its smoke test running anywhere.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

# The request for the n-th call (n = 0, 1, 2, ...), as bytes on the wire.
RequestMaker = Callable[[int], bytes]


def http_request(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method != "GET":
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _content_length(head: bytes) -> int:
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        if b"transfer-encoding" in head.lower():
            raise ValueError("chunked responses are not supported by this load generator")
        return 0
    end = head.find(b"\r\n", at + 2)
    return int(head[at + 17 : end])


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.non_2xx = 0
        self.socket_errors = 0


async def _connection(
    port: int, make: RequestMaker, counter: itertools.count[int], deadline: float, tally: _Tally
) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        tally.socket_errors += 1
        return
    clock = time.perf_counter
    try:
        while clock() < deadline:
            request = make(next(counter))
            sent = clock()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = _content_length(head)
            if length:
                await reader.readexactly(length)
            tally.latencies.append(clock() - sent)
            if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                tally.non_2xx += 1
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        tally.socket_errors += 1
    finally:
        writer.close()


async def _run(port: int, make: RequestMaker, connections: int, seconds: float) -> dict[str, Any]:
    tally = _Tally()
    counter = itertools.count()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(port, make, counter, deadline, tally) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(tally.latencies)

    def percentile(p: float) -> float:
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "requests": len(ordered),
        "errors": tally.non_2xx + tally.socket_errors,
    }


def run(port: int, make: RequestMaker, connections: int, seconds: float) -> dict[str, Any]:
    """Load ``127.0.0.1:port`` for ``seconds``; requests/s, p50/p99 in ms, errors."""
    try:
        import uvloop

        factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        factory = asyncio.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(_run(port, make, connections, seconds))
