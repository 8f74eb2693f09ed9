"""What survives a restart: the state file loaded at start, saved while the server
runs (checkpoints), on demand (``POST /_mock/state/save``) and at stop.

A checkpoint saves every ``--save-interval`` seconds when something changed since
the last save: a request that can write (any method but GET and HEAD), a domain
event (a progression step), a webhook attempt's outcome, a fault rule firing.

In ``mock-ingrid serve`` a save runs in a forked copy of the process: the copy holds
the state as it was at the fork (the operating system copies a page only when one
of the two writes it) and writes the file while this process goes on serving, so a
save of 50,000 returns costs the API the fork (milliseconds), not the seconds it
takes. Elsewhere (in-process servers, or no ``fork``) a save runs in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_ingrid.domain.events import DomainEvent
from mock_ingrid.forked import ChildDied, ChildFailed, Forked
from mock_ingrid.jsonio import JsonSyntaxError
from mock_ingrid.state_file import StateFile, StateFileError

# The state file's reader and writer (snapshot, server_state: msgspec, the entity
# codecs) are imported by the first load or save, not at start-up: a server without
# a state file never loads them, and one with a file pays for them when it reads it.
if TYPE_CHECKING:
    from mock_ingrid.server_state import Runtime

log = logging.getLogger("mock_ingrid")
# After a kill, webhook-ids go on this far past the last saved ones: the events made
# between the last save and the kill are lost, but receivers saw their ids.
UNCLEAN_STOP_RESERVE = 1_000_000
_READ_ONLY = frozenset({"GET", "HEAD"})
# POSTs that change nothing a state file keeps.
_KEEPS_STATE = frozenset({"/_mock/state/save", "/_mock/journal/verify"})


@dataclass(frozen=True, slots=True)
class Saved:
    path: Path
    size: int
    merchants: int


class Persistence:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        path = runtime.settings.state_file
        self.file = StateFile(path) if path is not None else None
        self.interval = runtime.settings.save_interval
        self.changes = 0
        self._saved: tuple[int, int, int] | None = None
        self._lock = asyncio.Lock()
        self._fork = Forked()
        self._temporary: Path | None = None  # of the save running in a forked process
        self._task: asyncio.Task[None] | None = None
        self.stopped = False
        self.error: str | None = None  # why the save at stop failed
        runtime.state.listeners.append(self._on_event)

    # -- what changed ---------------------------------------------------------------

    def _on_event(self, event: DomainEvent) -> None:
        self.changes += 1

    def changed(self) -> None:
        self.changes += 1

    def _signature(self) -> tuple[int, int, int]:
        fired = sum(rule.applied for rule in self.runtime.diagnostics.faults.rules.values())
        return self.changes, self.runtime.webhooks.outbox.revision, fired

    @property
    def dirty(self) -> bool:
        return self._saved != self._signature()

    # -- loading --------------------------------------------------------------------

    def load(self) -> bool:
        """Load the state file, if there is one (at start, after the fixtures: its
        merchants replace theirs of the same key); whether it was."""
        if self.file is None:
            return False
        try:
            return self._load(self.file)
        finally:
            if self.file.unclean:  # (saved at the next save, at stop at the latest)
                self.runtime.webhooks.outbox.skip_numbers(UNCLEAN_STOP_RESERVE)
                self.changed()

    def _load(self, file: StateFile) -> bool:
        text = file.read()
        if text is None:
            return False
        from mock_ingrid.server_state import ServerStateError, restore_rest, restore_settings
        from mock_ingrid.server_state import read as read_server_state
        from mock_ingrid.snapshot import SnapshotError, read_merchants

        runtime = self.runtime
        try:
            merchants, server = read_merchants(runtime.state, text)
            saved = read_server_state(server) if server is not None else None
        except (JsonSyntaxError, SnapshotError, ServerStateError) as exc:
            raise StateFileError(f"{file.path}: {exc}") from None
        del text
        if saved is not None:
            restore_settings(runtime, saved)
        runtime.import_merchants(merchants)
        if saved is not None:
            restore_rest(runtime, saved)
        if not runtime.settings.fixtures:  # the state is the file's: nothing to save yet
            self._saved = self._signature()
        return True

    # -- saving ---------------------------------------------------------------------

    def document(self) -> Iterator[bytes | memoryview]:
        """The state file's text, in pieces."""
        from mock_ingrid.server_state import capture
        from mock_ingrid.snapshot import encode_state

        tail = b',"server":' + capture(self.runtime)
        return encode_state(self.runtime.state, tail=tail)

    async def save(self, force: bool = True) -> Saved | None:
        """Save now (or, without ``force``, only if something changed since the last
        save), and return once the file is durable."""
        assert self.file is not None
        async with self._lock:
            signature = self._signature()
            if not force and signature == self._saved:
                return None
            merchants = len(self.runtime.state.merchants)
            if self.runtime.forks:
                size = await self._save_in_child(self.file)
            else:
                size = self.file.write(self.document())
            self._saved = signature
            return Saved(self.file.path, size, merchants)

    def start(self) -> None:
        """Checkpoints every ``interval`` seconds while the server runs."""
        if self.file is not None and self.interval > 0 and self._task is None:
            self._task = asyncio.create_task(self._checkpoints(), name="mock-ingrid-checkpoints")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.abandon()

    async def _checkpoints(self) -> None:
        failing = None
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.save(force=False)
            except StateFileError as exc:
                if str(exc) != failing:  # once per reason, not every interval
                    log.warning("mock-ingrid: checkpoint failed: %s", exc)
                failing = str(exc)
            else:
                failing = None

    def save_at_stop(self) -> None:
        """The last save (once), unless nothing changed since one; never raises:
        ``error`` says why it failed (``mock-ingrid serve`` then exits with 1)."""
        if self.file is None or self.stopped:
            return
        self.stopped = True
        self.abandon()
        if self.dirty:
            signature = self._signature()
            try:
                self.file.write(self.document())
            except StateFileError as exc:
                self.error = str(exc)
            except Exception as exc:  # a bug: still said, still a failed exit
                log.exception("saving the state failed")
                self.error = f"saving {self.file.path} failed: {exc!r}"
            else:
                self._saved = signature
        if self.error is not None:
            log.error("mock-ingrid: error: the state was not saved: %s", self.error)
        self.file.release(clean=self.error is None)

    # -- saving in a forked process -------------------------------------------------

    async def _save_in_child(self, file: StateFile) -> int:
        fd, temporary = file.temporary()
        self._temporary = temporary
        saved = False
        try:
            size = await self._fork.run(
                lambda: file.write_into(fd, temporary, self.document()),
                keep=(fd,),
                explained=(StateFileError,),
            )
            saved = True
            return size
        except OSError as exc:  # the fork itself
            raise StateFileError(f"cannot save to {file.path}: fork: {exc.strerror}") from None
        except ChildDied as exc:
            raise StateFileError(f"saving {file.path} failed: {exc}") from None
        except ChildFailed as exc:
            raise StateFileError(str(exc)) from None
        finally:
            os.close(fd)
            self._temporary = None
            if not saved:  # the child removes its own on a failure; not when killed
                file.discard(temporary)

    def abandon(self) -> None:
        """Stop a save still running in a forked process (a stop saves in this one)."""
        self._fork.abandon()
        if self._temporary is not None:
            StateFile.discard(self._temporary)


class CountChanges:
    """ASGI middleware: a request that can write counts as a change, when it starts
    and when it ends (a save forked in between holds what it did before, not after)."""

    def __init__(self, app: ASGIApp, persistence: Persistence) -> None:
        self.app = app
        self.persistence = persistence

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in _READ_ONLY
            or scope["path"] in _KEEPS_STATE
        ):
            await self.app(scope, receive, send)
            return
        self.persistence.changed()
        try:
            await self.app(scope, receive, send)
        finally:
            self.persistence.changed()
