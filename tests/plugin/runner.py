"""Run pytest in a fresh subprocess, as a user would, on files written for the test.

(``pytester`` cannot be enabled here: ``pytest_plugins`` is refused in a conftest
below the top level, and the top-level one is not this package's to change.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str

    def counts(self) -> dict[str, int]:
        summary = self.output.strip().splitlines()[-1] if self.output.strip() else ""
        found = re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)
        return {("errors" if kind.startswith("error") else kind): int(n) for n, kind in found}

    def assert_outcomes(self, **expected: int) -> None:
        assert self.counts() == expected, self.output


class PytestRun:
    """Writes test files into a scratch folder and runs ``python -m pytest`` there."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.write_text(text)
        return target

    def run(self, *args: str) -> Outcome:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Outcome(result.returncode, result.stdout + result.stderr)
