"""The benchmark's smoke run: every case runs and lands in the JSON. Nothing about speed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.slow

API_CASES = [
    "GET /returns/{id}",
    "GET /returns?status (20)",
    "POST /orders",
    "POST /warehouse-reports",
    "GET /merchant/return/{id}",
]


def _valid_run(figures: dict[str, object]) -> None:
    """Requests were answered, and every answer was a 2xx (the requests are right)."""
    assert isinstance(figures, dict)
    assert figures["requests"] > 0 and figures["rps"] > 0  # type: ignore[operator]
    assert figures["p50_ms"] > 0 and figures["p99_ms"] >= figures["p50_ms"]  # type: ignore[operator]
    assert figures["errors"] == 0, figures


@pytest.mark.parametrize("loadgen", ["python", "wrk"])
def test_the_smoke_run_measures_every_case(loadgen: str, tmp_path: Path) -> None:
    if loadgen == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install wrk); the Python run covers the rest")
    out, table = tmp_path / "results.json", tmp_path / "RESULTS.md"
    command = [sys.executable, "bench/run.py", "--smoke", "--loadgen", loadgen]
    command += ["--json", str(out), "--markdown", str(table)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())

    assert results["settings"]["smoke"] is True
    assert results["meta"]["load_generator"].startswith("wrk" if loadgen == "wrk" else "Python")
    for server in ("mock", "baseline"):
        assert results["startup"][server]["ready_s_median"] > 0
        assert results["startup"][server]["idle_rss_mb_median"] > 0
    for name in ("baseline GET", "baseline POST"):
        _valid_run(results["baseline"][name]["16"])
    assert list(results["api"]["cases"]) == API_CASES
    for name in API_CASES:
        _valid_run(results["api"]["cases"][name]["16"])
    assert "report_pool_exhausted" not in results["api"]
    assert results["api"]["data"]["returns"] == 300
    assert results["api"]["data"]["refunds"] == 270  # nine in ten settled

    assert list(results["scale"]) == ["300", "3000"]
    for level in ("300", "3000"):
        entry = results["scale"][level]
        assert entry["data"]["returns"] == int(level)
        assert entry["rss_per_return_kb"] > 0
        assert list(entry["cases"]) == API_CASES[:2]
        for by_conn in entry["cases"].values():
            _valid_run(by_conn["16"])
        assert [probe["status"] for probe in entry["probes"].values()] == [200, 200]

    assert results["reset"]["objects"] == 1_000 and results["reset"]["ms_median"] > 0
    assert results["plugin_reset"]["resets"] == 20
    assert results["plugin_reset"]["ms_per_test_median"] > 0
    assert "pytest plugin, reset before each test" in done.stdout
    assert results["webhooks"]["backlog_deliveries"] == 40
    assert results["webhooks"]["deliveries_per_s"] > 0
    assert len(results["targets"]) == 10
    assert {t["met"] for t in results["targets"]} <= {True, False, None}

    assert "targets (printed, never asserted)" in done.stdout
    assert "GET /merchant/return/{id}" in table.read_text()
