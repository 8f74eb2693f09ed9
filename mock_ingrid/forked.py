"""Long writes of the whole state in a forked copy of the server process.

Writing the state out (a checkpoint of the state file, the start of a recording) walks
every entity: about 4.8 s with 100,000 returns, during which the event loop would
answer nothing. ``os.fork`` gives a child that sees the state exactly as it was at
the fork (copy-on-write), so the server goes on serving while the child writes it,
and the written state is consistent to one instant. Only ``mock-ingrid serve`` forks
(``Runtime.forks``): an in-process server belongs to a host program whose threads
and handles a fork would copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
from collections.abc import Callable


class ChildFailed(Exception):
    """The work failed in the forked process: ``str()`` says why."""


class ChildDied(ChildFailed):
    """The forked process ended without a report (killed, or ``abandon``)."""


class Forked:
    """Runs one piece of work at a time in a forked process, awaited without blocking
    the event loop; ``abandon`` ends it (a stop that will not wait for it)."""

    def __init__(self) -> None:
        self._pid: int | None = None

    async def run(
        self,
        work: Callable[[], int],
        keep: tuple[int, ...] = (),
        explained: tuple[type[BaseException], ...] = (),
    ) -> int:
        """``work()``'s result (a count: bytes written) once it has run in a child
        forked now, before this returns the first time to the event loop. ``keep``: the
        descriptors the child uses (it closes every other one, so that it holds no
        listening socket or lock). A failure raises ``ChildFailed``: the exception's
        text when it is one of ``explained``, its repr otherwise. ``OSError`` when the
        fork itself fails."""
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            os._exit(_in_child(work, (*keep, writer), writer, explained))
        os.close(writer)
        self._pid = pid
        try:
            report = await _read_to_end(reader)
        except BaseException:  # cancelled (a stop)
            self.abandon()
            raise
        finally:
            os.close(reader)
        if self._pid != pid:  # abandoned meanwhile: ``abandon`` has reaped it
            raise ChildDied("the forked process was stopped")
        self._pid = None
        _, status = os.waitpid(pid, 0)
        kind, _, detail = report.decode("utf-8", "replace").partition(" ")
        if kind == "done":
            return int(detail)
        if kind == "failed":
            raise ChildFailed(detail)
        raise ChildDied(f"the forked process ended ({os.waitstatus_to_exitcode(status)})")

    @property
    def running(self) -> bool:
        return self._pid is not None

    def abandon(self) -> None:
        """End the child, if one runs (what it wrote is the caller's to discard)."""
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _in_child(
    work: Callable[[], int],
    keep: tuple[int, ...],
    writer: int,
    explained: tuple[type[BaseException], ...],
) -> int:  # pragma: no cover - runs in the child
    """The child's whole life: the work, its report on ``writer``, the exit status."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the server
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # Nothing here is garbage, and walking the heap would copy its pages.
        gc.disable()
        _close_all_but(*keep)
        result = work()
        os.write(writer, b"done %d" % result)
        return 0
    except BaseException as exc:
        with contextlib.suppress(Exception):
            reason = str(exc) if isinstance(exc, explained) else repr(exc)
            os.write(writer, f"failed {reason}".encode())
        return 1


async def _read_to_end(fd: int) -> bytes:
    """Everything written to a pipe until its writer closes it, read as it comes."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    chunks: list[bytes] = []
    os.set_blocking(fd, False)

    def readable() -> None:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if chunk:
            chunks.append(chunk)
        elif not done.done():
            done.set_result(None)

    loop.add_reader(fd, readable)
    try:
        await done
    finally:
        loop.remove_reader(fd)
    return b"".join(chunks)


def _close_all_but(*keep: int) -> None:  # pragma: no cover - runs in the child
    import resource  # (Unix, as fork)

    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, limit if limit != resource.RLIM_INFINITY else 65536)
