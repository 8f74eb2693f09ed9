"""docs/scenarios.md: its commands run, its transcript is what a run prints, its file passes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block, page, section
from tests.server import ROOT, running_server

pytestmark = pytest.mark.slow


def scenario_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_ingrid", "scenario", "run", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def run_doc_script(block: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A page's ``sh`` block, run against a fresh server from CWD."""
    script = block.replace("mock-ingrid ", f"{sys.executable} -m mock_ingrid ")
    with running_server() as base:
        return subprocess.run(
            ["bash", "-e", "-c", script.replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


def test_the_scenario_commands_run() -> None:
    result = run_doc_script(doc_block("scenarios", "sh"), ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario happy-refund: passed" in result.stdout
    assert "scenario cancellation: passed" in result.stdout


def test_the_scenario_transcript_is_what_a_run_prints() -> None:
    shown = doc_block("scenario-transcript", "text").splitlines()
    result = scenario_run("cancellation")
    assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout.splitlines()
    assert [line for line in shown if line.strip() != "..."] == [
        line for line in printed if line in shown
    ]


def test_the_scenario_file_example_runs(tmp_path: Path) -> None:
    path = tmp_path / "my-flow.json"
    path.write_text(doc_block("scenario-file", "json"))
    result = scenario_run(str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario my-flow: passed (4 steps)" in result.stdout


def test_the_page_names_every_shipped_scenario() -> None:
    first_paragraph = section(page("docs/scenarios.md"), "# Scenarios").strip().split("\n\n")[0]
    named = set(re.findall(r"`([a-z-]+)`", first_paragraph)) - {"mock-ingrid"}
    shipped = {path.stem for path in (ROOT / "scenarios").glob("*.json")}
    assert named == shipped


def test_the_recorded_demo_replays(tmp_path: Path) -> None:
    result = run_doc_script(doc_block("record-demo", "sh"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario my-demo: passed (4 steps)" in result.stdout
    exported = json.loads((tmp_path / "my-demo.json").read_text())
    assert exported["steps"][-1]["request"]["path"] == "/_mock/returns/$step3.returnId/advance"
