"""The only I/O of webhooks: POST what the outbox says is due, record what happened.

An asyncio task started and stopped by the app's lifespan. It never runs
inside an API request: the domain only appends to the outbox and wakes this
task, so a slow or hanging receiver costs a concurrency slot, not a request.

What is taken from the outbox joins its receiver origin's lane (scheme, host,
port): a queue worked by at most ``PER_ORIGIN_CONCURRENCY`` worker tasks, each
attempt also holding one of the ``concurrency`` slots shared by every origin. So
one hanging receiver holds only its own lane's slots, and a backlog of any size
costs a queue entry and a future per delivery, not a task (creating tens of
thousands of tasks at once would stall the API's requests on the same loop).
One aiohttp session per dispatcher session (``http_client``: keep-alive
connections pooled per origin, redirects never followed) does the sending. It is
made at the session's first attempt, and aiohttp is imported by the app's warm-up
(``load_client``, in a worker thread) once the server is up: imported at start-up,
it made ``serve`` take 1.7 times as long to be ready (median of 7 starts each, on a
busy machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mock_ingrid import __version__
from mock_ingrid.clock import Clock
from mock_ingrid.webhooks.outbox import Attempt, Delivery, DeliveryStatus, Outbox
from mock_ingrid.webhooks.signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

if TYPE_CHECKING:
    from mock_ingrid.webhooks.http_client import HttpClient

log = logging.getLogger("mock_ingrid.webhooks")

USER_AGENT = f"mock-ingrid/{__version__} (webhooks)"
BODY_PREVIEW_BYTES = 1024
# The same on every request: what the receiver sees besides Host and the signature.
FIXED_HEADERS = {
    "accept": "*/*",
    "accept-encoding": "identity",
    "content-type": "application/json",
    "user-agent": USER_AGENT,
}
# Parsed webhook URLs; cleared when full (subscriptions come and go through the API).
_MAX_TARGETS = 4096
# The loop re-reads the clock at least this often, so a clock moved by hand is noticed.
MAX_IDLE_SECONDS = 1.0
DEFAULT_CONCURRENCY = 64
PER_ORIGIN_CONCURRENCY = 4


class _Batch:
    """Deliveries launched together; ``done`` resolves once every attempt of them is
    recorded, or given up at shutdown (one future per batch, not per delivery)."""

    __slots__ = ("done", "left")

    def __init__(self, done: asyncio.Future[None], left: int) -> None:
        self.done = done
        self.left = left

    def one_done(self) -> None:
        self.left -= 1
        if self.left == 0 and not self.done.done():
            self.done.set_result(None)


# A receiver's origin (scheme, host, port): deliveries to one share a lane.
Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook URL and its lane; ``error`` says why it cannot be sent to."""

    url: str
    origin: Origin
    error: str | None = None


def parse_target(url: str) -> Target:
    """Never raises: a URL that cannot be sent to gives a Target whose ``error`` says why."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(f"unsupported scheme '{parts.scheme}' (http or https)")
        if not parts.hostname:
            raise ValueError("no host")
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        return Target(url, ("invalid", url, 0), f"invalid URL '{url}': {exc}")
    return Target(url, (scheme, parts.hostname, port))


# A delivery waiting in its lane, its target, whether a flush forced it, and its batch.
_Queued = tuple[Delivery, Target, bool, _Batch]


@dataclass(slots=True)
class _Lane:
    """One receiver origin's deliveries waiting for a worker, and how many work it."""

    queue: deque[_Queued] = field(default_factory=deque)
    workers: int = 0


@dataclass(slots=True)
class _Session:
    """A client, its lanes and slots, bound to the event loop that made them."""

    timeout: float
    slots: asyncio.Semaphore
    concurrency: int
    per_origin: int
    lanes: dict[Origin, _Lane] = field(default_factory=dict)
    # A future per batch with attempts not yet recorded (what a flush waits for).
    pending: set[asyncio.Future[None]] = field(default_factory=set)
    workers: set[asyncio.Task[None]] = field(default_factory=set)
    targets: dict[str, Target] = field(default_factory=dict)
    _client: HttpClient | None = None

    def client(self) -> HttpClient:
        """The session's HTTP client, made at its first attempt."""
        if self._client is None:
            from mock_ingrid.webhooks.http_client import HttpClient

            self._client = HttpClient(
                self.timeout, self.concurrency, self.per_origin, headers=FIXED_HEADERS
            )
        return self._client

    async def close_client(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def target(self, url: str) -> Target:
        found = self.targets.get(url)
        if found is None:
            if len(self.targets) >= _MAX_TARGETS:
                self.targets.clear()
            found = self.targets[url] = parse_target(url)
        return found

    def lane(self, origin: Origin) -> _Lane:
        found = self.lanes.get(origin)
        if found is None:
            found = self.lanes[origin] = _Lane()
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
        if self._session is not None and self._session.pending:
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
            launched = self.launch(session, taken, force)
            if launched is not None:
                await launched
            return len(taken)

    async def flush(self, timeout: float) -> int:
        """Attempt every waiting delivery now and wait (up to ``timeout``) for every
        attempt out, including those started before. Returns how many were started."""
        async with self.session() as session:
            taken = self.outbox.take_due(self.clock.now(), force=True)
            self.launch(session, taken, force=True)
            if session.pending:
                await asyncio.wait(set(session.pending), timeout=timeout)
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
    ) -> asyncio.Future[None] | None:
        """Queue each delivery on its origin's lane, with a worker for it if the lane
        has fewer than its bound; ``force`` (a flush) sends even while paused. The
        future (None for no delivery) resolves once every attempt is recorded (or
        given up at shutdown)."""
        if not deliveries:
            return None
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        session.pending.add(done)
        done.add_done_callback(session.pending.discard)
        batch = _Batch(done, len(deliveries))
        for delivery in deliveries:
            target = session.target(delivery.url)
            lane = session.lane(target.origin)
            lane.queue.append((delivery, target, force, batch))
            if lane.workers < session.per_origin:
                lane.workers += 1
                worker = loop.create_task(self._work(session, lane))
                session.workers.add(worker)
                worker.add_done_callback(session.workers.discard)
        return done

    async def _work(self, session: _Session, lane: _Lane) -> None:
        """Attempt what the lane holds, in order, until it is empty."""
        try:
            while lane.queue:
                delivery, target, force, batch = lane.queue.popleft()
                sent = False
                try:
                    sent = await self._attempt(session, target, delivery, force)
                except Exception:  # a bug here must not strand the rest of the lane
                    log.exception("webhooks: attempt of %s failed", delivery.delivery_id)
                finally:
                    batch.one_done()
                if not sent:  # skipping (paused, cancelled) never waits: let others run
                    await asyncio.sleep(0)
        finally:
            lane.workers -= 1

    async def _attempt(
        self, session: _Session, target: Target, delivery: Delivery, force: bool
    ) -> bool:
        """Send one attempt and record it; False when there was nothing to send."""
        finished = False
        try:
            # The lane's worker first (this task), then one of the shared slots.
            async with session.slots:
                # A slot can take a while (a hanging receiver holds its origin's):
                # meanwhile a 410 or a delete may have cancelled this, or a pause come.
                if delivery.status != DeliveryStatus.PENDING:
                    return False
                if self.outbox.paused and not force:
                    return False  # released below: due again once resumed
                attempt, retry_after = await self._post(session, target, delivery)
            self.outbox.finish(delivery, attempt, retry_after, self.clock.now())
            finished = True
            if attempt.status_code == 410:
                self._on_gone(delivery)
            # A retry may now be due sooner than the loop planned to look.
            self.wake()
            return True
        finally:
            if not finished:  # not sent, or cancelled at shutdown: leave it due, not lost
                self.outbox.release(delivery)

    async def _post(
        self, session: _Session, target: Target, delivery: Delivery
    ) -> tuple[Attempt, timedelta | None]:
        message = delivery.message
        timestamp = int(time.time())
        signature = sign(message.message_id, timestamp, message.body, delivery.secret)
        headers = {
            ID_HEADER: message.message_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature,
        }
        status: int | None = None
        error = target.error
        preview = b""
        retry_after: timedelta | None = None
        at = self.clock.now()  # when it was sent; ``latency_ms`` says how long it took
        started = time.perf_counter()
        if error is None:
            try:
                answer = await session.client().post(
                    target.url, headers, message.body, BODY_PREVIEW_BYTES
                )
                status, error, preview = answer.status, answer.error, answer.body_start
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
            except Exception as exc:  # a receiver must never break the dispatcher
                log.exception("webhooks: unexpected error sending %s", delivery.delivery_id)
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
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
        return _Session(
            self.timeout,
            asyncio.Semaphore(self.concurrency),
            self.concurrency,
            PER_ORIGIN_CONCURRENCY,
        )

    async def _close(self, session: _Session) -> None:
        for worker in list(session.workers):
            worker.cancel()
        if session.workers:
            await asyncio.wait(set(session.workers))
        for lane in session.lanes.values():  # never attempted: due again, not lost
            while lane.queue:
                delivery, _, _, batch = lane.queue.popleft()
                self.outbox.release(delivery)
                batch.one_done()
        await session.close_client()


def parse_retry_after(value: str | None) -> timedelta | None:
    """``Retry-After`` as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    from email.utils import parsedate_to_datetime  # rare: most answers give seconds

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - datetime.now(UTC), timedelta(0))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def load_client() -> None:
    """Import the HTTP client (aiohttp) and load its trust store: the app's warm-up
    does it once the server is up, so that neither start-up nor a first attempt waits."""
    from mock_ingrid.webhooks.http_client import default_tls

    default_tls()
