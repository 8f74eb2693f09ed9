"""``/_mock/scenarios``: the shipped scenarios, and runs of them (or of a scenario file
sent in the body) against this server (``scenario_runs.py``), for a dashboard to list,
start and follow step by step.

The runner (``mock_ingrid.scenarios``, with httpx) is imported by the first call here,
not at start-up."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.control.common import read_document
from mock_ingrid.control.scenario_runs import MAX_RUNNING, Run, TooManyRuns, step_summaries
from mock_ingrid.domain.errors import Problem

Json = dict[str, Any]
# The name of an uploaded scenario that does not give one.
UPLOADED_NAME = "uploaded"


def _scenario_json(name: str) -> Json:
    from mock_ingrid.scenarios import load_scenario

    document = load_scenario(name)
    return {
        "name": name,
        "description": str(document.get("description", "")),
        "steps": [
            {"number": s.number, "id": s.id, "label": s.label} for s in step_summaries(document)
        ],
    }


async def list_shipped(request: Request) -> Response:
    from mock_ingrid.scenarios import list_scenarios

    return json_response({"data": [_scenario_json(name) for name in list_scenarios()]})


def _own_url(request: Request) -> str:
    """Where this server is reached from itself: the address the call came in on (not
    its Host header, which a proxy or a port mapping may have set to anything)."""
    server = request.scope.get("server")
    if not server:
        raise ApiError(
            409,
            "SERVER_ADDRESS_UNKNOWN",
            "this server was reached without a TCP address (a Unix socket?): "
            "a run calls the server over HTTP; run it with mock-ingrid scenario run "
            "--base-url instead",
        )
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}{request.scope.get('root_path', '')}"


async def start_run(request: Request) -> Response:
    """202: the run goes on in the background; follow it at its ``runId``."""
    from mock_ingrid.scenarios import ScenarioError, list_scenarios, load_scenario

    name = request.path_params["name"]
    try:
        document = load_scenario(name)
    except ScenarioError as exc:
        if name in list_scenarios():  # shipped, but broken: the package's fault
            raise
        raise ApiError(404, "SCENARIO_NOT_FOUND", str(exc)) from None
    return _start(request, document)


async def start_uploaded_run(request: Request) -> Response:
    """202, as for a shipped one: the body is a scenario file (an export, say)."""
    from mock_ingrid.scenarios import ScenarioError, check_scenario

    document = await read_document(request)
    name = document.get("name", UPLOADED_NAME) if isinstance(document, dict) else UPLOADED_NAME
    if not isinstance(name, str) or not name:
        problem = Problem("name", "INVALID_TYPE", "a scenario's name is a non-empty string")
        raise ApiError(400, "INVALID_SCENARIO", "name: not a non-empty string", [problem])
    try:
        checked = check_scenario(document, name)
    except ScenarioError as exc:
        raise ApiError(400, "INVALID_SCENARIO", str(exc)) from None
    return _start(request, checked)


def _start(request: Request, document: Json) -> Response:
    runtime = runtime_of(request)
    try:
        run = runtime.scenario_runs.start(document, _own_url(request), runtime.settings.admin_token)
    except TooManyRuns:
        raise ApiError(
            409,
            "TOO_MANY_RUNS",
            f"{MAX_RUNNING} runs are running: wait for one to end (GET /_mock/scenarios/runs)",
        ) from None
    return json_response(run.json(), 202)


def _require_run(request: Request) -> Run:
    run_id = request.path_params["runId"]
    found = runtime_of(request).scenario_runs.get(run_id)
    if found is None:
        raise ApiError(404, "RUN_NOT_FOUND", f"scenario run '{run_id}' was not found")
    return found


async def list_runs(request: Request) -> Response:
    return json_response({"data": [run.json() for run in runtime_of(request).scenario_runs.all()]})


async def get_run(request: Request) -> Response:
    return json_response(_require_run(request).json())
