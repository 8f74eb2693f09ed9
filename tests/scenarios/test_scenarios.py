"""Every shipped scenario runs green; a broken one names its step, expected and actual."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_ingrid.scenarios import (
    ScenarioError,
    ScenarioFailed,
    list_scenarios,
    load_scenario,
    mismatch,
    resolve,
    run_scenario,
)
from mock_ingrid.testing import MockIngrid
from tests.server import ROOT, run_cli

REQUIRED = {
    "happy-refund",
    "partial-approval",
    "all-denied",
    "manual-review",
    "cancellation",
    "lost-in-transit",
    "exchange",
    "refund-and-exchange",
    "legacy-integration",
    "webhook-receiver-fails-and-recovers",
}


@pytest.fixture(scope="module")
def server() -> Iterator[MockIngrid]:
    with MockIngrid(webhooks=False) as handle:
        yield handle


def test_the_required_scenarios_are_shipped() -> None:
    assert set(list_scenarios()) >= REQUIRED
    assert all(list_scenarios().values()), "every scenario has a description"


@pytest.mark.parametrize("name", sorted(list_scenarios()))
def test_the_scenario_passes(server: MockIngrid, name: str) -> None:
    lines: list[str] = []
    run_scenario(name, server.base_url, say=lines.append)
    assert lines[-1].startswith(f"scenario {name}: passed")


def test_a_scenario_runs_twice_on_one_server(server: MockIngrid) -> None:
    first = run_scenario("happy-refund", server.base_url, verbose=False)
    again = run_scenario("happy-refund", server.base_url, verbose=False)
    assert first["createReturn"]["returnId"] == again["createReturn"]["returnId"] == "1"


def test_the_handle_runs_a_scenario(server: MockIngrid) -> None:
    results = server.run_scenario("cancellation")
    assert results["cancel"]["status"] == "CANCELLED"


def test_a_failure_names_the_step_the_expected_and_the_actual(
    server: MockIngrid, tmp_path: Path
) -> None:
    scenario = load_scenario("all-denied")
    scenario["steps"][4]["expect"]["body"]["status"] = "REFUND_PENDING"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({k: v for k, v in scenario.items() if k != "name"}))
    with pytest.raises(ScenarioFailed) as failed:
        run_scenario(path, server.base_url, verbose=False)
    assert str(failed.value) == (
        "scenario 'broken' failed at step 5 (step): GET /returns/1: "
        'body.status: expected "REFUND_PENDING", got "COMPLETED"'
    )


def test_a_missing_webhook_lists_those_that_fired(server: MockIngrid, tmp_path: Path) -> None:
    scenario = load_scenario("cancellation")
    scenario["steps"][3]["webhooks"] = [{"type": "RETURN_COMPLETED"}]
    path = tmp_path / "no-hook.json"
    path.write_text(json.dumps({k: v for k, v in scenario.items() if k != "name"}))
    with pytest.raises(ScenarioFailed, match=r"step 4 \(cancel\): expected a RETURN_COMPLETED"):
        run_scenario(path, server.base_url, verbose=False)


def test_references_keep_types_or_interpolate() -> None:
    results = {"a": {"id": "7", "n": 3, "data": [{"x": 1}]}}
    assert resolve({"k": "$a.n", "p": "/r/$a.id/x", "l": ["$a.data.0.x"]}, results) == {
        "k": 3,
        "p": "/r/7/x",
        "l": [1],
    }
    with pytest.raises(ScenarioError, match="no earlier step has the id 'b'"):
        resolve("$b.id", results)
    assert mismatch({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) is None
    assert mismatch({"a": 1}, {"a": "1"}) == 'body.a: expected 1, got "1"'


def test_unknown_scenario_is_named() -> None:
    with pytest.raises(ScenarioError, match="no scenario 'nope'; known: all-denied"):
        load_scenario("nope")


def test_the_top_level_folder_points_at_the_package() -> None:
    text = (ROOT / "scenarios" / "README.md").read_text()
    assert "mock_ingrid/scenario_files/" in text


@pytest.mark.slow
def test_the_cli_lists_and_runs(server: MockIngrid) -> None:
    listed = run_cli("scenario", "list")
    assert listed.returncode == 0
    assert {line.split()[0] for line in listed.stdout.splitlines()} >= REQUIRED
    ran = run_cli("scenario", "run", "exchange", "--base-url", server.base_url)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "scenario exchange: passed" in ran.stdout
    alone = run_cli("scenario", "run", "all-denied")  # its own in-process server
    assert alone.returncode == 0, alone.stdout + alone.stderr
    unknown = run_cli("scenario", "run", "nope")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("mock-ingrid: error: no scenario 'nope'")
