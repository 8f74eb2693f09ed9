"""What a running app instance owns: settings, clock, state, timers, webhooks,
diagnostics, and what survives a restart (``persistence``)."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mock_ingrid.clock import ControlledClock
from mock_ingrid.control.diagnostics_state import Diagnostics, build_diagnostics
from mock_ingrid.control.scenario_runs import ScenarioRuns
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.feed import Feed
from mock_ingrid.persistence import Persistence
from mock_ingrid.progression import Progression, parse_assignment
from mock_ingrid.settings import Settings
from mock_ingrid.store import State
from mock_ingrid.timers import Timers
from mock_ingrid.webhooks.webhooks import Webhooks


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: ControlledClock
    state: State
    # Built from the three above; each subscribes itself to the state's events.
    timers: Timers = field(init=False)
    progression: Progression = field(init=False)
    webhooks: Webhooks = field(init=False)
    diagnostics: Diagnostics = field(init=False)
    persistence: Persistence = field(init=False)
    # Scenarios started through /_mock/scenarios, with their steps' progress.
    scenario_runs: ScenarioRuns = field(init=False)
    feed: Feed = field(init=False)  # what open dashboards are told
    # What the server started with (its fixtures), for /_mock/reset.
    baseline: dict[str, Any] | None = field(init=False, default=None)
    # Set by a process that is only this server (``mock-ingrid serve``): bulk loads
    # then end with ``freeze_heap``. Off in-process (``testing.MockIngrid``, tests),
    # where the collector belongs to the host program.
    freezes_heap: bool = field(init=False, default=False)
    # Set by ``mock-ingrid serve`` where ``os.fork`` exists: writes of the whole state
    # (a checkpoint, the start of a recording) run in a forked copy (``forked``).
    forks: bool = field(init=False, default=False)
    # When a stop was asked for (``time.monotonic``) plus the shutdown grace: what is
    # left of it is what pending webhooks get. None: no deadline (in-process servers).
    stop_deadline: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.timers = Timers()
        self.progression = Progression(self.state, self.timers)
        for assignment in self.settings.progression:
            self.progression.set_policy(*parse_assignment(assignment))
        self.webhooks = Webhooks(self.settings, self.clock, self.state)
        self.diagnostics = build_diagnostics(self.settings)
        self.persistence = Persistence(self)
        self.scenario_runs = ScenarioRuns()
        self.feed = Feed()
        self.state.listeners.append(self.feed.on_event)
        self.webhooks.outbox.attempt_listeners.append(self.feed.on_attempt)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        clock = ControlledClock(settings.freeze_time)
        return cls(settings, clock, State(clock, seed=settings.seed))

    def grace_left(self) -> float | None:
        """What is left of the shutdown grace (None: no stop deadline was set)."""
        if self.stop_deadline is None:
            return None
        return max(0.0, self.stop_deadline - time.monotonic())

    # -- time -----------------------------------------------------------------

    def next_due(self) -> datetime | None:
        dues = [d for d in (self.timers.next_due(), self.webhooks.outbox.next_due()) if d]
        return min(dues) if dues else None

    def run_due(self) -> int:
        """Run the progression steps due now (webhook attempts are the dispatcher's)."""
        return self.timers.run_due(self.clock.now())

    async def advance_to(self, target: datetime) -> dict[str, int]:
        """Move the clock to ``target``, running everything due on the way, in order.

        Each due item runs with the clock set to its due time, so what it does
        (and schedules) is stamped as if time had passed for real.
        """
        steps = attempts = 0
        while (due := self.next_due()) is not None and due <= target:
            self.clock.set(max(due, self.clock.now()))
            if self.timers.run_one_due(self.clock.now()):
                steps += 1
                continue
            sent = await self.webhooks.dispatcher.run_due(self.clock.now())
            if not sent:  # deliveries are paused: they wait, time still moves
                break
            attempts += sent
        if target > self.clock.now():
            self.clock.set(target)
        return {"progressionSteps": steps, "webhookAttempts": attempts}

    # -- resets -----------------------------------------------------------------

    def remember_baseline(self) -> None:
        """Keep the start state (the fixtures just loaded) for ``reset``; what the
        progression policies move by themselves gets its next step."""
        self.baseline = None
        if self.state.merchants:
            # (snapshot, with the state file's codecs, loads when there is data to
            # keep: a server started without fixtures does not import it)
            from mock_ingrid.snapshot import export_state

            self.baseline = export_state(self.state)
        self.progression.schedule_existing(list(self.state.merchants))
        if self.freezes_heap and self.state.merchants:
            freeze_heap()

    def reset(self) -> None:
        """Back to the state the server started with; webhook log, timers and faults cleared."""
        self.state.reset()
        self.timers.clear()
        self.webhooks.reset()
        self.diagnostics.reset()
        if self.baseline is not None:
            self.import_snapshot(self.baseline)

    def reset_merchant(self, key: str) -> None:
        """Forget one merchant's data, id sequences and pending steps; keep its settings."""
        old = self.state.merchants.pop(key, None)
        self.progression.forget(key)
        fresh = self.state.merchant(key)
        if old is not None:
            fresh.settings = old.settings

    def import_snapshot(self, data: Any, replace: bool = False) -> list[str]:
        """Load exported state data (``snapshot.export_state``'s), all or nothing."""
        from mock_ingrid.snapshot import merchants_from_data

        return self.import_merchants(merchants_from_data(self.state, data), replace)

    def import_merchants(self, merchants: list[Merchant], replace: bool = False) -> list[str]:
        """Put merchants read from a snapshot in the state; what the progression
        policies move by themselves gets its next step, counted from now."""
        from mock_ingrid.snapshot import install

        keys = install(self.state, merchants, replace=replace)
        for key in keys:
            self.webhooks.outbox.continue_numbering(key, self.state.merchant(key).event_seq)
        if replace:
            self.timers.clear()
        self.progression.schedule_existing(keys)
        if self.freezes_heap:
            freeze_heap()
        return keys


# The youngest generation's threshold for a server process (CPython's default: 700).
SERVER_GC_THRESHOLD = 10_000


def tune_collector() -> None:
    """In a server process: collect the youngest generation every 10,000 allocations
    rather than every 700. One API request allocates a few hundred objects, nearly all
    freed by reference counting when it ends, so the default walks the young objects
    of every other request for nothing (POST /orders served about 15% more requests
    per second with a higher threshold, bench/run.py). Not higher: what survives ten
    young collections is walked at once by the middle one, and under a stream of
    writes (each order stays) a threshold of 50,000 made that a pause of up to 0.2 s
    (the p99 of POST /orders); at 10,000 it stays under 40 ms, for the same
    throughput. The older generations keep their defaults, so long-lived garbage is
    still found."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(SERVER_GC_THRESHOLD, middle, oldest)


def freeze_heap() -> None:
    """After a bulk load: collect once, then move every object left (the loaded data,
    the app itself) into the collector's permanent generation (``gc.freeze``).

    Loaded data is long-lived and holds no garbage, but CPython's full collections
    walk every tracked object: about 25 per return, so a full collection took 0.3 s
    at 10k returns and 3 s at 100k, stalling whichever request was running (the p99
    grew with the data). Frozen objects are never walked again; they are still freed
    by reference counting when dropped (the domain's data holds no cycles), and what
    is created afterwards is collected as usual. The one collection here is paid
    once per load, not once per collection cycle."""
    gc.collect()
    gc.freeze()
