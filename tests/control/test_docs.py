"""The README's diagnostics example (faults, journal, admin token) runs against a served app."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.control.helpers import Served, frozen, ok
from tests.server import ROOT, json_documents

pytestmark = pytest.mark.slow

DOC = (ROOT / "README.md").read_text(encoding="utf-8")


def doc_block(name: str) -> str:
    match = re.search(rf"<!-- readme-test: {name} -->\n```sh\n(.*?)```", DOC, re.S)
    assert match, f"no README block marked readme-test: {name}"
    return match.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_example_runs_as_documented() -> None:
    script = doc_block("diagnostics")
    with Served(frozen(admin_token="change-me")) as served:
        script = script.replace("http://127.0.0.1:8080", served.url)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        with served.client() as http:
            rules = ok(http.get("/_mock/faults", headers={"x-mock-admin-token": "change-me"}))
    out = result.stdout
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
