"""The README's commands are run by the suite, so the docs cannot drift."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
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


def readme_code(name: str, language: str) -> str:
    match = re.search(rf"<!-- readme-test: {name} -->\n```{language}\n(.*?)```", README, re.S)
    assert match, f"no README {language} block marked readme-test: {name}"
    return match.group(1)


def test_the_pytest_plugin_example_passes(tmp_path: Path) -> None:
    # as it stands, in a folder with nothing else in it: the demo shop is loaded by name
    (tmp_path / "test_example.py").write_text(readme_code("pytest-plugin", "python"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_the_scenario_commands_run(tmp_path: Path) -> None:
    script = readme_block("scenarios").replace("mock-ingrid ", f"{sys.executable} -m mock_ingrid ")
    with running_server() as base:
        script = script.replace("http://127.0.0.1:8080", base)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario happy-refund: passed" in result.stdout
    assert "scenario cancellation: passed" in result.stdout


def test_the_fixtures_example_runs_against_a_real_server(tmp_path: Path) -> None:
    command = shlex.split(readme_block("fixtures-serve"))
    assert command[:2] == ["mock-ingrid", "serve"]
    with running_server(command[2:], cwd=tmp_path) as base:  # the sets are found by name
        script = readme_block("fixtures").replace("http://127.0.0.1:8080", base)
        result = subprocess.run(
            ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        pending, loaded, refused = json_documents(result.stdout)
        refund = httpx.get(f"{base}/refund-transactions/1", headers={"x-api-key": "refund-key"})
    assert pending["status"] == "PENDING"
    assert loaded == {"merchants": ["mugs"]}
    assert refused["code"] == "INVALID_FIXTURE"
    assert [e["path"] for e in refused["errors"]] == ["merchants[0].products[0].title"]
    assert refund.json()["status"] == "AWAITING_EXTERNAL_REFUND"


def test_the_scenario_transcript_is_what_a_run_prints() -> None:
    shown = readme_code("scenario-transcript", "text").splitlines()
    result = subprocess.run(
        [sys.executable, "-m", "mock_ingrid", "scenario", "run", "cancellation"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout.splitlines()
    assert [line for line in shown if line.strip() != "..."] == [
        line for line in printed if line in shown
    ]


def test_the_scenario_file_example_runs(tmp_path: Path) -> None:
    path = tmp_path / "my-flow.json"
    path.write_text(readme_code("scenario-file", "json"))
    result = subprocess.run(
        [sys.executable, "-m", "mock_ingrid", "scenario", "run", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scenario my-flow: passed (4 steps)" in result.stdout
