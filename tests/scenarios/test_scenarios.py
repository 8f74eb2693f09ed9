"""Every shipped scenario runs green; a broken one names its step, expected and actual."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from mock_ingrid.scenarios import (
    ScenarioError,
    ScenarioFailed,
    check_scenario,
    list_scenarios,
    load_scenario,
    mismatch,
    resolve,
    run_scenario,
)
from mock_ingrid.testing import MockIngrid
from tests.server import ROOT, run_cli, running_server

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
        "scenario 'broken' failed at step 5: GET /returns/1: "
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
    assert resolve(["$$a.n", "cost: $$5 for $a.id", "$$"], results) == [
        "$a.n",
        "cost: $5 for 7",
        "$",
    ]
    assert mismatch({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) is None
    assert mismatch({"a": 1}, {"a": "1"}) == 'body.a: expected 1, got "1"'


def test_unknown_scenario_is_named() -> None:
    with pytest.raises(ScenarioError, match="no scenario 'nope'; known: all-denied"):
        load_scenario("nope")


def test_whole_numbers_written_with_a_point_are_whole_numbers() -> None:
    steps = [
        {"receiver": {"failures": 1.0}},
        {"request": {"method": "GET", "path": "/"}, "expect": {"status": Decimal("404.0")}},
    ]
    assert check_scenario({"steps": steps}, "points")["name"] == "points"


def test_the_top_level_fields_are_checked() -> None:
    bad = {"name": "", "apiKey": 7, "description": [], "steps": []}
    with pytest.raises(ScenarioError) as raised:
        check_scenario(bad, "top")
    assert str(raised.value) == (
        "scenario 'top' is not well formed: name: a non-empty string; "
        "apiKey: a non-empty string; description: a string"
    )


def test_the_shipped_scenarios_are_the_top_level_folder() -> None:
    # The wheel's copy is checked by tests/test_packaging.py.
    top = {p.stem: json.loads(p.read_bytes()) for p in (ROOT / "scenarios").glob("*.json")}
    assert {name: load_scenario(name) for name in list_scenarios()} == {
        name: {"name": name, **document} for name, document in top.items()
    }
    assert all(f"`{name}`" in (ROOT / "scenarios" / "README.md").read_text() for name in REQUIRED)


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        ([{"request": {"method": "GET"}}], r"steps\[0\]: request\.path: a non-empty string"),
        (["GET /returns"], r"steps\[0\]: a step is an object"),
        ([{"expect": {"status": 200}}], r"steps\[0\]: a step has a 'request'"),
        ([{"receiver": {"failures": "two"}}], r"steps\[0\]: receiver: "),
        (
            [{"request": {"method": "GET", "path": "/"}, "webhooks": ["x"]}],
            r"steps\[0\]: webhooks: a list",
        ),
        (
            [{"request": {"method": "GET", "path": "/", "apiKey": ""}}],
            r"steps\[0\]: request\.apiKey: a non-empty string, or null",
        ),
        (
            [{"request": {"method": "GET", "path": "/", "headers": {"x-mock-fault": 1}}}],
            r"steps\[0\]: request\.headers: an object",
        ),
        (
            [{"request": {"method": "GET", "path": "https://example.com/"}}],
            r"steps\[0\]: request\.path: a path on the server, starting with '/'",
        ),
        ([{"id": "2nd", "request": {"method": "GET", "path": "/"}}], r"steps\[0\]: id: letters"),
        (
            [{"request": {"method": "GET", "path": "/"}, "expect": {"status": "2xx"}}],
            r"steps\[0\]: expect\.status: a whole number",
        ),
        # A receiver step is held to the rest of what a step may carry too.
        ([{"receiver": {}, "webhooks": [{}]}], r"steps\[0\]: webhooks: a list"),
        ([{"receiver": {"failures": 1.5}}], r"steps\[0\]: receiver: "),
    ],
)
def test_a_malformed_scenario_is_refused_before_it_runs(
    tmp_path: Path, steps: list[object], problem: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"steps": steps}))
    with pytest.raises(ScenarioError, match=r"scenario 'bad' is not well formed: " + problem):
        load_scenario(path)
    path.write_text("{")
    with pytest.raises(ScenarioError, match=r"scenario 'bad' is not valid JSON"):
        load_scenario(path)


def test_a_reference_to_a_missing_step_names_the_step(server: MockIngrid, tmp_path: Path) -> None:
    path = tmp_path / "ref.json"
    path.write_text(
        json.dumps(
            {
                "steps": [
                    {
                        "name": "list",
                        "request": {"method": "GET", "path": "/returns/$nope.returnId"},
                    }
                ]
            }
        )
    )
    with pytest.raises(ScenarioError, match=r"'ref', step 1 \(list\): \$nope\.returnId: no"):
        run_scenario(path, server.base_url, verbose=False)


def test_a_server_that_is_not_there_is_a_clear_error() -> None:
    with pytest.raises(ScenarioError, match=r"cannot use http://127\.0\.0\.1:9 as a mock-ingrid"):
        run_scenario("happy-refund", "http://127.0.0.1:9", verbose=False)


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


@pytest.mark.slow
def test_every_scenario_runs_from_the_cli_against_mock_ingrid_serve() -> None:
    with running_server() as base:
        for name in sorted(list_scenarios()):
            ran = run_cli("scenario", "run", name, "--base-url", base)
            assert ran.returncode == 0, ran.stdout + ran.stderr
            lines = ran.stdout.splitlines()
            assert lines[0] == f"scenario {name}: {list_scenarios()[name]}"
            assert all(line.startswith(("  ok  ", "          webhook ")) for line in lines[1:-1])
            assert lines[-1].startswith(f"scenario {name}: passed (")


@pytest.mark.slow
def test_a_failing_scenario_exits_1_naming_the_step(tmp_path: Path) -> None:
    scenario = load_scenario("cancellation")
    number = next(n for n, step in enumerate(scenario["steps"], 1) if step.get("id") == "cancel")
    scenario["steps"][number - 1]["expect"] = {"body": {"status": "COMPLETED"}}
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps({k: v for k, v in scenario.items() if k != "name"}))
    ran = run_cli("scenario", "run", str(path))
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert ran.stdout.splitlines()[-1].startswith(
        f"FAILED: scenario 'wrong' failed at step {number} (cancel): POST "
    )
    assert 'body.status: expected "COMPLETED", got "CANCELLED"' in ran.stdout
