"""The one in-memory state object of an app instance: every merchant's world."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

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
        # Merchants handed to API calls before anything was written for them: see ``acting``.
        self._unborn: dict[str, _Unborn] = {}

    def merchant(self, key: str) -> Merchant:
        """The merchant of ``key``, created now if need be (``/_mock/merchants``, fixtures).
        A merchant an API call is about to write for (``acting``) is the one adopted."""
        found = self.merchants.get(key)
        if found is None:
            unborn = self._unborn.pop(key, None)
            found = unborn.merchant if unborn is not None else self._new(key)
            self.merchants[key] = found
        return found

    def acting(self, key: str) -> Merchant:
        """The merchant an API call acts for; pair it with ``release`` once the call is done.

        Any key is its own tenant, but a key the state does not hold yet gets a merchant
        that joins the state only once something is written for it: a refused call, a
        read or a failed write leaves nothing behind (no merchant in lists and exports).
        Calls in flight for the same new key share one merchant, so that what the first
        of them writes is what the others see."""
        found = self.merchants.get(key)
        if found is not None:
            return found
        unborn = self._unborn.get(key)
        if unborn is None:
            unborn = self._unborn[key] = _Unborn(self._new(key))
        unborn.calls += 1
        return unborn.merchant

    def release(self, merchant: Merchant) -> None:
        """The call for ``merchant`` is done: a new merchant that something was written
        for joins the state; one left blank is forgotten when no call holds it any more."""
        unborn = self._unborn.get(merchant.key)
        if unborn is None or unborn.merchant is not merchant:
            return  # a merchant of the state (or of one before a reset or an import)
        unborn.calls -= 1
        if not merchant.is_blank():
            del self._unborn[merchant.key]
            self.merchants.setdefault(merchant.key, merchant)
        elif unborn.calls <= 0:
            del self._unborn[merchant.key]

    def _new(self, key: str) -> Merchant:
        settings = self.default_settings.get(key)
        return Merchant(key, self.clock, _copy(settings), self.listeners)

    def reset(self) -> None:
        self.merchants.clear()
        self._unborn.clear()
        self.recent_events.clear()
        self.random.seed(self.seed)


@dataclass(slots=True)
class _Unborn:
    """A merchant not in the state yet, and how many calls hold it."""

    merchant: Merchant
    calls: int = 0


def _copy(settings: MerchantSettings | None) -> MerchantSettings | None:
    if settings is None:
        return None
    import copy

    return copy.deepcopy(settings)
