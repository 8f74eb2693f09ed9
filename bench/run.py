"""API benchmark, side by side with a bare Starlette baseline, on the same server settings.

Each server runs on CPU 0 and wrk on CPU 1 (when taskset is there). Prints a table of
requests/s and p50/p99 latency per case and connection count, each as a ratio to
the baseline, and writes the figures as JSON. It asserts nothing.

    python bench/run.py [--duration 5] [--connections 1,16,64] [--returns 10000]
                        [--json bench/results.json] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent
KEY = "bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _pinned(cpu: int, command: list[str]) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(cpu), *command]
    return command


@contextmanager
def server(command: list[str], port: int) -> Iterator[float]:
    """Start a server; yields the seconds it took to answer its first request."""
    started = time.perf_counter()
    process = subprocess.Popen(_pinned(0, command), cwd=ROOT.parent)
    try:
        deadline = started + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_mock/health", timeout=0.5)
                break
            except httpx.TransportError:
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.01)
        yield time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


def rss_mb(port: int) -> float | None:
    """Resident memory of the process listening on ``port`` (Linux only)."""
    try:
        out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
        pid = re.search(r"pid=(\d+)", out.stdout)
        if not pid:
            return None
        status = Path(f"/proc/{pid.group(1)}/status").read_text()
        kb = re.search(r"VmRSS:\s+(\d+)", status)
        return int(kb.group(1)) / 1024 if kb else None
    except (OSError, FileNotFoundError):
        return None


LUA = """
wrk.method = "{method}"
wrk.headers["x-api-key"] = "{key}"
wrk.headers["content-type"] = "application/json"
local template = [[{body}]]
local counter = 0
request = function()
  counter = counter + 1
  local body = string.gsub(template, "{{n}}", tostring(counter))
  local path = string.gsub("{path}", "{{n}}", tostring(counter % {modulo}))
  return wrk.format(nil, path, nil, body ~= "" and body or nil)
end
"""

ORDER_BODY = (
    '{"orderId": "NEW-{n}", "currencyCode": "SEK", "shippingCost": 49, "totalAmount": 647, '
    '"shippingAddress": {"countryCode": "SE"}, "lineItems": ['
    '{"lineItemId": "A", "productId": "P", "variantId": "V1", "quantity": 1, '
    '"originalUnitPrice": 299}, {"lineItemId": "B", "productId": "P", "variantId": "V2", '
    '"quantity": 1, "originalUnitPrice": 299}]}'
)
REPORT_BODY = (
    '{"returnId": "{n}", "items": [{"orderLineItemId": "A", "quantity": 1, "action": "APPROVED"}]}'
)


def cases(returns: int) -> list[tuple[str, str, str, str]]:
    """(name, method, path with {n}, body with {n})."""
    return [
        ("GET /returns/{id}", "GET", "/returns/{n}", ""),
        ("GET /returns?status (20)", "GET", "/returns?status=CONFIRMED&size=20", ""),
        ("POST /orders", "POST", "/orders", ORDER_BODY),
        ("POST /warehouse-reports", "POST", "/warehouse-reports", REPORT_BODY),
        ("GET /merchant/return/{id}", "GET", "/merchant/return/{n}", ""),
    ]


def wrk(
    port: int, method: str, path: str, body: str, connections: int, seconds: int, modulo: int
) -> dict[str, float]:
    script = LUA.format(method=method, key=KEY, body=body, path=path, modulo=modulo)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(
        _pinned(
            1,
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
        ),
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(handle.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50_ms": _percentile(out, "50%"), "p99_ms": _percentile(out, "99%")}


def _percentile(out: str, label: str) -> float:
    match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def reset_ms(orders: int) -> float:
    """Milliseconds ``/_mock/reset`` takes with ``orders`` orders and as many returns."""
    sys.path.insert(0, str(ROOT))
    from loaded_server import load

    from mock_ingrid.runtime import Runtime
    from mock_ingrid.settings import Settings

    runtime = Runtime.build(Settings())
    load(runtime, orders)
    started = time.perf_counter()
    runtime.reset()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--returns", type=int, default=10_000)
    parser.add_argument("--json", default=str(ROOT / "results.json"))
    parser.add_argument("--smoke", action="store_true", help="a tiny run, to check the harness")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.connections, args.returns = 1, "4", 200
    if not shutil.which("wrk"):
        sys.exit("bench/run.py needs wrk (Debian: apt-get install wrk)")
    conns = [int(c) for c in args.connections.split(",")]
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    results: dict[str, object] = {"returns": args.returns, "cases": {}}
    port = free_port()
    base_cmd = [*uvicorn, "--app-dir", str(ROOT), "--port", str(port), "baseline:app"]
    baseline: dict[int, dict[str, float]] = {}
    with server(base_cmd, port) as startup:
        results["baseline_startup_s"] = startup
        results["baseline_idle_rss_mb"] = rss_mb(port)
        for c in conns:
            baseline[c] = wrk(port, "GET", "/x", "", c, args.duration, 1)
    results["baseline"] = baseline
    port = free_port()
    with server(
        [sys.executable, "-m", "mock_ingrid", "serve", "--port", str(port)], port
    ) as startup:
        results["startup_s"] = startup
        results["idle_rss_mb"] = rss_mb(port)
    port = free_port()
    loaded = [sys.executable, str(ROOT / "loaded_server.py"), str(port), str(args.returns)]
    with server(loaded, port):
        results["loaded_rss_mb"] = rss_mb(port)
        for name, method, path, body in cases(args.returns):
            results["cases"][name] = {  # type: ignore[index]
                c: wrk(port, method, path, body, c, args.duration, args.returns) for c in conns
            }
    results["reset_ms_10k_objects"] = reset_ms(5_000)
    _print(results, baseline, conns)
    Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten: {args.json}")


def _print(
    results: dict[str, object], baseline: dict[int, dict[str, float]], conns: list[int]
) -> None:
    startup, base_startup = results["startup_s"], results["baseline_startup_s"]
    print(f"start-up to ready: {startup:.2f} s (baseline {base_startup:.2f} s)")
    print(
        f"idle RSS: {results['idle_rss_mb']} MB (baseline {results['baseline_idle_rss_mb']} MB); "
        f"with {results['returns']} returns: {results['loaded_rss_mb']} MB"
    )
    print(f"reset with 10,000 objects: {results['reset_ms_10k_objects']:.2f} ms")
    print(f"\n{'case':32} {'conn':>4} {'req/s':>9} {'x base':>7} {'p50 ms':>7} {'p99 ms':>7}")
    rows = [("baseline", baseline), *results["cases"].items()]  # type: ignore[attr-defined]
    for name, by_conn in rows:
        for c in conns:
            r = by_conn[c]
            ratio = r["rps"] / baseline[c]["rps"] if baseline[c]["rps"] else float("nan")
            figures = f"{r['rps']:>9.0f} {ratio:>7.2f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f}"
            print(f"{name:32} {c:>4} {figures}")


if __name__ == "__main__":
    main()
