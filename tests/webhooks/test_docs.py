"""The README's webhooks section is executed: its examples run, its tables name what exists."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from mock_ingrid.control.routes import ROUTES
from mock_ingrid.webhooks import sign
from tests.webhooks.helpers import served
from tests.webhooks.test_delivery import SECRET, settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DOC = README[README.index("## Webhooks") :]


def block(name: str) -> str:
    match = re.search(rf"<!-- webhooks-doc-test: {name} -->\n```python\n(.*?)```", DOC, re.S)
    assert match, f"the README has no block marked webhooks-doc-test: {name}"
    return match.group(1)


def test_the_receiver_example_runs_against_a_server() -> None:
    with served(settings()) as app:
        result = subprocess.run(
            [sys.executable, "-c", block("receiver")],
            env={**os.environ, "MOCK_INGRID_URL": app.url},
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
    exec(block("stdlib"), namespace)
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
    table = DOC[DOC.index("### Control endpoints") : DOC.index("To seed data")]
    documented = set()
    for path in re.findall(r"`(?:GET|POST|DELETE) (/[a-z{}A-Z/]+)", table):
        documented.add(f"/_mock/webhooks{path}")
    served_paths = {getattr(route, "path", "") for route in ROUTES}
    assert documented and documented <= served_paths, documented - served_paths
    webhook_paths = {p for p in served_paths if p.startswith("/_mock/webhooks/")}
    assert webhook_paths <= documented, webhook_paths - documented
