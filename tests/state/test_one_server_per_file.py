"""One server per state file: a second is refused, naming the file and the first's
PID; the lock goes with the process, however it ends."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.state.process import run_to_exit, serving

pytestmark = pytest.mark.slow


def test_a_second_server_on_the_same_file_refuses_to_start(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with serving(state_file) as first:
        refused = run_to_exit(state_file)
        assert refused.returncode == 2
        assert (
            f"mock-ingrid: error: {state_file} is in use by another mock-ingrid "
            f"(PID {first.process.pid})"
        ) in refused.stderr
        assert "Traceback" not in refused.stderr
        # The first one goes on serving, its file untouched.
        assert first.process.poll() is None
        first.signal(signal.SIGKILL)
        first.wait()
    # Killed: the system released its lock, and the next server starts.
    with serving(state_file) as second:
        assert second.process.poll() is None
