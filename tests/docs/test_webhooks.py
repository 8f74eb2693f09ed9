"""docs/webhooks.md: its examples run, its tables name what exists."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from mock_ingrid.control.routes import ROUTES
from mock_ingrid.webhooks import sign
from tests.docs.pages import EXAMPLE_URL, doc_block, page, section
from tests.server import ROOT, running_server

DOC = page("docs/webhooks.md")
SECRET = "whsec_dGhlIG1vY2staW5ncmlkIHRlc3Qgc2VjcmV0IQ=="


@pytest.mark.slow
def test_the_subscription_examples_run_against_a_real_server() -> None:
    command = shlex.split(doc_block("webhook-serve", "sh").replace("\\\n", " "))
    assert command[:2] == ["mock-ingrid", "serve"]
    with running_server(command[2:]) as base:
        result = subprocess.run(
            ["bash", "-e", "-c", doc_block("webhook-subscribe", "sh").replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        listed = httpx.get(f"{base}/_mock/webhooks/subscriptions", params={"merchant": "my-key"})
    created = json.loads(result.stdout)
    assert created["merchant"] == "my-key"
    assert created["eventTypes"] == ["REFUND_PENDING_EXTERNAL"]
    subscriptions = listed.json()["data"]
    assert [(s["url"], s["merchant"], s["source"]) for s in subscriptions] == [
        ("http://127.0.0.1:9000/hooks", None, "cli"),
        ("http://127.0.0.1:9001/other", None, "cli"),
        ("http://127.0.0.1:9000/hooks", "my-key", "control"),
    ]
    assert {s["secret"] for s in subscriptions} == {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    assert len(subscriptions[0]["eventTypes"]) == 5


@pytest.mark.slow
def test_the_receiver_example_runs_against_a_real_server() -> None:
    with running_server() as base:
        result = subprocess.run(
            [sys.executable, "-c", doc_block("webhook-receiver", "python")],
            env={**os.environ, "MOCK_INGRID_URL": base},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert result.returncode == 0, result.stderr
    webhook_id, payload = result.stdout.split(" ", 1)
    assert webhook_id.startswith("msg_") and json.loads(payload)["foreignOrderId"] == "DOCS-1"


def test_the_stdlib_verifier_accepts_what_the_emulator_signs() -> None:
    namespace: dict[str, Any] = {}
    exec(doc_block("webhook-verifier", "python"), namespace)
    is_authentic = namespace["is_authentic"]
    now = int(time.time())
    body = b'{"type":"RETURN_CREATED"}'
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign("msg_1", now, body, SECRET),
    }
    assert is_authentic(body, headers, SECRET)
    assert not is_authentic(body + b" ", headers, SECRET)
    assert not is_authentic(body, headers | {"webhook-timestamp": str(now - 301)}, SECRET)


def test_every_documented_control_endpoint_exists() -> None:
    table = section(DOC, "## Control endpoints")
    documented = set()
    for path in re.findall(r"`(?:GET|POST|DELETE) (/[a-z{}A-Z/]+)", table):
        documented.add(f"/_mock/webhooks{path}")
    served_paths = {getattr(route, "path", "") for route in ROUTES}
    assert documented and documented <= served_paths, documented - served_paths
    webhook_paths = {p for p in served_paths if p.startswith("/_mock/webhooks/")}
    assert webhook_paths <= documented, webhook_paths - documented
