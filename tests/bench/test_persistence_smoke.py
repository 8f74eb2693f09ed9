"""bench/persistence.py's smoke run: every figure is measured and lands in the JSON.
Nothing about speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.slow


def test_the_persistence_case_measures_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "persistence.json"
    command = [sys.executable, "bench/persistence.py", "--returns", "100", "--large", "500"]
    command += ["--repeats", "1", "--seconds", "1", "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())
    compared = results["compare"]
    for name in ("orjson_write", "save", "orjson_parse", "load"):
        assert compared[name]["wall_s"] > 0 and compared[name]["cpu_s"] >= 0
    assert results["made_rss_kb"] > 0 and results["restored_rss_kb"] > 0
    assert results["upload"]["rss_peak_kb"] >= results["upload"]["rss_before_kb"] > 0
    during = results["during_saves"]
    assert during["gets"] > 0 and during["saves"] >= 1 and during["p99_ms"] > 0
    assert results["stop_exit_code"] == 0 and results["stop_cpu_s"] > 0
    assert "targets (printed, never asserted)" in done.stdout
