"""``/_mock/recording``: record what is done to this server, export it as a scenario.

``start`` notes what the replay must begin from (``opening_steps``, and the merchants'
data in a ``StartState``) and starts the ``Recorder`` (``recorder.py``); ``stop`` ends
it; ``export`` turns it into a scenario document (``scenario_export.py``), during the
recording or after. One recording at a time: starting another while one runs is
refused (409), so a click cannot lose one; starting after a stop discards the stopped
one. ``POST /_mock/reset`` discards it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mock_ingrid.api.endpoint import JSON_TYPE, json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.api.router import IndexedRoutes
from mock_ingrid.clock import format_instant
from mock_ingrid.control.clock import progression_json
from mock_ingrid.control.diagnostics_handlers import diagnostics_of
from mock_ingrid.control.journal import Entry
from mock_ingrid.control.recorder import Recorder
from mock_ingrid.control.scenario_export import export_scenario
from mock_ingrid.control.start_state import StartState, StartStateFailed
from mock_ingrid.domain.errors import Problem
from mock_ingrid.jsonio import dumps, loads

if TYPE_CHECKING:
    from mock_ingrid.runtime import Runtime

Json = dict[str, Any]
DEFAULT_NAME = "recording"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def opening_steps(runtime: Runtime) -> list[Json]:
    """The steps that put back, on an empty server, the clock this one has now (when
    frozen or moved) and its progression policies (when not all manual). Its
    merchants' data follows them (``StartState``): merged, so that other merchants
    of a shared server stay."""
    steps: list[Json] = []
    frozen_at, offset = runtime.clock.setting()
    now = format_instant(runtime.clock.now())
    if frozen_at is not None:
        steps.append(_post("/_mock/clock/freeze", {"at": now}))
    elif offset:
        steps.append(_post("/_mock/clock/set", {"at": now}))
    policies = progression_json(runtime)
    if any(policy != "manual" for policy in policies.values()):
        steps.append(_request("PUT", "/_mock/progression", policies))
    return steps


def _post(path: str, body: Any) -> Json:
    return _request("POST", path, body)


def _request(method: str, path: str, body: Any) -> Json:
    return {"request": {"method": method, "path": path, "body": body}, "expect": {"status": 200}}


def _recorder(request: Request) -> Recorder:
    return diagnostics_of(request).recorder


def recording_json(recorder: Recorder) -> Json:
    return {
        "state": recorder.phase,
        "startedAt": recorder.started_at,
        "stoppedAt": recorder.stopped_at,
        "calls": recorder.counted(),
    }


async def get_recording(request: Request) -> Response:
    return json_response(recording_json(_recorder(request)))


async def start_recording(request: Request) -> Response:
    recorder = _recorder(request)
    if recorder.active:
        raise ApiError(
            409,
            "RECORDING_RUNNING",
            f"a recording runs since {_instant(recorder.started_at)}: "
            "stop it first (POST /_mock/recording/stop), and export it if you want it",
        )
    runtime = runtime_of(request)
    start_state = StartState() if runtime.state.merchants else None
    recorder.start(runtime.clock.now(), opening_steps(runtime), start_state)
    if start_state is not None:
        try:
            await start_state.write(runtime.state, fork=runtime.forks)
        except StartStateFailed as exc:
            if recorder.start_state is start_state:
                recorder.clear()
            raise ApiError(
                503,
                "RECORDING_FAILED",
                f"the recording did not start: its start state was not written: {exc}",
            ) from None
    return json_response(recording_json(recorder), 201)


async def stop_recording(request: Request) -> Response:
    recorder = _recorder(request)
    if not recorder.active:
        raise ApiError(
            409,
            "NOT_RECORDING",
            f"no recording runs (state: {recorder.phase}); start one with "
            "POST /_mock/recording/start",
        )
    recorder.stop(runtime_of(request).clock.now())
    return json_response(recording_json(recorder))


async def export_recording(request: Request) -> Response:
    """The scenario file, as a download named ``NAME.json``."""
    name = request.query_params.get("name", DEFAULT_NAME)
    if not _NAME.match(name):
        problem = Problem(
            "name",
            "INVALID_FORMAT",
            "letters, digits, '.', '_' or '-' (up to 100), starting with a letter or digit",
            location="query",
        )
        raise ApiError(400, "VALIDATION_ERROR", f"name: '{name}' is not a file name", [problem])
    recorder = _recorder(request)
    if recorder.phase == "idle":
        raise ApiError(
            409,
            "NO_RECORDING",
            "nothing was recorded since the server started or was reset: "
            "start a recording with POST /_mock/recording/start",
        )
    start_state = recorder.start_state
    try:
        if start_state is not None:
            await start_state.ready()  # (written by then, unless the start is that recent)
        # The calls kept are finished and the opening steps are set once at the start
        # (never changed again), so a copy of the list can be exported in a worker
        # thread: about 0.4 s for 1,500 calls, which would otherwise hold up every
        # other request.
        body = await run_in_threadpool(
            _export_text,
            recorder.opening,
            start_state,
            list(recorder.calls),
            _description(recorder),
            _route_paths(request),
        )
    except StartStateFailed as exc:
        raise ApiError(
            409,
            "NO_RECORDING",
            f"the recording's start state is gone ({exc}): start a new recording",
        ) from None
    headers = {"content-disposition": f'attachment; filename="{name}.json"'}
    return Response(body, media_type=JSON_TYPE, headers=headers)


def _export_text(
    opening: list[Json],
    start_state: StartState | None,
    calls: list[Entry],
    description: str,
    routes: tuple[str, ...],
) -> bytes:
    if start_state is not None:  # its text parsed: amounts keep their exact text
        opening = [*opening, _post("/_mock/state", loads(start_state.read()))]
    return dumps(export_scenario(opening, calls, description, routes), indent=True)


def _route_paths(request: Request) -> tuple[str, ...]:
    """The path of every route this app serves, read from the app itself."""
    found: list[str] = []

    def walk(routes: Iterable[BaseRoute]) -> None:
        for route in routes:
            if isinstance(route, IndexedRoutes):
                for router in route.routers.values():
                    walk(router.routes)
            elif isinstance(route, Route):
                found.append(route.path)

    walk(request.app.routes)
    return tuple(found)


def _instant(at: datetime | None) -> str:
    return format_instant(at) if at is not None else "?"


def _description(recorder: Recorder) -> str:
    end = f" to {_instant(recorder.stopped_at)}" if recorder.stopped_at else ""
    return (
        f"Recorded with mock-ingrid from {_instant(recorder.started_at)}{end} "
        f"({recorder.counted()} calls)."
    )
