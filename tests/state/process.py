"""A real ``mock-ingrid serve`` process that a test signals, kills and starts again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from tests.server import ROOT, free_port, wait_until_healthy

T = TypeVar("T")
# How long a test waits for what must happen: generous (the machine may be busy), and
# never a measure of speed (a server that hangs fails the wait).
DEADLINE = 30.0


@dataclass
class Server:
    process: subprocess.Popen[str]
    base_url: str
    stdout: str = ""
    stderr: str = ""

    def http(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=DEADLINE, **kwargs)  # type: ignore[arg-type]

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float = DEADLINE) -> int:
        """The exit status, once the process has ended (its output is then kept)."""
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the server did not exit within {timeout} s") from None
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.stdout, self.stderr = self.process.communicate()


@contextmanager
def serving(
    state_file: Path | None, *args: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start a server on a free port (with ``--validate-responses``: every answer is
    checked against its document); a server still running at the end is killed."""
    port = free_port()
    command = [sys.executable, "-m", "mock_ingrid", "serve", "--port", str(port)]
    if state_file is not None:
        command += ["--state-file", str(state_file)]
    process = subprocess.Popen(
        [*command, "--validate-responses", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        wait_until_healthy(server.base_url, process)
        yield server
    finally:
        server.kill()


def eventually(check: Callable[[], T | None], what: str, timeout: float = DEADLINE) -> T:
    """Poll ``check`` until it gives something (a deadline, not a sleep-as-wait)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)  # the polling interval


def run_to_exit(
    state_file: Path | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A server that must refuse to start: its exit status and output."""
    command = [sys.executable, "-m", "mock_ingrid", "serve", "--port", str(free_port())]
    if state_file is not None:
        command += ["--state-file", str(state_file)]
    return subprocess.run(
        [*command, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


STOP = signal.SIGTERM
