"""Who receives which webhooks: subscriptions per merchant, or for every merchant.

Subscriptions from the command line have no merchant: they receive every event
type of every merchant. Those created through the control API belong to one
merchant and may filter event types. Each has its own signing secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


class SubscriptionStatus:
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(slots=True)
class Subscription:
    subscription_id: str
    merchant: str | None  # None: every merchant
    url: str
    event_types: frozenset[str] | None  # None: every event type
    secret: str
    created_at: datetime
    source: str  # "cli" or "control"
    status: str = SubscriptionStatus.ENABLED
    disabled_reason: str | None = None

    @property
    def enabled(self) -> bool:
        return self.status == SubscriptionStatus.ENABLED

    def wants(self, merchant: str, event_type: str) -> bool:
        return (
            self.enabled
            and (self.merchant is None or self.merchant == merchant)
            and (self.event_types is None or event_type in self.event_types)
        )

    def applies_to(self, merchant: str) -> bool:
        return self.merchant is None or self.merchant == merchant

    def disable(self, reason: str) -> None:
        self.status = SubscriptionStatus.DISABLED
        self.disabled_reason = reason

    def enable(self) -> None:
        self.status = SubscriptionStatus.ENABLED
        self.disabled_reason = None


class Subscriptions:
    """Subscriptions by id (``sub_1``, ``sub_2``, ... in creation order)."""

    def __init__(self) -> None:
        self._by_id: dict[str, Subscription] = {}
        self._next = 1

    def add(
        self,
        merchant: str | None,
        url: str,
        event_types: Iterable[str] | None,
        secret: str,
        created_at: datetime,
        source: str,
    ) -> Subscription:
        subscription = Subscription(
            subscription_id=f"sub_{self._next}",
            merchant=merchant,
            url=url,
            event_types=frozenset(event_types) if event_types is not None else None,
            secret=secret,
            created_at=created_at,
            source=source,
        )
        self._next += 1
        self._by_id[subscription.subscription_id] = subscription
        return subscription

    def get(self, subscription_id: str) -> Subscription | None:
        return self._by_id.get(subscription_id)

    def remove(self, subscription_id: str) -> Subscription | None:
        return self._by_id.pop(subscription_id, None)

    def all(self, merchant: str | None = None) -> list[Subscription]:
        """Every subscription, or those that apply to ``merchant`` (its own and the global)."""
        found = self._by_id.values()
        return [s for s in found if merchant is None or s.applies_to(merchant)]

    def matching(self, merchant: str, event_type: str) -> list[Subscription]:
        return [s for s in self._by_id.values() if s.wants(merchant, event_type)]

    @property
    def next_number(self) -> int:
        """The number of the next subscription id (``sub_<n>``)."""
        return self._next

    def restore(self, saved: list[Subscription], next_number: int) -> None:
        """Add subscriptions saved in a state file, with their ids. One of the command
        line's whose id a saved one holds (more ``--webhook-url`` than last time) gets
        the next free id."""
        taken = {s.subscription_id for s in saved}
        self._next = max(self._next, next_number)
        mine = []
        for subscription in self._by_id.values():
            if subscription.subscription_id in taken:
                subscription.subscription_id = f"sub_{self._next}"
                self._next += 1
            mine.append(subscription)
        every = [*mine, *saved]
        every.sort(key=lambda s: _number(s.subscription_id))
        self._by_id = {s.subscription_id: s for s in every}

    def clear_merchant_subscriptions(self) -> None:
        """Back to the command line's subscriptions, enabled (as at start)."""
        self._by_id = {k: s for k, s in self._by_id.items() if s.source == "cli"}
        for subscription in self._by_id.values():
            subscription.enable()


def _number(subscription_id: str) -> int:
    digits = subscription_id.removeprefix("sub_")
    return int(digits) if digits.isdigit() else 0
