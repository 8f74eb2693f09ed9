"""``ScenarioRuns``: shipped scenarios run against this same server, each step's
progress kept for ``GET /_mock/scenarios/runs/{runId}``.

A run is the scenario runner (``scenarios.run_scenario``) in a worker thread, talking
HTTP to the address the server was reached on, as any client does: the event loop
that serves the calls is never blocked, the emulator's state is only touched from
that loop (it is not thread-safe), and the run's calls show in the journal and in a
recording like any other client's. The runner is imported by the first run: a server
that never runs one does not load it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_ingrid.scenarios import StepReport

Json = dict[str, Any]
# Finished runs kept for reading; the oldest finished goes first.
KEPT_RUNS = 50
# Runs at once: each holds a thread and a connection to this server.
MAX_RUNNING = 4


@dataclass(slots=True)
class _Step:
    number: int
    id: str | None
    label: str
    state: str = "pending"
    status_code: int | None = None
    error: str | None = None

    def json(self) -> Json:
        return {
            "number": self.number,
            "id": self.id,
            "label": self.label,
            "state": self.state,
            "statusCode": self.status_code,
            "error": self.error,
        }


def step_summaries(document: Json) -> list[_Step]:
    """A scenario's steps as a run shows them before they run (all ``pending``)."""
    from mock_ingrid.scenarios import describe_step

    return [
        _Step(number, step.get("id"), describe_step(step))
        for number, step in enumerate(document["steps"], start=1)
    ]


@dataclass(slots=True)
class Run:
    run_id: str
    scenario: str
    steps: list[_Step]
    status: str = "running"
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    error: str | None = None
    # Written by the run's thread, read by the server's loop.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, report: StepReport) -> None:
        with self._lock:
            step = self.steps[report.number - 1]
            step.state, step.status_code, step.error = report.state, report.status, report.error

    def finish(self, error: str | None) -> None:
        with self._lock:
            self.status = "failed" if error is not None else "passed"
            self.error = error
            self.finished_at = datetime.now(UTC)

    def json(self) -> Json:
        with self._lock:
            return {
                "runId": self.run_id,
                "scenario": self.scenario,
                "status": self.status,
                "startedAt": self.started_at,
                "finishedAt": self.finished_at,
                "error": self.error,
                "steps": [step.json() for step in self.steps],
            }


class TooManyRuns(Exception):
    """``MAX_RUNNING`` runs are running."""


class ScenarioRuns:
    """The runs of one app instance, by id (numbered from 1)."""

    def __init__(self) -> None:
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._last_id = 0

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def all(self) -> list[Run]:
        return list(self._runs.values())

    def start(self, document: Json, base_url: str, admin_token: str | None) -> Run:
        """Start running ``document`` (a checked scenario) against ``base_url``."""
        if sum(run.status == "running" for run in self._runs.values()) >= MAX_RUNNING:
            raise TooManyRuns
        self._last_id += 1
        run = Run(str(self._last_id), str(document["name"]), step_summaries(document))
        self._runs[run.run_id] = run
        self._forget_old()
        thread = threading.Thread(
            target=_work,
            args=(run, document, base_url, admin_token),
            name=f"mock-ingrid-scenario-run-{run.run_id}",
            daemon=True,
        )
        thread.start()
        return run

    def _forget_old(self) -> None:
        finished = [key for key, run in self._runs.items() if run.status != "running"]
        for key in finished[: max(0, len(self._runs) - KEPT_RUNS)]:
            del self._runs[key]


def _work(run: Run, document: Json, base_url: str, admin_token: str | None) -> None:
    from mock_ingrid.scenarios import ScenarioError, ScenarioFailed, run_scenario

    try:
        run_scenario(document, base_url, verbose=False, admin_token=admin_token, watch=run.watch)
    except (ScenarioFailed, ScenarioError) as exc:
        run.finish(str(exc))
    except Exception as exc:  # a run must end, whatever broke: say what
        run.finish(f"{type(exc).__name__}: {exc}")
    else:
        run.finish(None)
