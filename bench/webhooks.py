"""Webhook delivery benchmark: latency from event to receiver, and deliveries per second.

Starts ``mock-ingrid serve`` as a separate process on a free loopback port with
``--webhook-url`` subscriptions pointing at a minimal asyncio HTTP receiver in
this process, then:

1. latency: creates returns one at a time (each fires RETURN_CREATED), waiting
   for its deliveries before the next, and measures receipt time minus the
   payload's ``triggeredAt`` (the emulator runs on the system clock);
2. throughput: pauses deliveries, queues a backlog, resumes, and times how long
   one server takes to deliver all of it; meanwhile a probe sends ``GET
   /returns/{id}`` every few milliseconds (is the API still responsive?), and the
   server's CPU time (Linux ``/proc``) gives the CPU per delivery, a figure that
   depends less on what else the machine runs than deliveries/s does.

It prints figures; it asserts nothing. ``--smoke`` runs a tiny version for CI.
``bench/run.py`` calls ``run`` for its webhook figures, with the server on CPU 0.

    python bench/webhooks.py [--latency-events 300] [--events 2000] [--subscriptions 4] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_YmVuY2htYXJrIHNlY3JldCBvZiBtb2NrLWluZ3JpZA=="
UNITS_PER_ORDER = 50
OK_RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
PROBE_INTERVAL = 0.005


class Receiver:
    """Just enough HTTP/1.1 (keep-alive, content-length) to count and time deliveries."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.count = 0
        self.changed = asyncio.Event()
        self._connections: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def close(self) -> None:
        """Once the emulator is gone its connections end; let their handlers see that."""
        if self._server is not None:
            self._server.close()
        if self._connections:
            await asyncio.wait(set(self._connections), timeout=5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                body = await reader.readexactly(_content_length(head))
                self._record(body)
                writer.write(OK_RESPONSE)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def _record(self, body: bytes) -> None:
        triggered = datetime.fromisoformat(orjson.loads(body)["triggeredAt"].replace("Z", "+00:00"))
        self.latencies.append(time.time() - triggered.timestamp())
        self.count += 1
        self.changed.set()

    async def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count:
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"received {self.count} of {count} deliveries")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _on_cpu(cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def probe(http: httpx.AsyncClient, path: str, done: asyncio.Event) -> list[float]:
    """Latencies of ``GET path``, one request every PROBE_INTERVAL, until ``done``."""
    latencies = []
    while not done.is_set():
        started = time.perf_counter()
        (await http.get(path)).raise_for_status()
        latencies.append(time.perf_counter() - started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), PROBE_INTERVAL)
    return latencies


@contextmanager
def emulator(urls: list[str], cpu: int | None = None) -> Iterator[tuple[str, int]]:
    port = _free_port()
    args = [sys.executable, "-m", "mock_ingrid", "serve", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--webhook-secret", SECRET]
    for url in urls:
        args += ["--webhook-url", url]
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: _on_cpu(cpu),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"mock-ingrid exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/_mock/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit("mock-ingrid did not become healthy")


async def stock(http: httpx.AsyncClient, orders: int) -> None:
    product = {"productId": "TEE", "title": "T", "variants": [{"variantId": "M", "sku": "TS-M"}]}
    (await http.post("/products", json=product)).raise_for_status()
    for n in range(orders):
        line = {
            "lineItemId": "L1",
            "productId": "TEE",
            "variantId": "M",
            "quantity": UNITS_PER_ORDER,
        }
        line["originalUnitPrice"] = 10
        shipment = {
            "shipmentId": "S1",
            "lineItems": [{"orderLineItemId": "L1", "quantity": UNITS_PER_ORDER}],
        }
        order = {
            "orderId": f"ORD-{n}",
            "currencyCode": "SEK",
            "shippingCost": 0,
            "totalAmount": 10 * UNITS_PER_ORDER,
            "shippingAddress": {"countryCode": "SE"},
            "lineItems": [line],
            "shipments": [shipment],
        }
        (await http.post("/orders", json=order)).raise_for_status()


async def create_returns(http: httpx.AsyncClient, first: int, count: int) -> None:
    body = {"items": [{"orderLineItemId": "L1", "quantity": 1}]}
    for n in range(first, first + count):
        response = await http.post(f"/orders/ORD-{n // UNITS_PER_ORDER}/returns", json=body)
        response.raise_for_status()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def run(
    latency_events: int, events: int, subscriptions: int, cpu: int | None = None
) -> dict[str, float | None]:
    """Print the figures, and return them (milliseconds, deliveries per second)."""
    receiver = Receiver()
    port = await receiver.start()
    urls = [f"http://127.0.0.1:{port}/hooks/{n}" for n in range(subscriptions)]
    orders = -(-(latency_events + events) // UNITS_PER_ORDER)
    with emulator(urls, cpu) as (base, pid):
        async with httpx.AsyncClient(base_url=base, headers={"x-api-key": "bench"}) as http:
            await stock(http, orders)
            # 1. latency, unloaded: one event at a time, each delivered before the next.
            for n in range(latency_events):
                await create_returns(http, n, 1)
                await receiver.wait_for((n + 1) * subscriptions, timeout=60)
            latencies = receiver.latencies[:]
            first = latency_events
            # 2. throughput: a backlog, released at once.
            (await http.post("/_mock/webhooks/pause")).raise_for_status()
            await create_returns(http, first, events)
            expected = receiver.count + events * subscriptions
            done = asyncio.Event()
            probing = asyncio.create_task(probe(http, "/returns/1", done))
            cpu_before = cpu_seconds(pid)
            started = time.perf_counter()
            (await http.post("/_mock/webhooks/resume")).raise_for_status()
            await receiver.wait_for(expected, timeout=300)
            elapsed = time.perf_counter() - started
            cpu_after = cpu_seconds(pid)
            done.set()
            probed = await probing
            status = (await http.get("/_mock/webhooks/status")).json()
    await receiver.close()
    backlog = events * subscriptions
    server_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    print(f"mock-ingrid webhooks, {subscriptions} subscription(s) per event")
    print(
        f"latency (event -> receiver), {latency_events} events one at a time: "
        f"p50 {_ms(statistics.median(latencies))}, p90 {_ms(_percentile(latencies, 90))}, "
        f"p99 {_ms(_percentile(latencies, 99))}, max {_ms(max(latencies))}"
    )
    print(
        f"throughput: a backlog of {backlog} deliveries sent in {elapsed:.2f} s = "
        f"{backlog / elapsed:.0f} deliveries/s"
    )
    if server_cpu is not None:
        print(
            f"server CPU during the backlog: {server_cpu:.2f} s = "
            f"{server_cpu / backlog * 1e6:.0f} us per delivery (with the probe's requests)"
        )
    print(
        f"API meanwhile, GET /returns/1 every {PROBE_INTERVAL * 1000:g} ms: {len(probed)} "
        f"requests, p50 {_ms(statistics.median(probed))}, p99 {_ms(_percentile(probed, 99))}, "
        f"max {_ms(max(probed))}"
    )
    print(f"deliveries by status: {status['deliveries']}")
    return {
        "subscriptions": subscriptions,
        "latency_events": latency_events,
        "latency_p50_ms": statistics.median(latencies) * 1000,
        "latency_p99_ms": _percentile(latencies, 99) * 1000,
        "backlog_deliveries": backlog,
        "backlog_seconds": elapsed,
        "deliveries_per_s": backlog / elapsed,
        "server_cpu_s": server_cpu,
        "cpu_us_per_delivery": None if server_cpu is None else server_cpu / backlog * 1e6,
        "api_probe_requests": len(probed),
        "api_probe_p50_ms": statistics.median(probed) * 1000,
        "api_probe_p99_ms": _percentile(probed, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-events", type=int, default=300, help="events timed one by one")
    parser.add_argument("--events", type=int, default=2000, help="events in the backlog")
    parser.add_argument("--subscriptions", type=int, default=4, help="webhook URLs")
    parser.add_argument("--smoke", action="store_true", help="a few events, for CI")
    args = parser.parse_args()
    if args.smoke:
        asyncio.run(run(10, 20, 2))
    else:
        asyncio.run(run(args.latency_events, args.events, args.subscriptions))


if __name__ == "__main__":
    main()
