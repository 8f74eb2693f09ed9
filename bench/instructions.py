"""Instructions per request, counted by callgrind: a figure the machine's load does not move.

    .venv/bin/python bench/instructions.py [--case orders] [--requests 500]

Wall-clock figures on a shared machine move by a factor of two from one run to the
next; instruction counts do not. This runs the app in process (no server, no
network: the ASGI app called with one request after another, as uvicorn would call
it) twice under ``valgrind --tool=callgrind``, once with ``--warm-up`` requests and
once with ``--requests`` more, and prints the difference per request: the one-off
costs (start-up, loading, first requests) cancel out. The app is the one
``bench/loaded_server.py`` serves (the journal on, the loaded data frozen), with
200 returns; ``PYTHONHASHSEED`` is fixed, as dict layouts change the counts.

Cases: ``orders`` (POST /orders, bench/run.py's body), ``get`` (GET /returns/{id}),
``legacy`` (GET /merchant/return/{id}), ``list`` (GET /returns?status=CONFIRMED).
Needs valgrind; uvicorn's own work per request is not counted.

The warm-up fills the request journal (1,000 entries by default) before the count
starts: a server that has run a while drops its oldest entry on every call, while
one still filling allocates new memory for each. Counted while it filled (a warm-up
of 50), a GET cost 202,700 instructions; with it full, 195,500.
``--baseline`` counts bench/baseline.py's bare Starlette app on the same requests,
the other side of ``bench/run.py``'s ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from loaded_server import API_KEY, load  # noqa: E402
from run import LIST_PATH, ORDER_BODY  # noqa: E402

from mock_ingrid.settings import Settings  # noqa: E402

RETURNS = 200
FIRST_ORDER = 1_000_000  # ids of the measured orders: none exists before


def request_of(case: str, i: int) -> tuple[str, str, bytes, bytes]:
    """(method, path, query string, body) of the ``i``-th request of ``case``."""
    if case == "orders":
        return "POST", "/orders", b"", ORDER_BODY.replace("{n}", str(FIRST_ORDER + i)).encode()
    if case == "get":
        return "GET", f"/returns/{i % RETURNS + 1}", b"", b""
    if case == "legacy":
        return "GET", f"/merchant/return/{i % RETURNS + 1}", b"", b""
    if case == "list":
        path, _, query = LIST_PATH.partition("?")
        return "GET", path, query.encode(), b""
    raise SystemExit(f"unknown case {case!r}")


async def send_requests(app: Any, case: str, count: int, baseline: bool = False) -> None:
    for i in range(count):
        await send_request(app, case, i, baseline)


async def send_request(app: Any, case: str, i: int, baseline: bool = False) -> None:
    method, path, query, body = request_of(case, i)
    headers = [(b"host", b"127.0.0.1:8080"), (b"x-api-key", API_KEY.encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    statuses = []

    async def receive() -> Any:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    if statuses != [201 if case == "orders" and not baseline else 200]:
        raise SystemExit(f"{method} {path}: answered {statuses}")


def inner(case: str, count: int, baseline: bool) -> None:
    """The measured process: the app, loaded, then ``count`` requests."""
    from mock_ingrid.app import create_app
    from mock_ingrid.runtime import Runtime, freeze_heap, tune_collector
    from mock_ingrid.settings import Settings

    runtime = Runtime.build(Settings())
    gc.disable()
    load(runtime, RETURNS)
    gc.enable()
    freeze_heap()
    tune_collector()
    app = create_app(runtime=runtime)
    if baseline:
        from baseline import app
    asyncio.run(send_requests(app, case, count, baseline))


def instructions(case: str, count: int, baseline: bool) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--inner", "--case", case, "--requests", str(count)]
    command += ["--baseline"] if baseline else []
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="orders", choices=["orders", "get", "legacy", "list"])
    parser.add_argument("--requests", type=int, default=500, help="measured requests")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=Settings().journal_size + 100,
        help="requests in both runs (default: enough to fill the journal)",
    )
    parser.add_argument("--baseline", action="store_true", help="count the bare baseline app")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.case, args.requests, args.baseline)
        return
    few = instructions(args.case, args.warm_up, args.baseline)
    more = instructions(args.case, args.warm_up + args.requests, args.baseline)
    per_request = (more - few) / args.requests
    app = " (the baseline app)" if args.baseline else ""
    counted = f"{per_request:,.0f} instructions per request ({args.requests} requests)"
    print(f"{args.case}{app}: {counted}")


if __name__ == "__main__":
    main()
