"""docs/testing.md: the plugin example passes as it stands, the handle runs without pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.pages import doc_block

pytestmark = pytest.mark.slow


def test_the_pytest_plugin_example_passes(tmp_path: Path) -> None:
    # as it stands, in a folder with nothing else in it: the demo shop is loaded by name
    (tmp_path / "test_example.py").write_text(doc_block("pytest-plugin", "python"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_the_handle_runs_without_pytest(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", doc_block("handle", "python")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
