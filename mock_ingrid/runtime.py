"""What a running app instance owns: its settings, clock and state."""

from __future__ import annotations

from dataclasses import dataclass

from mock_ingrid.clock import Clock, FrozenClock, SystemClock
from mock_ingrid.settings import Settings
from mock_ingrid.store import State


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    state: State

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        clock: Clock = (
            FrozenClock(settings.freeze_time) if settings.freeze_time is not None else SystemClock()
        )
        return cls(settings, clock, State(clock, seed=settings.seed))
