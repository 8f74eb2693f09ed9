"""A stop that always finishes, with the state saved.

``mock-ingrid serve`` runs uvicorn's ``Server`` with ``timeout_graceful_shutdown``
(``--shutdown-grace``): at the first SIGINT or SIGTERM it stops accepting, gives the
requests still running (a body that never ends, a latency fault, a webhook flush)
that long, then cancels them; webhook deliveries get what is left of it; then the
app's shutdown saves the state file. ``Server.handle_exit`` changes what further
signals do:

- the second (SIGTERM as well as SIGINT) ends the grace at once: the requests still
  running are cancelled, and the shutdown, the save included, goes on;
- a third stops waiting for anything (uvicorn's ``force_exit``, which skips the
  app's shutdown: ``cli.serve`` then saves after serving);
- no signal is raised again once serving is over (uvicorn does, so that the default
  handler runs: a ``KeyboardInterrupt`` traceback for SIGINT, death by SIGTERM
  before any save); ``signals_deferred`` keeps signals from cutting that save short,
  and the exit status says whether it worked.

A request the stop cuts short ends with a ``CancelledError``, which uvicorn logs as
"Exception in ASGI application" with a traceback, as if the app had crashed; it
already logs how many it cancelled, so ``QuietCancellations`` drops those.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from mock_ingrid.runtime import Runtime

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self.runtime = runtime
        self.signals = 0

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.signals += 1
        if self.signals == 1:
            self.should_exit = True
            self.runtime.stop_deadline = time.monotonic() + self.runtime.settings.shutdown_grace
            # Open dashboards' streams never end by themselves: uvicorn would wait for
            # them before the app's shutdown. (On the loop, not in the handler: see below.)
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_soon_threadsafe(self.runtime.feed.close)
        elif self.signals == 2:
            self.runtime.stop_deadline = time.monotonic()
            # (a handler may run in the middle of the loop's own code: not from here;
            # no running loop: not serving yet, or any more)
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_soon_threadsafe(self._cut_short)
        else:
            self.force_exit = True

    def _cut_short(self) -> None:
        """What the end of the grace does: cancel the requests still running."""
        for task in list(self.server_state.tasks):
            task.cancel()


class QuietCancellations(logging.Filter):
    """For uvicorn's error log: no traceback for a request cancelled by the stop."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM do nothing inside this block, except where uvicorn handles
    them (it puts these handlers back when it stops serving)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _ignore) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ignore(sig: int, frame: FrameType | None) -> None:
    """The server is stopping already: it saves the state, then exits."""
