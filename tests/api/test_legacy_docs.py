"""The legacy section's example runs against a real server, so it cannot drift."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.server import ROOT, json_documents, running_server

pytestmark = pytest.mark.slow

BLOCK = re.compile(r"<!-- readme-test: legacy -->\n```sh\n(.*?)```", re.S)


def legacy_block() -> str:
    """From the README once the section is merged there, else from docs/legacy.md."""
    for name in ("README.md", "docs/legacy.md"):
        path = ROOT / name
        match = BLOCK.search(path.read_text()) if path.exists() else None
        if match:
            return match.group(1)
    raise AssertionError("no block marked readme-test: legacy in README.md or docs/legacy.md")


def test_the_legacy_example_runs_against_a_real_server() -> None:
    with running_server() as base:
        script = legacy_block().replace("http://127.0.0.1:8080", base)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 0, result.stderr
    documents = json_documents(result.stdout)
    page, created, reported, final = documents[3], documents[4], documents[5], documents[-1]
    assert [r["order"]["foreignId"] for r in page["content"]] == [
        "48aced20913c030c836d4187019b712f"
    ]
    assert (created["id"], created["status"]) == (1, "AWAITING_RETURN")
    assert reported == {"status": "OK"}
    assert final["status"] == "COMPLETED"
    assert final["statusUrl"] == f"{base}/merchant/return/1"
    assert [t["foreignId"] for t in final["refundTransactions"]] == ["ch_123"]
