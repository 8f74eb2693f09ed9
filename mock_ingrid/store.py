"""The one in-memory state object of an app instance: every merchant's world."""

from __future__ import annotations

import random
from collections import deque

from mock_ingrid.clock import Clock
from mock_ingrid.domain.events import DomainEvent, EventListener
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import MerchantSettings


class State:
    """Holds merchants by API key. Several instances can live in one process."""

    def __init__(self, clock: Clock, seed: int = 0, event_history: int = 10_000) -> None:
        self.clock = clock
        self.seed = seed
        self.random = random.Random(seed)
        self.merchants: dict[str, Merchant] = {}
        self.default_settings: dict[str, MerchantSettings] = {}
        self.recent_events: deque[DomainEvent] = deque(maxlen=event_history)
        self.listeners: list[EventListener] = [self.recent_events.append]

    def merchant(self, key: str) -> Merchant:
        """The merchant of ``key``, created on first use (any key is its own tenant)."""
        found = self.merchants.get(key)
        if found is None:
            settings = self.default_settings.get(key)
            found = Merchant(key, self.clock, _copy(settings), self.listeners)
            self.merchants[key] = found
        return found

    def reset(self) -> None:
        self.merchants.clear()
        self.recent_events.clear()
        self.random.seed(self.seed)


def _copy(settings: MerchantSettings | None) -> MerchantSettings | None:
    if settings is None:
        return None
    import copy

    return copy.deepcopy(settings)
