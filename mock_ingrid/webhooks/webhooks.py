"""``Webhooks``: one app instance's subscriptions, outbox and dispatcher, wired to the domain.

The domain calls ``on_event`` synchronously inside ``Merchant.move``; that only
renders the payload (now, while the state is as the event left it) and appends
to the outbox. Sending happens later, in the dispatcher.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from mock_ingrid.clock import Clock
from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.settings import Settings
from mock_ingrid.store import State
from mock_ingrid.webhooks.dispatcher import Dispatcher
from mock_ingrid.webhooks.outbox import Delivery, Message, Outbox
from mock_ingrid.webhooks.payloads import render_bytes
from mock_ingrid.webhooks.schedule import parse_schedule
from mock_ingrid.webhooks.signing import generate_secret
from mock_ingrid.webhooks.subscriptions import Subscription, Subscriptions


class Webhooks:
    def __init__(self, settings: Settings, clock: Clock, state: State) -> None:
        self.settings = settings
        self.clock = clock
        self.state = state
        self.schedule = parse_schedule(settings.webhook_schedule)
        # Separate streams, so creating a subscription never shifts the jitter of retries.
        self._secrets = random.Random(f"webhook-secrets:{settings.seed}")
        self.secrets_drawn = 0  # kept in a state file: no secret is drawn twice
        self.subscriptions = Subscriptions()
        self.outbox = Outbox(
            self.schedule,
            random.Random(f"webhook-jitter:{settings.seed}"),
            settings.webhook_history,
        )
        self.dispatcher = Dispatcher(
            self.outbox, clock, settings.webhook_timeout, on_gone=self._gone
        )
        self.cli_secret: str | None = None
        self.cli_secret_generated = False
        if settings.webhook_urls:
            self.cli_secret = settings.webhook_secret or self.new_secret()
            self.cli_secret_generated = settings.webhook_secret is None
        for url in settings.webhook_urls:
            assert self.cli_secret is not None
            self.subscriptions.add(None, url, None, self.cli_secret, clock.now(), "cli")
        state.listeners.append(self.on_event)

    def new_secret(self) -> str:
        self.secrets_drawn += 1
        return generate_secret(self._secrets)

    def skip_secrets(self, drawn: int) -> None:
        """Go on past the secrets a saved run drew (its subscriptions hold them)."""
        while self.secrets_drawn < drawn:
            self.new_secret()

    # -- from the domain ----------------------------------------------------------

    def on_event(self, event: DomainEvent) -> None:
        if event.webhook is None:
            return
        merchant = self.state.merchants.get(event.merchant)
        if merchant is None:  # an event of a state this app does not hold
            return
        message = self.outbox.add_message(
            event.merchant,
            event.webhook,
            event.return_id,
            event.entity_id,
            event.at,
            render_bytes(merchant, event),
        )
        self._fan_out(message, self.subscriptions.matching(event.merchant, event.webhook))

    def _fan_out(
        self, message: Message, subscriptions: Iterable[Subscription], resend: bool = False
    ) -> list[Delivery]:
        created = self.outbox.deliver(message, subscriptions, self.clock.now(), resend)
        if created:
            self.dispatcher.wake()
        return created

    # -- from the control API -----------------------------------------------------

    def subscribe(
        self, merchant: str, url: str, event_types: Iterable[str] | None, secret: str | None
    ) -> Subscription:
        return self.subscriptions.add(
            merchant, url, event_types, secret or self.new_secret(), self.clock.now(), "control"
        )

    def unsubscribe(self, subscription_id: str) -> Subscription | None:
        removed = self.subscriptions.remove(subscription_id)
        if removed is not None:
            self.outbox.cancel_subscription(subscription_id, "the subscription was deleted")
        return removed

    def resend(self, message: Message, subscription: Subscription | None) -> list[Delivery]:
        """Deliver an event again: to one subscription, or to every enabled one that
        wants it now. Same ``webhook-id``, same bytes: it is the same event."""
        if subscription is not None:
            targets = [subscription]
        else:
            targets = self.subscriptions.matching(message.merchant, message.event_type)
        return self._fan_out(message, targets, resend=True)

    def pause(self) -> None:
        self.outbox.paused = True

    def resume(self) -> None:
        self.outbox.paused = False
        self.dispatcher.wake()

    async def flush(self, timeout: float) -> int:
        return await self.dispatcher.flush(timeout)

    def discard(self) -> int:
        return self.outbox.discard_pending("discarded by a flush")

    def reset(self) -> None:
        """Forget events, deliveries and the control API's subscriptions."""
        self.outbox.clear()
        self.subscriptions.clear_merchant_subscriptions()

    # -- lifecycle ----------------------------------------------------------------

    async def start(self) -> None:
        await self.dispatcher.start()

    async def stop(self, grace: float | None = None) -> None:
        """Deliver what is due for ``grace`` seconds at most (by default the settings'),
        then stop; what is still pending stays in the outbox."""
        limit = self.settings.webhook_shutdown_grace
        await self.dispatcher.stop(limit if grace is None else min(grace, limit))

    def _gone(self, delivery: Delivery) -> None:
        """A receiver answered 410 Gone: stop sending to that subscription."""
        subscription = self.subscriptions.get(delivery.subscription_id)
        if subscription is not None and subscription.enabled:  # the first 410 says why
            subscription.disable(f"the receiver answered 410 Gone to {delivery.delivery_id}")
        self.outbox.cancel_subscription(delivery.subscription_id, "the subscription is disabled")
