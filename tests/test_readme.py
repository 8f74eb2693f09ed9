"""The README's commands are run by the suite, so the docs cannot drift."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.server import ROOT, json_documents, running_server

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text()


def readme_block(name: str) -> str:
    match = re.search(rf"<!-- readme-test: {name} -->\n```sh\n(.*?)```", README, re.S)
    assert match, f"no README block marked readme-test: {name}"
    return match.group(1)


def test_the_two_setup_commands_are_at_the_top() -> None:
    head = README[: README.index("## Try it")]
    assert "mock-ingrid serve --fixtures fixtures/demo-shop.json" in head
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in head, "the CI command must be the README's test command"


def test_the_quickstart_runs_against_a_real_server() -> None:
    script = readme_block("quickstart")
    with running_server() as base:
        script = script.replace("http://127.0.0.1:8080", base)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        final = json_documents(result.stdout)[-1]
        assert final["status"] == "COMPLETED"
        refund = httpx.get(f"{base}/refund-transactions/1", headers={"x-api-key": "readme"}).json()
        assert refund["status"] == "SUCCESS"


def test_the_control_example_runs_against_a_real_server() -> None:
    script = readme_block("control")
    with running_server() as base:
        script = script.replace("http://127.0.0.1:8080", base)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
    merchant, _, _, frozen, policies, created, advanced, after_an_hour, received = json_documents(
        result.stdout
    )
    assert merchant["settings"]["returnShipmentCost"] == 49
    assert frozen["frozen"] is True and frozen["now"] == "2026-01-16T09:00:00Z"
    assert policies["return"] == "after:1h"
    assert created["status"] == "CONFIRMED"
    assert advanced["ran"] == {"progressionSteps": 1, "webhookAttempts": 0}
    assert after_an_hour["status"] == "READY"
    assert received["status"] == "RECEIVED"


def test_the_documented_options_exist() -> None:
    table = README[README.index("## Running it") : README.index("### Docker")]
    documented = set(re.findall(r"`(--[a-z-]+)", table))
    help_text = subprocess.run(
        ["python", "-m", "mock_ingrid", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(ROOT),
    ).stdout
    for option in documented:
        assert option in help_text, option
