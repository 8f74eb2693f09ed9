"""The three documents through outside linters: openapi-spec-validator and Spectral's
``spectral:oas`` ruleset (``scripts/lint-specs``), 0 errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="Spectral runs on node: node and npm are not on PATH",
)
def test_the_documents_have_no_lint_errors() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "lint-specs")],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "(0 errors," in output or "No results with a severity of 'error'" in output, output
