"""docs/control-api.md: its two examples run against a real server."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block
from tests.server import json_documents, running_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def run(script: str, base: str) -> str:
    result = subprocess.run(
        ["bash", "-e", "-c", script.replace(EXAMPLE_URL, base)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_time_and_progression_example_runs() -> None:
    with running_server() as base:
        out = run(doc_block("control", "sh"), base)
    merchant, _, _, frozen, policies, created, advanced, after_an_hour, received = json_documents(
        out
    )
    assert merchant["settings"]["returnShipmentCost"] == 49
    assert frozen["frozen"] is True and frozen["now"] == "2026-01-16T09:00:00Z"
    assert policies["return"] == "after:1h"
    assert created["status"] == "CONFIRMED"
    assert advanced["ran"] == {"progressionSteps": 1, "webhookAttempts": 0}
    assert after_an_hour["status"] == "READY"
    assert received["status"] == "RECEIVED"


def test_the_faults_and_journal_example_runs_with_an_admin_token() -> None:
    admin = {"x-mock-admin-token": "change-me"}
    with running_server(
        ["--admin-token", "change-me", "--freeze-time", "2026-01-16T09:00:00Z"]
    ) as base:
        out = run(doc_block("diagnostics", "sh"), base)
        rules = httpx.get(f"{base}/_mock/faults", headers=admin).json()
    head, _, tail = out.partition("HTTP/1.1 429")
    rule, *answers = json_documents(head)
    assert (rule["faultId"], rule["remaining"]) == ("fault_1", 2)
    assert [a.get("code") for a in answers] == ["INJECTED_FAULT", "INJECTED_FAULT", None]
    assert "retry-after: 2" in tail.lower() and "x-mock-fault: status=429;retry-after=2" in tail
    journal, verified, refused = json_documents(tail[tail.index("\n\n") :])[1:]
    assert [(e["path"], e["status"]) for e in journal["data"]] == [
        ("/returns", 503),
        ("/returns", 200),
    ]
    assert "demo-key" not in out
    assert verified == {"matched": 1}
    assert refused["code"] == "VERIFICATION_FAILED"
    assert rules == {"data": []}
