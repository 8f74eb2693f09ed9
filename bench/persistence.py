"""Persistence: the state file's save and load against orjson on the same file, memory,
an upload's peak, and the API while a large state is being saved.

    .venv/bin/python bench/persistence.py [--returns 10000] [--large 50000]
                                          [--seconds 20] [--json FILE]

1. A server (``mock-ingrid serve --state-file``) makes ``--returns`` returns over
   HTTP: an order, its return, and for nine in ten a warehouse report (so a refund);
   ``POST /_mock/state/save`` writes the file. Its resident memory: "made".
2. In this process, on that file (best of several runs, wall time): orjson's parse of
   it, and its write (``dumps``, write, fsync: the durability a save has); the
   emulator's load (``Persistence.load``: read, check, build, index) and save
   (``Persistence.document`` through ``StateFile.write``: temporary file, fsync,
   rename, fsync of the folder). Ratios: save / orjson write <= 5, load / orjson
   parse <= 4. The CPU-time ratios are printed too (fsync waits for the disk).
3. A server started on the file: its resident memory once ready, "restored"
   (<= 1.5 x made).
4. ``PUT /_mock/state`` of the file into a fresh server: the peak of its resident
   memory above where it was, against the body's size (<= 3 x).
5. ``--large`` returns (made through the domain, saved as a state file): a server on
   it answers ``GET /returns/{id}`` from four clients while ``POST /_mock/state/save``
   saves again and again (a forked process writes each): the GET p99 (< 50 ms);
   then a change and a SIGTERM: the time to a saved, stopped server (< 10 s, the
   grace ``docker stop`` gives), and the CPU time the server used for it.

It asserts nothing: a benchmark, not a test. On a busy machine the ratios hold
better than the times (both sides of each ratio run in the same conditions).
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT))

from loaded_server import load as load_through_domain  # noqa: E402
from loaded_server import rss_kb  # noqa: E402

from mock_ingrid.runtime import Runtime, tune_collector  # noqa: E402
from mock_ingrid.settings import Settings  # noqa: E402
from mock_ingrid.state_file import StateFile  # noqa: E402

KEY = "bench"
PRODUCT = (
    b'{"productId": "P", "title": "Tee", "variants": [{"variantId": "V1", "sku": "S1"}, '
    b'{"variantId": "V2", "sku": "S2"}]}'
)
ORDER = (
    '{{"orderId": "O{n}", "currencyCode": "SEK", "shippingCost": 49, "totalAmount": 647.50, '
    '"shippingAddress": {{"countryCode": "SE", "city": "Stockholm", "postalCode": "11122"}}, '
    '"lineItems": [{{"lineItemId": "A", "productId": "P", "variantId": "V1", "quantity": 1, '
    '"originalUnitPrice": 299.25}}, {{"lineItemId": "B", "productId": "P", "variantId": "V2", '
    '"quantity": 1, "originalUnitPrice": 299}}], "shipments": [{{"shipmentId": "S", '
    '"lineItems": [{{"orderLineItemId": "A", "quantity": 1}}, '
    '{{"orderLineItemId": "B", "quantity": 1}}]}}]}}'
)
RETURN = b'{"items": [{"orderLineItemId": "A", "quantity": 1}]}'
REPORT = (
    '{{"returnId": "{id}", "items": '
    '[{{"orderLineItemId": "A", "quantity": 1, "action": "APPROVED"}}]}}'
)


# -- servers -----------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(*args: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    command = [sys.executable, "-m", "mock_ingrid", "serve", "--port", str(port), *args]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                if call(port, "GET", "/_mock/health")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not start")
            time.sleep(0.05)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a running process has used so far, with that of
    the children it has waited for (its forked saves), as ``wait4`` counts it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # utime, stime, cutime and cstime: the 14th to 17th fields of the line (the 12th to
    # 15th after the command's closing parenthesis), in clock ticks
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def call(
    port: int, method: str, path: str, body: bytes = b"", timeout: float = 600
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"x-api-key": KEY, "content-type": "application/json"}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """A keep-alive connection for one thread."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        headers = {"x-api-key": KEY, "content-type": "application/json"}
        self.connection.request(method, path, body=body or None, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def make_over_http(port: int, returns: int, clients: int = 8) -> None:
    assert call(port, "POST", "/products", PRODUCT)[0] in (200, 201)
    numbers: queue.Queue[int] = queue.Queue()
    for n in range(returns):
        numbers.put(n)

    def work() -> None:
        client = Client(port)
        while True:
            try:
                n = numbers.get_nowait()
            except queue.Empty:
                return
            status, _ = client.send("POST", "/orders", ORDER.format(n=n).encode())
            assert status == 201, status
            status, body = client.send("POST", f"/orders/O{n}/returns", RETURN)
            assert status == 201, (status, body)
            if n % 10 != 9:
                report = REPORT.format(id=json.loads(body)["returnId"]).encode()
                status, body = client.send("POST", "/warehouse-reports", report)
                assert status in (200, 201), (status, body)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- timing -----------------------------------------------------------------------------


def best(run: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """The shortest wall time and CPU time of ``repeats`` runs (collected between)."""
    walls, cpus = [], []
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        del result
    return min(walls), min(cpus)


def durable_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def compare(state_file: Path, repeats: int) -> dict[str, Any]:
    """orjson and the emulator on the same file, in this process, turn about."""
    text = state_file.read_bytes()
    scratch = state_file.with_name("scratch.json")
    tune_collector()  # as the server

    def orjson_parse() -> Any:
        return orjson.loads(state_file.read_bytes())

    parsed = orjson.loads(text)

    def orjson_write() -> None:
        durable_write(scratch, orjson.dumps(parsed))

    def load() -> Runtime:
        runtime = Runtime.build(Settings(state_file=state_file))
        runtime.freezes_heap = True  # as the server
        runtime.persistence.load()
        return runtime

    loaded = load()
    target = StateFile(scratch)

    def save() -> None:
        target.write(loaded.persistence.document())

    figures = {
        "orjson_parse": best(orjson_parse, repeats),
        "orjson_write": best(orjson_write, repeats),
        "load": best(load, repeats),
        "save": best(save, repeats),
    }
    gc.unfreeze()
    scratch.unlink()
    return {name: {"wall_s": w, "cpu_s": c} for name, (w, c) in figures.items()} | {
        "bytes": len(text)
    }


# -- memory ---------------------------------------------------------------------------


def rss_peak_during(pid: int, run: Callable[[], Any]) -> tuple[int, int]:
    """(resident KB before, peak resident KB) of ``pid`` while ``run`` runs."""
    before = rss_kb(pid) or 0
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid) or 0)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        run()
    finally:
        done.set()
        sampler.join()
    return before, max(peak, rss_kb(pid) or 0)


# -- the API during saves ---------------------------------------------------------------


def latency_while_saving(port: int, returns: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    saves: list[float] = []
    stop = threading.Event()

    def get() -> None:
        client = Client(port)
        n = 0
        while not stop.is_set():
            n = n % returns + 1
            started = time.perf_counter()
            status, _ = client.send("GET", f"/returns/{n}")
            latencies.append(time.perf_counter() - started)
            assert status == 200, status

    readers = [threading.Thread(target=get) for _ in range(4)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status, body = call(port, "POST", "/_mock/state/save")
        assert status == 200, body
        saves.append(time.perf_counter() - started)
    stop.set()
    for reader in readers:
        reader.join()
    ordered = sorted(latencies)
    return {
        "gets": len(ordered),
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99)],
        "max_ms": 1000 * ordered[-1],
        "saves": len(saves),
        "save_median_s": statistics.median(saves),
    }


def make_large_file(path: Path, returns: int) -> None:
    runtime = Runtime.build(Settings(state_file=path))
    gc.disable()
    load_through_domain(runtime, returns)
    gc.enable()
    assert runtime.persistence.file is not None
    runtime.persistence.file.write(runtime.persistence.document())


# -- the run --------------------------------------------------------------------------


def run(returns: int, large: int, repeats: int, seconds: float, folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"returns": returns, "large": large}
    state_file = folder / "made.json"
    print(f"making {returns:,} returns over HTTP ...", flush=True)
    with server("--state-file", str(state_file), "--save-interval", "0") as (process, port):
        started = time.perf_counter()
        make_over_http(port, returns)
        results["make_s"] = time.perf_counter() - started
        results["made_rss_kb"] = rss_kb(process.pid)
        started = time.perf_counter()
        status, body = call(port, "POST", "/_mock/state/save")
        assert status == 200, body
        results["server_save_s"] = time.perf_counter() - started
    print("orjson and the emulator on the file ...", flush=True)
    results["compare"] = compare(state_file, repeats)
    print("a server restored from the file ...", flush=True)
    with server("--state-file", str(state_file), "--save-interval", "0") as (process, port):
        results["restored_rss_kb"] = rss_kb(process.pid)
    print("an upload of the file ...", flush=True)
    upload = state_file.read_bytes()
    with server() as (process, port):
        # The first import loads the handlers' modules: not part of an upload's cost.
        assert call(port, "PUT", "/_mock/state", b'{"version": 1, "merchants": []}')[0] == 200

        def put() -> None:
            status, answer = call(port, "PUT", "/_mock/state", upload)
            assert status == 200, answer

        before, peak = rss_peak_during(process.pid, put)
        results["upload"] = {"bytes": len(upload), "rss_before_kb": before, "rss_peak_kb": peak}
    if large:
        large_file = folder / "large.json"
        print(f"{large:,} returns: making the file ...", flush=True)
        make_large_file(large_file, large)
        results["large_bytes"] = large_file.stat().st_size
        args = ("--state-file", str(large_file), "--save-interval", "0")
        with server(*args) as (process, port):
            print("  GETs while saving ...", flush=True)
            results["during_saves"] = latency_while_saving(port, large, seconds)
            assert call(port, "POST", "/_mock/merchants", b'{"apiKey": "changed"}')[0] == 201
            cpu_before = cpu_seconds(process.pid)
            started = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            # (wait4, not Popen.wait: the server's own CPU time comes with its status)
            _, status, usage = os.wait4(process.pid, 0)
            results["stop_with_save_s"] = time.perf_counter() - started
            results["stop_exit_code"] = os.waitstatus_to_exitcode(status)
            results["stop_cpu_s"] = usage.ru_utime + usage.ru_stime - cpu_before
    return results


def render(r: dict[str, Any]) -> str:
    c = r["compare"]
    lines = [f"state file of {r['returns']:,} returns made over HTTP: {c['bytes'] / 1e6:.1f} MB"]
    for name in ("orjson_write", "save", "orjson_parse", "load"):
        wall, cpu = c[name]["wall_s"] * 1000, c[name]["cpu_s"] * 1000
        lines.append(f"  {name:13} {wall:8.0f} ms wall {cpu:8.0f} ms CPU")

    def ratio(ours: str, theirs: str, kind: str) -> float:
        return float(c[ours][kind] / c[theirs][kind])

    made, restored = r["made_rss_kb"], r["restored_rss_kb"]
    upload = r["upload"]
    grown = (upload["rss_peak_kb"] - upload["rss_before_kb"]) * 1024 / upload["bytes"]
    targets = [
        ("save <= 5 x orjson write (wall)", f"{ratio('save', 'orjson_write', 'wall_s'):.2f} x"),
        ("  (CPU time)", f"{ratio('save', 'orjson_write', 'cpu_s'):.2f} x"),
        ("load <= 4 x orjson parse (wall)", f"{ratio('load', 'orjson_parse', 'wall_s'):.2f} x"),
        ("  (CPU time)", f"{ratio('load', 'orjson_parse', 'cpu_s'):.2f} x"),
        (
            "restored RSS <= 1.5 x made",
            f"{restored / 1024:.0f} MB / {made / 1024:.0f} MB = {restored / made:.2f} x",
        ),
        ("upload peak <= 3 x body", f"{grown:.2f} x ({upload['bytes'] / 1e6:.1f} MB body)"),
    ]
    if "during_saves" in r:
        d = r["during_saves"]
        targets += [
            (
                f"GET p99 < 50 ms while {r['large']:,} returns are saved",
                f"p99 {d['p99_ms']:.1f} ms, p50 {d['p50_ms']:.1f}, max {d['max_ms']:.0f} "
                f"({d['gets']:,} GETs, {d['saves']} saves of {r['large_bytes'] / 1e6:.0f} MB, "
                f"median {d['save_median_s']:.2f} s)",
            ),
            (
                f"stop with a save of {r['large']:,} returns < 10 s",
                f"{r['stop_with_save_s']:.2f} s wall, {r['stop_cpu_s']:.2f} s CPU "
                f"(exit {r['stop_exit_code']})",
            ),
        ]
    lines.append(
        f"made over HTTP in {r['make_s']:.0f} s; POST /_mock/state/save {r['server_save_s']:.2f} s"
    )
    lines.append("targets (printed, never asserted)")
    lines += [f"  {label:44} {value}" for label, value in targets]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returns", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=50_000, help="0 to skip")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="of GETs while the large state is saved"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mock-ingrid-bench-") as folder:
        results = run(args.returns, args.large, args.repeats, args.seconds, Path(folder))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
