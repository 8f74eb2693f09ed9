"""``bench/instructions.py``: every case's requests are answered as expected (its
measured process, without valgrind; the count itself needs valgrind and minutes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.server import ROOT


@pytest.mark.parametrize("app", [[], ["--baseline"]], ids=["mock-ingrid", "baseline"])
def test_every_case_is_answered_in_process(app: list[str]) -> None:
    for case in ("orders", "get", "legacy", "list"):
        command = [sys.executable, "bench/instructions.py", "--inner", "--case", case, *app]
        done = subprocess.run(
            [*command, "--requests", "5"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        # The script exits non-zero naming the request when an answer is not the 200
        # (or 201) its count assumes.
        assert done.returncode == 0, (case, app, done.stdout, done.stderr)
