"""The only I/O of webhooks: POST what the outbox says is due, record what happened.

An asyncio task started and stopped by the app's lifespan. It never runs
inside an API request: the domain only appends to the outbox and wakes this
task, so a slow or hanging receiver costs a concurrency slot, not a request.
Each attempt runs as its own task; one shared ``httpx.AsyncClient`` that never
follows redirects does the sending.

Concurrency is bounded twice: per receiver origin (so one hanging receiver holds
only its own slots) and overall. The per-origin bound is small on purpose:
httpcore's pool re-scans every connection for every waiting request, so its
cost grows with the square of the requests in flight (measured on loopback:
about 1,100 requests/s with 2 in flight, 150/s with 64).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from mock_ingrid import __version__
from mock_ingrid.clock import Clock
from mock_ingrid.webhooks.outbox import Attempt, Delivery, DeliveryStatus, Outbox
from mock_ingrid.webhooks.signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

log = logging.getLogger("mock_ingrid.webhooks")

USER_AGENT = f"mock-ingrid/{__version__} (webhooks)"
BODY_PREVIEW_BYTES = 1024
# The loop re-reads the clock at least this often, so a clock moved by hand is noticed.
MAX_IDLE_SECONDS = 1.0
DEFAULT_CONCURRENCY = 64
PER_ORIGIN_CONCURRENCY = 4


@dataclass(slots=True)
class _Session:
    """A client and its slots, bound to the event loop that made them."""

    client: httpx.AsyncClient
    slots: asyncio.Semaphore
    per_origin: int
    origins: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def origin_slots(self, url: str) -> asyncio.Semaphore:
        origin = httpx.URL(url).copy_with(path="/", query=None, fragment=None)
        key = str(origin)
        found = self.origins.get(key)
        if found is None:
            found = self.origins[key] = asyncio.Semaphore(self.per_origin)
        return found


class Dispatcher:
    def __init__(
        self,
        outbox: Outbox,
        clock: Clock,
        timeout: float,
        on_gone: Callable[[Delivery], None],
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.outbox = outbox
        self.clock = clock
        self.timeout = timeout
        self.concurrency = concurrency
        self._on_gone = on_gone
        self._session: _Session | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._finished = False
        # True from the start of ``stop`` until it returns: the shutdown grace.
        self.stopping = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # -- lifecycle ----------------------------------------------------------------

    async def start(self) -> None:
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._finished = False
        self._wakeup = asyncio.Event()
        self._session = self._new_session()
        self._task = asyncio.create_task(self._run(), name="mock-ingrid-webhooks")

    async def stop(self, grace: float) -> None:
        """Keep delivering what is due for up to ``grace`` seconds, then stop."""
        if self._task is None or self._session is None:
            return
        self.stopping = True
        try:
            await self._drain(grace)
            # The loop ends on the flag, not on cancel(): asyncio.wait_for on 3.11
            # can swallow a cancellation that races with the event it waits for.
            self._finished = True
            self.wake()
            await self._task
            await self._close(self._session)
        finally:
            self.stopping = False
        left = sum(1 for _ in self.outbox.pending())
        if left:
            log.warning("webhooks: %d delivery(ies) still pending at shutdown", left)
        self._task = self._session = self._loop = self._wakeup = None

    async def _drain(self, grace: float) -> None:
        """Let attempts out finish, and what falls due meanwhile go (a sandbox retry a
        second away, say), for at most ``grace`` seconds."""
        deadline = time.monotonic() + grace
        while (left := deadline - time.monotonic()) > 0 and self._busy(left):
            await asyncio.sleep(0.02)  # a bounded shutdown polls; the loop task keeps sending

    def _busy(self, horizon: float) -> bool:
        """An attempt is out, or one falls due within ``horizon`` seconds (on a frozen
        clock only what is due now: nothing else comes due by itself)."""
        if self._session is not None and self._session.tasks:
            return True
        due = self.outbox.next_due()
        if due is None or self.outbox.paused:
            return False
        ahead = timedelta(0) if getattr(self.clock, "frozen", False) else timedelta(seconds=horizon)
        return due <= self.clock.now() + ahead

    def wake(self) -> None:
        """New work: safe to call from any thread (the domain may run outside the loop)."""
        loop, wakeup = self._loop, self._wakeup
        if loop is None or wakeup is None or loop.is_closed():
            return
        if _running_loop() is loop:
            wakeup.set()
        else:
            loop.call_soon_threadsafe(wakeup.set)

    async def _run(self) -> None:
        assert self._wakeup is not None and self._session is not None
        while not self._finished:
            self._wakeup.clear()  # before taking, so work added meanwhile wakes us
            self.launch(self._session, self.outbox.take_due(self.clock.now()))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._idle_seconds()):
                    await self._wakeup.wait()

    def _idle_seconds(self) -> float:
        due = self.outbox.next_due()
        if due is None or self.outbox.paused:
            return MAX_IDLE_SECONDS
        wait = (due - self.clock.now()).total_seconds()
        return min(max(wait, 0.0), MAX_IDLE_SECONDS)

    # -- running what is due ------------------------------------------------------

    async def run_due(self, now: datetime | None = None, force: bool = False) -> int:
        """Attempt everything due at ``now`` (or everything waiting, with ``force``)
        and return once those attempts are recorded. Works without ``start()``."""
        async with self.session() as session:
            taken = self.outbox.take_due(self.clock.now() if now is None else now, force)
            tasks = self.launch(session, taken, force)
            if tasks:
                await asyncio.wait(tasks)
            return len(taken)

    async def flush(self, timeout: float) -> int:
        """Attempt every waiting delivery now and wait (up to ``timeout``) for every
        attempt out, including those started before. Returns how many were started."""
        async with self.session() as session:
            taken = self.outbox.take_due(self.clock.now(), force=True)
            self.launch(session, taken, force=True)
            if session.tasks:
                await asyncio.wait(set(session.tasks), timeout=timeout)
            return len(taken)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[_Session]:
        """The running dispatcher's session, or a temporary one for this call's loop
        (an in-process test client may call without the lifespan having started us)."""
        if self._session is not None and _running_loop() is self._loop:
            yield self._session
            return
        session = self._new_session()
        try:
            yield session
        finally:
            await self._close(session)

    def launch(
        self, session: _Session, deliveries: list[Delivery], force: bool = False
    ) -> list[asyncio.Task[None]]:
        """An attempt task per delivery; ``force`` (a flush) sends even while paused."""
        tasks = []
        for delivery in deliveries:
            task = asyncio.create_task(self._attempt(session, delivery, force))
            session.tasks.add(task)
            task.add_done_callback(session.tasks.discard)
            tasks.append(task)
        return tasks

    async def _attempt(self, session: _Session, delivery: Delivery, force: bool) -> None:
        finished = False
        try:
            # The origin's slot first: waiting for it must not hold a global one.
            async with session.origin_slots(delivery.url), session.slots:
                # A slot can take a while (a hanging receiver holds its origin's):
                # meanwhile a 410 or a delete may have cancelled this, or a pause come.
                if delivery.status != DeliveryStatus.PENDING:
                    return
                if self.outbox.paused and not force:
                    return  # released below: due again once resumed
                attempt, retry_after = await self._post(session.client, delivery)
            self.outbox.finish(delivery, attempt, retry_after, self.clock.now())
            finished = True
            if attempt.status_code == 410:
                self._on_gone(delivery)
            # A retry may now be due sooner than the loop planned to look.
            self.wake()
        finally:
            if not finished:  # not sent, or cancelled at shutdown: leave it due, not lost
                self.outbox.release(delivery)

    async def _post(
        self, client: httpx.AsyncClient, delivery: Delivery
    ) -> tuple[Attempt, timedelta | None]:
        message = delivery.message
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            ID_HEADER: message.message_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(message.message_id, timestamp, message.body, delivery.secret),
        }
        status: int | None = None
        error: str | None = None
        preview = b""
        retry_after: timedelta | None = None
        at = self.clock.now()  # when it was sent; ``latency_ms`` says how long it took
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                request = client.build_request(
                    "POST", delivery.url, content=message.body, headers=headers
                )
                response = await client.send(request, stream=True)
                try:
                    status = response.status_code
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    preview = await _read_start(response)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            error = f"timed out after {self.timeout:g} s"
        except httpx.HTTPError as exc:
            error = _describe(exc)
        latency = (time.perf_counter() - started) * 1000
        attempt = Attempt(
            number=len(delivery.attempts) + 1,
            at=at,
            timestamp=timestamp,
            url=delivery.url,
            status_code=status,
            latency_ms=round(latency, 3),
            error=error,
            response_body=preview.decode("utf-8", "replace"),
        )
        return attempt, retry_after

    def _new_session(self) -> _Session:
        limits = httpx.Limits(
            max_connections=self.concurrency, max_keepalive_connections=self.concurrency
        )
        client = httpx.AsyncClient(
            follow_redirects=False, timeout=self.timeout, limits=limits, trust_env=False
        )
        return _Session(client, asyncio.Semaphore(self.concurrency), PER_ORIGIN_CONCURRENCY)

    async def _close(self, session: _Session) -> None:
        for task in list(session.tasks):
            task.cancel()
        if session.tasks:
            await asyncio.wait(set(session.tasks))
        await session.client.aclose()


async def _read_start(response: httpx.Response) -> bytes:
    """The first bytes of the body, for the log; the rest is read and dropped so the
    connection can be reused."""
    kept = bytearray()
    async for chunk in response.aiter_bytes():
        if len(kept) < BODY_PREVIEW_BYTES:
            kept += chunk[: BODY_PREVIEW_BYTES - len(kept)]
    return bytes(kept)


def parse_retry_after(value: str | None) -> timedelta | None:
    """``Retry-After`` as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - datetime.now(UTC), timedelta(0))


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc}" if str(exc) else "connection failed"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
