"""docs/ui.md: the portal's lookup example runs against a real server with the demo shop."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block
from tests.server import running_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def test_the_portal_lookup_example_runs() -> None:
    with running_server(["--fixtures", "demo-shop"]) as base:
        result = subprocess.run(
            ["bash", "-e", "-c", doc_block("portal-lookup", "sh").replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    order = json.loads(result.stdout)
    assert order["orderName"] == "#1001"
    assert [line["returnable"] for line in order["lines"]] == [1, 1]
