"""Shared fixtures: an in-process app that checks every response against its document
(``validate_responses``, the switch users have too), and the exercised report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_ingrid.app import create_app
from mock_ingrid.response_check import VIOLATION_CODE
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.exercised import EXERCISED, record_moves, record_response

FROZEN_AT = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
API_KEY = "test-key"


def _check_against_spec(response: httpx.Response) -> None:
    """The server checked its response (``validate_responses``); a violation fails the test
    with the server's account of the difference."""
    response.read()
    record_response(response.request.method, response.request.url.path, response.status_code)
    if response.status_code == 500 and VIOLATION_CODE.encode() in response.content:
        raise AssertionError(response.json()["message"])


def make_client(settings: Settings, api_key: str | None = API_KEY) -> TestClient:
    runtime = Runtime.build(replace(settings, validate_responses=True))
    client = TestClient(create_app(runtime=runtime), raise_server_exceptions=True)
    if api_key is not None:
        client.headers["x-api-key"] = api_key
    client.event_hooks["response"].append(_check_against_spec)
    client.app_state = runtime  # type: ignore[attr-defined]
    return client


@pytest.fixture
def settings() -> Settings:
    return Settings(freeze_time=FROZEN_AT)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with make_client(settings) as test_client:
        yield test_client


@pytest.fixture
def runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app_state  # type: ignore[attr-defined]
    return runtime


# -- what the suite exercised (tests/exercised.py) ------------------------------------

record_moves()
MISSING_KEY = pytest.StashKey[list[str]]()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _runs_everything(config: pytest.Config) -> bool:
    """The whole suite: no selection by path, keyword, marker or last failures."""
    tests = Path(__file__).parent.resolve()
    return (
        all(Path(arg).resolve() == tests for arg in config.args)
        and not config.option.keyword
        and not config.option.markexpr
        and not config.getoption("lf", False)
        and not config.getoption("deselect", None)
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get("exercised")
    if data:
        EXERCISED.merge(json.loads(data))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _is_worker(session.config):
        session.config.workeroutput["exercised"] = json.dumps(EXERCISED.to_json())  # type: ignore[attr-defined]
        return
    if not _runs_everything(session.config) or session.testsfailed or session.shouldstop:
        return
    missing = EXERCISED.missing()
    session.config.stash[MISSING_KEY] = missing
    if missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _is_worker(config) or not (EXERCISED.statuses or EXERCISED.transitions):
        return
    terminalreporter.section("exercised: operations, status codes, transitions, webhooks")
    for line in EXERCISED.report():
        terminalreporter.write_line(line)
    missing = config.stash.get(MISSING_KEY, [])
    if missing:
        terminalreporter.write_line(
            f"FAILED: the whole suite never exercised {len(missing)} declared item(s):", red=True
        )
        for line in missing:
            terminalreporter.write_line(f"  {line}", red=True)
