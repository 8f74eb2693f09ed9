"""The benchmark: mock-ingrid side by side with a bare Starlette baseline, in one run.

    .venv/bin/python bench/run.py [--duration 5] [--json bench/results.json]
                                  [--markdown bench/RESULTS.md] [--smoke]

Servers run on one CPU and the load generator (wrk, or the Python fallback in
bench/loadgen.py when wrk is missing) on another. Measured: requests/s and p50/p99
latency at 1, 16 and 64 connections for five API cases, each as a ratio to the
baseline; start-up to ready and idle RSS; RSS and latency with 10k, 100k and 1M
returns loaded through the domain; reset with 10,000 objects; the pytest plugin's
reset before each test; webhook deliveries per second. It prints a table with the
issue's targets marked met / not met, and writes the figures as JSON. It asserts
nothing: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))

import loadgen  # noqa: E402
from loaded_server import API_KEY, rss_kb  # noqa: E402

ORDER_BODY = (
    '{"orderId": "BENCH-{n}", "currencyCode": "SEK", "shippingCost": 49, "totalAmount": 647, '
    '"shippingAddress": {"countryCode": "SE", "city": "Stockholm", "postalCode": "11122"}, '
    '"lineItems": [{"lineItemId": "A", "productId": "P", "variantId": "V1", "quantity": 1, '
    '"originalUnitPrice": 299}, {"lineItemId": "B", "productId": "P", "variantId": "V2", '
    '"quantity": 1, "originalUnitPrice": 299}]}'
)
REPORT_BODY = (
    '{"returnId": "{n}", "items": [{"orderLineItemId": "A", "quantity": 1, "action": "APPROVED"}]}'
)
LIST_PATH = "/returns?status=CONFIRMED&size=20"


@dataclass(frozen=True)
class Case:
    """One request shape. ``{n}`` in the path and body is ``first + i % span`` for the
    i-th request, or ``first + offset + i`` when ``walk`` (each id used once)."""

    name: str
    method: str
    path: str
    body: str = ""
    first: int = 1
    span: int = 1
    walk: bool = False

    @property
    def baseline(self) -> str:
        return "baseline POST" if self.method == "POST" else "baseline GET"


def api_cases(returns: int) -> list[Case]:
    return [
        Case("GET /returns/{id}", "GET", "/returns/{n}", span=returns),
        Case("GET /returns?status (20)", "GET", LIST_PATH),
        Case("POST /orders", "POST", "/orders", ORDER_BODY, walk=True),
        Case(
            "POST /warehouse-reports",
            "POST",
            "/warehouse-reports",
            REPORT_BODY,
            returns + 1,
            0,
            True,
        ),
        Case("GET /merchant/return/{id}", "GET", "/merchant/return/{n}", span=returns),
    ]


BASELINE_CASES = [
    Case("baseline GET", "GET", "/returns/{n}", span=10_000),
    Case("baseline POST", "POST", "/orders", ORDER_BODY, walk=True),
]


# -- processes ------------------------------------------------------------------


@dataclass
class Cpus:
    server: int | None
    load: int | None

    def pin(self, cpu: int | None) -> Callable[[], None] | None:
        if cpu is None:
            return None
        return lambda: os.sched_setaffinity(0, {cpu})


def choose_cpus() -> Cpus:
    """Server on the first allowed CPU, load (and this process) on the second."""
    if not hasattr(os, "sched_getaffinity"):
        return Cpus(None, None)
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return Cpus(None, None)
    return Cpus(allowed[0], allowed[1])


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"x-api-key": API_KEY})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Started:
    process: subprocess.Popen[str]
    ready_s: float
    info: dict[str, Any]


@contextmanager
def server(
    command: list[str], port: int, cpus: Cpus, timeout: float = 60.0, stats_line: bool = False
) -> Iterator[Started]:
    """Start a server on the server CPU; yield once ``/_mock/health`` answers 200."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        stdout=subprocess.PIPE if stats_line else subprocess.DEVNULL,
        text=True,
        preexec_fn=cpus.pin(cpus.server),
    )
    try:
        deadline = started + timeout
        pause = 0.002
        while True:
            try:
                if http_get(port, "/_mock/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{command} was not ready after {timeout:.0f} s")
            time.sleep(pause)
            pause = min(pause * 1.5, 0.05)
        ready = time.perf_counter() - started
        info: dict[str, Any] = {}
        if stats_line and process.stdout is not None:
            info = json.loads(process.stdout.readline())
        yield Started(process, ready, info)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def mock_command(port: int) -> list[str]:
    return [sys.executable, "-m", "mock_ingrid", "serve", "--port", str(port)]


def baseline_command(port: int) -> list[str]:
    return [sys.executable, str(BENCH / "baseline.py"), "--port", str(port)]


def loaded_command(port: int, returns: int, pool: int = 0) -> list[str]:
    command = [sys.executable, str(BENCH / "loaded_server.py"), "--port", str(port)]
    return [*command, "--returns", str(returns), "--pool", str(pool)]


# -- load generation ------------------------------------------------------------

LUA = """
wrk.method = "@METHOD@"
wrk.headers["x-api-key"] = "@KEY@"
@CONTENT_TYPE@
local path = [==[@PATH@]==]
local body = [==[@BODY@]==]
local first, span, walk = @FIRST@, @SPAN@, @WALK@
local i = 0
request = function()
  local n
  if walk then n = first + i else n = first + (i % span) end
  i = i + 1
  local s = tostring(n)
  local b = nil
  if body ~= "" then b = (string.gsub(body, "{n}", s)) end
  return wrk.format(nil, (string.gsub(path, "{n}", s)), nil, b)
end
"""


class LoadGenerator:
    def __init__(self, kind: str, seconds: float, cpus: Cpus) -> None:
        self.kind = kind
        self.cpus = cpus
        # wrk takes whole seconds, at least one.
        self.seconds = max(1, round(seconds)) if kind == "wrk" else seconds

    def describe(self) -> str:
        if self.kind == "wrk":
            version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
            words = (version.stdout + version.stderr).split()
            return f"wrk {words[1] if len(words) > 1 else '?'} (1 thread)"
        return "Python (bench/loadgen.py; wrk not used)"

    def measure(self, port: int, case: Case, connections: int, offset: int = 0) -> dict[str, Any]:
        first = case.first + offset if case.walk else case.first
        if self.kind == "wrk":
            result = self._wrk(port, case, connections, first)
        else:
            result = loadgen.run(port, self._maker(case, first), connections, self.seconds)
        result["connections"] = connections
        return result

    def _maker(self, case: Case, first: int) -> loadgen.RequestMaker:
        headers = {"x-api-key": API_KEY}
        if case.body:
            headers["content-type"] = "application/json"

        def make(i: int) -> bytes:
            n = str(first + i if case.walk else first + i % case.span)
            body = case.body.replace("{n}", n).encode()
            return loadgen.http_request(case.method, case.path.replace("{n}", n), body, headers)

        return make

    def _wrk(self, port: int, case: Case, connections: int, first: int) -> dict[str, Any]:
        content_type = 'wrk.headers["content-type"] = "application/json"' if case.body else ""
        script = (
            LUA.replace("@METHOD@", case.method)
            .replace("@KEY@", API_KEY)
            .replace("@CONTENT_TYPE@", content_type)
            .replace("@PATH@", case.path)
            .replace("@BODY@", case.body)
            .replace("@FIRST@", str(first))
            .replace("@SPAN@", str(max(case.span, 1)))
            .replace("@WALK@", "true" if case.walk else "false")
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        try:
            command = ["wrk", "-t1", f"-c{connections}", f"-d{self.seconds}s", "--latency"]
            command += ["--timeout", "10s", "-s", handle.name, f"http://127.0.0.1:{port}"]
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                preexec_fn=self.cpus.pin(self.cpus.load),
            )
        finally:
            os.unlink(handle.name)
        return parse_wrk(done.stdout + done.stderr)


def parse_wrk(out: str) -> dict[str, Any]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or not total:
        raise RuntimeError(f"wrk gave no figures:\n{out}")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        errors += sum(int(g) for g in sockets.groups())
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _wrk_percentile(out, "50%"),
        "p99_ms": _wrk_percentile(out, "99%"),
        "requests": int(total.group(1)),
        "errors": errors,
    }


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\b", out, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


WARM_UP_REQUESTS = 50
# Far outside every walk, so warming up uses none of the ids a measured run walks.
WARM_UP_ID = 10**12


def warm_up(port: int, cases: list[Case]) -> None:
    """A few unmeasured requests of each case first: a case's figures should not
    include the one-off costs of its first requests (start-up is measured on its own)."""
    for case in cases:
        path = case.path.replace("{n}", str(WARM_UP_ID))
        body = case.body.replace("{n}", str(WARM_UP_ID)).encode() or None
        headers = {"x-api-key": API_KEY, "content-type": "application/json"}
        for _ in range(WARM_UP_REQUESTS):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(case.method, path, body=body, headers=headers)
                connection.getresponse().read()
            finally:
                connection.close()


def run_case(
    load: LoadGenerator, port: int, case: Case, connections: list[int], offset: int = 0
) -> tuple[dict[int, dict[str, Any]], int]:
    """The case at each connection count; returns the figures and the next walk offset."""
    figures = {}
    for c in connections:
        result = load.measure(port, case, c, offset)
        figures[c] = result
        offset += result["requests"] + c  # requests still in flight used their ids too
    return figures, offset


def probe_ms(port: int, path: str, samples: int) -> dict[str, Any]:
    """Median and worst of ``samples`` sequential requests (a single-client latency)."""
    times, status = [], 0
    for _ in range(samples):
        started = time.perf_counter()
        status, _ = http_get(port, path, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "path": path,
        "status": status,
        "median_ms": statistics.median(times),
        "max_ms": max(times),
    }


# -- the phases -------------------------------------------------------------------


def phase_startup(cpus: Cpus, repeats: int) -> dict[str, Any]:
    """Start each server ``repeats`` times, alternating; idle RSS right after ready."""
    found: dict[str, Any] = {
        "baseline": {"ready_s": [], "idle_rss_mb": []},
        "mock": {"ready_s": [], "idle_rss_mb": []},
    }
    for _ in range(repeats):
        for name, command in (("baseline", baseline_command), ("mock", mock_command)):
            port = free_port()
            with server(command(port), port, cpus) as started:
                found[name]["ready_s"].append(started.ready_s)
                rss = rss_kb(started.process.pid)
                found[name]["idle_rss_mb"].append(rss / 1024 if rss is not None else None)
    for entry in found.values():
        entry["ready_s_median"] = statistics.median(entry["ready_s"])
        rss_values = [v for v in entry["idle_rss_mb"] if v is not None]
        entry["idle_rss_mb_median"] = statistics.median(rss_values) if rss_values else None
    return found


def phase_baseline(load: LoadGenerator, cpus: Cpus, connections: list[int]) -> dict[str, Any]:
    port = free_port()
    results: dict[str, Any] = {}
    with server(baseline_command(port), port, cpus):
        warm_up(port, BASELINE_CASES)
        for case in BASELINE_CASES:
            results[case.name], _ = run_case(load, port, case, connections)
    return results


REPORTS = "POST /warehouse-reports"


def phase_api(
    load: LoadGenerator, cpus: Cpus, connections: list[int], returns: int, pool: int | None
) -> dict[str, Any]:
    """The API cases on a server with ``returns`` returns; then ``POST /warehouse-reports``
    on a second one with the same returns plus a pool of CONFIRMED returns, one report
    each, sized from the ``POST /orders`` rate just measured (unless ``pool`` is given),
    and from the reports' own rate when they ran out of it."""
    results: dict[str, Any] = {}
    cases: dict[str, Any] = {}
    port = free_port()
    with server(loaded_command(port, returns), port, cpus, 300, stats_line=True) as started:
        results["data"] = started.info
        warm_up(port, api_cases(returns))
        for case in api_cases(returns):
            if case.name != REPORTS:
                cases[case.name], _ = run_case(load, port, case, connections)
        rss = rss_kb(started.process.pid)
        results["rss_after_mb"] = rss / 1024 if rss is not None else None
    report = next(case for case in api_cases(returns) if case.name == REPORTS)
    sized = pool is None
    if pool is None:
        pool = _pool_for(cases["POST /orders"], load.seconds, connections)
    figures, used = _run_reports(load, cpus, returns, pool, report, connections)
    if used > pool and sized:
        # The reports outran a pool sized from POST /orders (measured while the machine
        # was busier, say): sized again from their own rate, and measured again.
        pool = _pool_for(figures, load.seconds, connections)
        figures, used = _run_reports(load, cpus, returns, pool, report, connections)
    results["report_pool"] = pool
    if used > pool:
        results["report_pool_exhausted"] = f"{used} ids needed, {pool} in the pool"
    # In the order of the issue.
    results["cases"] = {
        case.name: figures if case.name == REPORTS else cases[case.name]
        for case in api_cases(returns)
    }
    return results


def _pool_for(rates: dict[int, dict[str, Any]], seconds: float, connections: list[int]) -> int:
    """CONFIRMED returns enough for a case as fast as twice the fastest of ``rates``."""
    fastest = max(float(r["rps"]) for r in rates.values())
    return math.ceil(2 * max(fastest, 500) * seconds * len(connections))


def _run_reports(
    load: LoadGenerator,
    cpus: Cpus,
    returns: int,
    pool: int,
    report: Case,
    connections: list[int],
) -> tuple[dict[int, dict[str, Any]], int]:
    """The reports case on a server with ``pool`` more CONFIRMED returns; the figures
    and the number of returns it used."""
    port = free_port()
    with server(loaded_command(port, returns, pool), port, cpus, 300, stats_line=True):
        warm_up(port, [report])
        return run_case(load, port, report, connections)


def _available_kb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _too_big(
    level: int, per_return_kb: float | None, per_return_s: float | None, max_load_s: float
) -> str | None:
    """Why a level is skipped: its memory or load time, projected from the level before."""
    available = _available_kb()
    if per_return_kb is not None and available is not None:
        needed = per_return_kb * level * 1.15 + 200_000
        if needed > available * 0.8:
            return (
                f"would need about {needed / 1024:,.0f} MB "
                f"({per_return_kb:.1f} KB per return), {available / 1024:,.0f} MB available"
            )
    if per_return_s is not None and per_return_s * level > max_load_s:
        return (
            f"loading would take about {per_return_s * level:.0f} s "
            f"({per_return_s * 1e6:.0f} us per return), over --max-load-seconds {max_load_s:g}"
        )
    return None


def phase_scale(
    load: LoadGenerator,
    cpus: Cpus,
    connections: list[int],
    levels: list[int],
    samples: int,
    max_load_s: float,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    per_return_kb: float | None = None
    per_return_s: float | None = None
    for level in levels:
        reason = _too_big(level, per_return_kb, per_return_s, max_load_s)
        if reason is not None:
            results[str(level)] = {"skipped": reason}
            print(f"  {level:,} returns: skipped, {reason}", flush=True)
            continue
        port = free_port()
        command = loaded_command(port, level)
        print(f"  {level:,} returns: loading ...", flush=True)
        timeout = 60 + max_load_s * 2
        with server(command, port, cpus, timeout, stats_line=True) as started:
            info = started.info
            per_return_s = info["load_s"] / level
            if info.get("rss_before_kb") and info.get("rss_after_kb"):
                per_return_kb = (info["rss_after_kb"] - info["rss_before_kb"]) / level
            entry: dict[str, Any] = {
                "data": info,
                "rss_mb": info["rss_after_kb"] / 1024 if info.get("rss_after_kb") else None,
                "rss_per_return_kb": per_return_kb,
                "cases": {},
            }
            scaled = [
                case
                for case in api_cases(level)
                if case.name in ("GET /returns/{id}", "GET /returns?status (20)")
            ]
            warm_up(port, scaled)
            for case in scaled:
                entry["cases"][case.name], _ = run_case(load, port, case, connections)
            confirmed = level // 10
            last_page = max(confirmed - 1, 0) // 20
            few = max(1, samples // 4) if level >= 1_000_000 else samples
            entry["probes"] = {
                "list, last page of status=CONFIRMED": probe_ms(
                    port, f"{LIST_PATH}&page={last_page}", samples
                ),
                "GET /merchant/return (legacy list)": probe_ms(
                    port, "/merchant/return?page=0&size=20", few
                ),
            }
            rss = rss_kb(started.process.pid)
            entry["rss_after_runs_mb"] = rss / 1024 if rss is not None else None
            results[str(level)] = entry
    return results


def phase_reset(objects: int, repeats: int) -> dict[str, Any]:
    """``Runtime.reset`` (what ``POST /_mock/reset`` runs) with ``objects`` orders and
    returns, half each, loaded through the domain; timed in this process."""
    from loaded_server import load

    from mock_ingrid.runtime import Runtime
    from mock_ingrid.settings import Settings

    times = []
    for _ in range(repeats):
        runtime = Runtime.build(Settings())
        load(runtime, objects // 2, settle=False)
        m = runtime.state.merchant(API_KEY)
        count = len(m.orders) + len(m.returns)
        gc.collect()
        started = time.perf_counter()
        runtime.reset()
        times.append((time.perf_counter() - started) * 1000)
    return {"objects": count, "ms": times, "ms_median": statistics.median(times)}


def phase_plugin_reset(resets: int) -> dict[str, Any]:
    """The ``mock_ingrid`` fixture's reset of the default handle (bench/plugin_reset.py)."""
    import plugin_reset

    return plugin_reset.measure(resets)


def phase_webhooks(cpus: Cpus, latency_events: int, events: int, subscriptions: int) -> Any:
    import webhooks

    return asyncio.run(webhooks.run(latency_events, events, subscriptions, cpu=cpus.server))


# -- report -------------------------------------------------------------------------


def _ratio(value: float | None, base: float | None) -> float:
    if value is None or base is None or base == 0 or math.isnan(value) or math.isnan(base):
        return float("nan")
    return value / base


def _row(name: str, c: int, r: dict[str, Any], base: dict[str, Any]) -> str:
    flag = f"{r['errors']}" if r.get("errors") else ""
    return (
        f"{name:30} {c:>4} {r['rps']:>9.0f} {_ratio(r['rps'], base['rps']):>6.2f}"
        f" {r['p50_ms']:>7.2f} {_ratio(r['p50_ms'], base['p50_ms']):>6.2f}"
        f" {r['p99_ms']:>7.2f} {_ratio(r['p99_ms'], base['p99_ms']):>6.2f} {flag:>6}"
    )


HEADER = (
    f"{'case':30} {'conn':>4} {'req/s':>9} {'x base':>6} {'p50 ms':>7} {'x base':>6}"
    f" {'p99 ms':>7} {'x base':>6} {'errors':>6}"
)


def _get(tree: Any, *keys: Any) -> Any:
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each of the issue's targets; None: not measured."""
    api, base = results.get("api", {}).get("cases", {}), results.get("baseline", {})
    out: list[tuple[str, str, bool | None]] = []

    def ratio_target(label: str, case: str, baseline: str, least: float) -> None:
        r, b = _get(api, case, 16, "rps"), _get(base, baseline, 16, "rps")
        if r is None or b is None:
            out.append((label, "16 connections not measured", None))
            return
        if b == 0:  # a starved machine: the baseline completed no request in the window
            out.append((label, f"baseline served no request ({r:.0f} req/s)", None))
            return
        value = r / b
        out.append((label, f"{value:.2f} x ({r:.0f} / {b:.0f} req/s)", value >= least))

    ratio_target("GET /returns/{id} >= 0.6 x baseline req/s at 16 conn", "GET /returns/{id}",
                 "baseline GET", 0.6)  # fmt: skip
    p99 = _get(api, "GET /returns/{id}", 16, "p99_ms")
    out.append(
        ("GET /returns/{id} p99 < 3 ms at 16 conn", "not measured", None)
        if p99 is None
        else ("GET /returns/{id} p99 < 3 ms at 16 conn", f"{p99:.2f} ms", p99 < 3)
    )
    ratio_target("POST /orders >= 0.35 x baseline POST at 16 conn", "POST /orders",
                 "baseline POST", 0.35)  # fmt: skip
    ratio_target("GET /returns?status >= 0.3 x baseline at 16 conn", "GET /returns?status (20)",
                 "baseline GET", 0.3)  # fmt: skip
    scale = results.get("scale", {})
    conn = min(results["settings"]["scale_connections"])
    label = f"list p50 at 1M <= 1.5 x p50 at 10k ({conn} conn)"
    low = _get(scale, "10000", "cases", "GET /returns?status (20)", conn, "p50_ms")
    high = _get(scale, "1000000", "cases", "GET /returns?status (20)", conn, "p50_ms")
    if low is None or high is None:
        out.append((label, "10k and 1M levels not both measured", None))
    else:
        out.append((label, f"{high:.2f} ms / {low:.2f} ms = {high / low:.2f} x", high <= 1.5 * low))
    ready = _get(results, "startup", "mock", "ready_s_median")
    base_ready = _get(results, "startup", "baseline", "ready_s_median")
    if ready is not None and base_ready:
        out.append(
            (
                "ready <= 2.5 x baseline start-up",
                f"{ready:.2f} s / {base_ready:.2f} s = {ready / base_ready:.2f} x",
                ready <= 2.5 * base_ready,
            )
        )
    else:
        out.append(("ready <= 2.5 x baseline start-up", "not measured", None))
    idle = _get(results, "startup", "mock", "idle_rss_mb_median")
    out.append(
        ("idle RSS <= 60 MB", "not measured", None)
        if idle is None
        else ("idle RSS <= 60 MB", f"{idle:.1f} MB", idle <= 60)
    )
    per = _get(scale, "1000000", "rss_per_return_kb")
    out.append(
        ("RSS per return at 1M <= 3 KB", "1M level not measured", None)
        if per is None
        else ("RSS per return at 1M <= 3 KB", f"{per:.2f} KB", per <= 3)
    )
    reset = _get(results, "reset", "ms_median")
    objects = _get(results, "reset", "objects")
    out.append(
        ("reset with 10k objects < 20 ms", "not measured", None)
        if reset is None
        else (
            "reset with 10k objects < 20 ms",
            f"{reset:.2f} ms ({objects:,} objects)",
            reset < 20 if objects == 10_000 else None,
        )
    )
    rate = _get(results, "webhooks", "deliveries_per_s")
    out.append(
        (">= 2000 webhook deliveries/s", "not measured", None)
        if rate is None
        else (">= 2000 webhook deliveries/s", f"{rate:.0f}/s", rate >= 2000)
    )
    return out


def render(results: dict[str, Any]) -> str:
    lines: list[str] = []
    meta, settings = results["meta"], results["settings"]
    lines.append(
        f"mock-ingrid benchmark, {meta['date']}; {meta['machine']}; "
        f"server on CPU {meta['server_cpu']}, load on CPU {meta['load_cpu']}; "
        f"load generator: {meta['load_generator']}; {settings['seconds']} s per run"
    )
    start = results["startup"]
    mock_ready, base_ready = start["mock"]["ready_s_median"], start["baseline"]["ready_s_median"]
    mock_rss, base_rss = (
        start["mock"]["idle_rss_mb_median"],
        start["baseline"]["idle_rss_mb_median"],
    )
    lines.append(
        f"\nstart-up to ready (median of {settings['startup_repeats']}): mock-ingrid "
        f"{mock_ready:.3f} s, baseline {base_ready:.3f} s ({_ratio(mock_ready, base_ready):.2f} x)"
    )
    lines.append(f"idle RSS: mock-ingrid {mock_rss or float('nan'):.1f} MB, baseline "
                 f"{base_rss or float('nan'):.1f} MB")  # fmt: skip
    api = results["api"]
    data = api["data"]
    lines.append(
        f"\nAPI, {data['returns']:,} returns loaded ({data['refunds']:,} refunds); GET cases "
        "against the baseline GET, POST cases against the baseline POST (same body)"
    )
    lines.append(HEADER)
    baseline = results["baseline"]
    for name in ("baseline GET", "baseline POST"):
        for c, r in baseline[name].items():
            lines.append(_row(name, c, r, r))
    notes = []
    for name, by_conn in api["cases"].items():
        ref = "baseline POST" if name.startswith("POST") else "baseline GET"
        for c, r in by_conn.items():
            lines.append(_row(name, c, r, baseline[ref][c]))
            if r.get("errors"):
                notes.append(f"! {name} at {c} conn: {r['errors']} errors, row not valid")
    if api.get("report_pool_exhausted"):
        notes.append(f"! the pool of reportable returns ran out: {api['report_pool_exhausted']}")
    lines.append(
        f"(POST /warehouse-reports ran on a second server with {api['report_pool']:,} more "
        "CONFIRMED returns, one report each)"
    )
    lines += notes
    lines.append("\ndata scale (returns loaded through the domain; same server otherwise)")
    scale_header = f"{'returns':>9} {'load s':>7} {'RSS MB':>8} {'KB/return':>9}  {'case':26}"
    lines.append(scale_header + f" {'conn':>4} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7}")
    probe_lines = []
    for level, entry in results["scale"].items():
        n = int(level)
        if "skipped" in entry:
            lines.append(f"{n:>9,} skipped: {entry['skipped']}")
            continue
        head = (
            f"{n:>9,} {entry['data']['load_s']:>7.1f} {entry['rss_mb'] or float('nan'):>8.0f}"
            f" {entry['rss_per_return_kb'] or float('nan'):>9.2f}"
        )
        for name, by_conn in entry["cases"].items():
            for c, r in by_conn.items():
                err = f"  ! {r['errors']} errors" if r.get("errors") else ""
                lines.append(
                    f"{head}  {name:26} {c:>4} {r['rps']:>9.0f} {r['p50_ms']:>7.2f}"
                    f" {r['p99_ms']:>7.2f}{err}"
                )
                head = " " * len(head)
        for name, probe in entry["probes"].items():
            probe_lines.append(
                f"{n:>9,}  {name:38} median {probe['median_ms']:>9.2f} ms, "
                f"max {probe['max_ms']:>9.2f} ms (HTTP {probe['status']})"
            )
    lines.append("\none client, sequential requests:")
    lines += probe_lines
    reset = results["reset"]
    lines.append(
        f"\nreset with {reset['objects']:,} objects (orders + returns): "
        f"{reset['ms_median']:.2f} ms (median of {len(reset['ms'])})"
    )
    import plugin_reset

    lines.append(plugin_reset.describe(results["plugin_reset"]))
    hooks = results["webhooks"]
    lines.append(
        f"webhooks, {hooks['subscriptions']} subscriptions: {hooks['deliveries_per_s']:.0f} "
        f"deliveries/s (a backlog of {hooks['backlog_deliveries']:,}); latency event -> "
        f"receiver p50 {hooks['latency_p50_ms']:.1f} ms, p99 {hooks['latency_p99_ms']:.1f} ms"
    )
    lines.append("\ntargets (printed, never asserted)")
    for label, measured, met in targets(results):
        verdict = "not measured" if met is None else "met" if met else "NOT MET"
        lines.append(f"  {label:52} {measured:40} {verdict}")
    lines.append(f"\nwhole run: {results['meta']['elapsed_s']:.0f} s")
    return "\n".join(lines)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def _server_stack() -> str:
    found = []
    for name in ("uvloop", "httptools"):
        try:
            __import__(name)
            found.append(name)
        except ImportError:
            pass
    return "uvicorn " + (" + ".join(found) if found else "asyncio + h11")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per load run")
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--scale-connections", default="1,16")
    parser.add_argument("--returns", type=int, default=10_000, help="returns for the API cases")
    parser.add_argument("--levels", default="10000,100000,1000000", help="returns per scale level")
    parser.add_argument(
        "--max-load-seconds",
        type=float,
        default=240,
        help="skip a scale level whose loading is projected to take longer",
    )
    parser.add_argument("--report-pool", type=int, help="reportable returns (default: sized)")
    parser.add_argument("--startup-repeats", type=int, default=5)
    parser.add_argument("--reset-objects", type=int, default=10_000)
    parser.add_argument("--webhook-events", type=int, default=2_000)
    parser.add_argument("--plugin-resets", type=int, default=1_000)
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--json", default=str(BENCH / "results.json"), help="JSON output")
    parser.add_argument("--markdown", help="also write the table to this file, e.g. RESULTS.md")
    parser.add_argument("--smoke", action="store_true", help="everything, tiny: checks the harness")
    args = parser.parse_args(argv)
    if args.smoke:
        args.connections = args.scale_connections = "16"
        args.returns, args.levels, args.startup_repeats = 300, "300,3000", 1
        args.reset_objects, args.webhook_events, args.plugin_resets = 1_000, 20, 20
    began = time.perf_counter()
    kind = args.loadgen
    if kind == "auto":
        kind = "wrk" if shutil.which("wrk") else "python"
        if kind == "python":
            print(
                "wrk not found (Debian: apt-get install wrk): using the Python load generator "
                "(bench/loadgen.py), which can be the bottleneck against fast servers",
                flush=True,
            )
    elif kind == "wrk" and not shutil.which("wrk"):
        print("bench/run.py: wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    seconds = args.duration if not args.smoke else (1 if kind == "wrk" else 0.3)
    cpus = choose_cpus()
    if cpus.load is not None:
        os.sched_setaffinity(0, {cpus.load})  # this process and its receiver: the load side
    load = LoadGenerator(kind, seconds, cpus)
    connections = [int(c) for c in args.connections.split(",")]
    scale_connections = [int(c) for c in args.scale_connections.split(",")]
    levels = [int(n) for n in args.levels.split(",")]
    results: dict[str, Any] = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "server": _server_stack(),
            "server_cpu": cpus.server,
            "load_cpu": cpus.load,
            "load_generator": load.describe(),
        },
        "settings": {
            "seconds": load.seconds,
            "connections": connections,
            "scale_connections": scale_connections,
            "returns": args.returns,
            "levels": levels,
            "startup_repeats": args.startup_repeats,
            "smoke": args.smoke,
        },
    }
    print("start-up and idle RSS ...", flush=True)
    results["startup"] = phase_startup(cpus, args.startup_repeats)
    print("baseline ...", flush=True)
    results["baseline"] = phase_baseline(load, cpus, connections)
    print(f"API cases ({args.returns:,} returns) ...", flush=True)
    results["api"] = phase_api(load, cpus, connections, args.returns, args.report_pool)
    print("data scale ...", flush=True)
    samples = 3 if args.smoke else 20
    results["scale"] = phase_scale(
        load, cpus, scale_connections, levels, samples, args.max_load_seconds
    )
    print("reset ...", flush=True)
    results["reset"] = phase_reset(args.reset_objects, 3 if args.smoke else 7)
    print("pytest plugin reset ...", flush=True)
    results["plugin_reset"] = phase_plugin_reset(args.plugin_resets)
    print("webhooks ...", flush=True)
    if args.smoke:
        results["webhooks"] = phase_webhooks(cpus, 10, args.webhook_events, 2)
    else:
        results["webhooks"] = phase_webhooks(cpus, 300, args.webhook_events, 4)
    results["targets"] = [
        {"target": label, "measured": measured, "met": met}
        for label, measured, met in targets(results)
    ]
    results["meta"]["elapsed_s"] = time.perf_counter() - began
    text = render(results)
    print("\n" + text)
    Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwritten: {args.json}")
    if args.markdown:
        Path(args.markdown).write_text(
            f"# Benchmark results\n\n{results['meta']['date']}, {results['meta']['machine']}, "
            f"{results['meta']['server']}.\nCommand: `.venv/bin/python bench/run.py"
            f"{' --smoke' if args.smoke else ''} --duration {args.duration:g}`\n\n"
            f"```\n{text}\n```\n"
        )
        print(f"written: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
