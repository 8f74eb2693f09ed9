"""``--state-file PATH``: the file the state is loaded from at start and saved to.

One server per file: ``lock`` takes an exclusive ``flock`` on ``PATH.lock`` beside it
(the operating system releases it when the process ends, however it ends), and a
second server is refused, naming the file and the PID written in the lock file. A
clean stop empties the lock file: a PID found in it at start means the last server
on the file was killed (``unclean``), and what it did after its last save is lost.

Every save is durable and atomic: the text goes to a new file in the same folder
(mode 0600), is fsynced, renamed over the old one, and the folder is fsynced, so a
crash or a power cut at any moment leaves the old file or the new one, never half a
file; a failed save removes its temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock (nor fork), still atomic
    fcntl = None  # type: ignore[assignment]

_TEMPORARY_SUFFIX = ".tmp"


class StateFileError(Exception):
    """The state file cannot be locked, read, loaded or written; names the file."""


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._lock: int | None = None
        # The last server on this file stopped without a last save (killed, crashed).
        self.unclean = False

    @property
    def _temporary_prefix(self) -> str:
        return f".{self.path.name}."

    # -- one server per file ----------------------------------------------------------

    def lock(self) -> None:
        """Take the file for this process, or raise naming the process that has it."""
        if fcntl is None or self._lock is not None:
            return
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateFileError(f"cannot create {self.lock_path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StateFileError(
                f"{self.path} is in use by another mock-ingrid (PID {holder}); "
                "stop it, or give this one another --state-file"
            ) from None
        self.unclean = bool(os.read(fd, 32).strip())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._lock = fd

    def release(self, clean: bool) -> None:
        """Let the file go; ``clean``: the state is saved, as the server leaves it."""
        if self._lock is None:
            return
        if clean:
            os.ftruncate(self._lock, 0)
            os.fsync(self._lock)
        os.close(self._lock)  # closing the descriptor releases the lock
        self._lock = None

    # -- reading ------------------------------------------------------------------------

    def read(self) -> bytes | None:
        """The file's bytes; None when there is no file yet."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateFileError(f"cannot read {self.path}: {exc.strerror}") from None

    def remove_leftovers(self) -> None:
        """Temporary files of saves that a kill interrupted (this process holds the lock:
        no other save is running)."""
        for leftover in self.path.parent.glob(f"{self._temporary_prefix}*{_TEMPORARY_SUFFIX}"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    # -- writing ------------------------------------------------------------------------

    def temporary(self) -> tuple[int, Path]:
        """A new empty file beside the state file, mode 0600, open for writing."""
        try:
            fd, name = tempfile.mkstemp(
                prefix=self._temporary_prefix, suffix=_TEMPORARY_SUFFIX, dir=self.path.parent
            )
        except OSError as exc:
            raise StateFileError(f"cannot save to {self.path}: {exc.strerror}") from None
        return fd, Path(name)

    def write(self, pieces: Iterable[bytes | memoryview]) -> int:
        """Save ``pieces`` as the file's new content; the number of bytes."""
        fd, temporary = self.temporary()
        return self.write_into(fd, temporary, pieces)

    def write_into(self, fd: int, temporary: Path, pieces: Iterable[bytes | memoryview]) -> int:
        """Fill ``temporary`` (open as ``fd``, closed here) with ``pieces``, then make
        it the state file, durably."""
        try:
            with open(fd, "wb", buffering=1 << 20, closefd=True) as out:
                size = 0
                for piece in pieces:
                    size += out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
            _sync_folder(self.path.parent)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if isinstance(exc, OSError):
                raise StateFileError(f"cannot save to {self.path}: {exc.strerror}") from None
            raise
        return size

    @staticmethod
    def discard(temporary: Path) -> None:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: it is an entry of the folder."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
