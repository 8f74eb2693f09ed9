"""``StartState``: the merchants' data as a recording starts, the body of the export's
``POST /_mock/state`` step (what ``GET /_mock/state`` would have answered then).

It is written at the start, not at the export: the calls recorded afterwards are
replayed on top of it. A large server's is large (about 3 KB a return: 300 MB at
100,000 returns), so it is kept in an unnamed temporary file (gone with the process,
whatever ends it) rather than in memory; and writing it takes seconds (4.8 s at
100,000 returns, during which ``mock-ingrid serve`` answered nothing), so there it
is written by a forked copy of the server (``forked``) that holds the state as it
was at the fork, while the server goes on and records what comes next.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from mock_ingrid.forked import ChildFailed, Forked

if TYPE_CHECKING:
    from mock_ingrid.store import State


class StartStateFailed(Exception):
    """The start state could not be written: ``str()`` says why."""


class StartState:
    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._fork = Forked()
        self._size = 0
        self._written = asyncio.Event()
        self._closing = threading.Lock()
        self.error: str | None = None

    async def write(self, state: State, fork: bool) -> None:
        """Write ``state`` as it is at this call: a forked child (``fork``) is made before
        this first returns to the event loop, so what runs meanwhile is not in it."""
        from mock_ingrid.snapshot import encode_state

        try:
            # Closed by ``close`` (the recording cleared), or with the process.
            self._file = tempfile.TemporaryFile(prefix="mock-ingrid-recording-")  # noqa: SIM115
            fd = self._file.fileno()
            if fork:
                self._size = await self._fork.run(
                    lambda: _write_all(fd, encode_state(state, None)), keep=(fd,)
                )
            else:
                self._size = _write_all(fd, encode_state(state, None))
        except (OSError, ChildFailed) as exc:
            self.error = str(exc) or repr(exc)
            self.close()
            raise StartStateFailed(self.error) from None
        finally:
            self._written.set()

    async def ready(self) -> None:
        """Once written; ``StartStateFailed`` if it was not, or was discarded since."""
        await self._written.wait()
        self._check()

    def read(self) -> bytes:
        """The state's JSON text (in a worker thread: it may be hundreds of MB)."""
        with self._closing:  # one reader at a time, and not closed while read
            self._check()
            assert self._file is not None
            self._file.seek(0)
            return self._file.read(self._size)

    def _check(self) -> None:
        if self.error is not None or self._file is None:
            raise StartStateFailed(self.error or "it was discarded (a reset)")

    def close(self) -> None:
        """Let the file go (ending the child still writing it, if any)."""
        self._fork.abandon()
        with self._closing:
            if self._file is not None:
                self._file.close()
                self._file = None
        self._written.set()


def _write_all(fd: int, pieces: Iterable[bytes | memoryview]) -> int:
    """Write ``pieces`` at the descriptor's offset; the number of bytes."""
    size = 0
    with open(fd, "wb", buffering=1 << 20, closefd=False) as out:
        for piece in pieces:
            size += out.write(piece)
    return size
