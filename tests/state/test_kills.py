"""A kill (SIGKILL, an OOM kill, a crash) loses nothing saved: after ``POST
/_mock/state/save`` or after a checkpoint. Every save is an atomic, durable file."""

from __future__ import annotations

import json
import signal
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.api.flow import create_return, ok, seed_reference
from tests.state.process import eventually, serving

pytestmark = pytest.mark.slow
KEY = {"x-api-key": "shop"}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_kill_after_a_save_on_demand_loses_nothing(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with serving(state_file, "--save-interval", "0") as server, server.http(headers=KEY) as http:
        seed_reference(http)  # type: ignore[arg-type]
        created = create_return(http)  # type: ignore[arg-type]
        saved = ok(http.post("/_mock/state/save"))
        before = ok(http.get("/_mock/state"))
        server.signal(signal.SIGKILL)
        assert server.wait() == -signal.SIGKILL
    assert saved == {"path": str(state_file), "bytes": state_file.stat().st_size, "merchants": 1}
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []
    with serving(state_file) as server, server.http(headers=KEY) as http:
        assert ok(http.get("/_mock/state")) == before
        assert ok(http.get(f"/returns/{created['returnId']}"))["status"] == created["status"]


def test_a_kill_after_a_checkpoint_loses_nothing(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"

    def saved_returns() -> list[Any] | None:
        try:
            merchants = json.loads(state_file.read_bytes())["merchants"]
        except (OSError, ValueError):  # not written yet
            return None
        return [r for m in merchants for r in m["returns"]] or None

    with serving(state_file, "--save-interval", "0.2") as server, server.http(headers=KEY) as http:
        seed_reference(http)  # type: ignore[arg-type]
        created = create_return(http)  # type: ignore[arg-type]
        before = ok(http.get("/_mock/state"))
        # A checkpoint saves what changed, by itself: wait for the file to have it.
        eventually(saved_returns, "a checkpoint with the return")
        server.signal(signal.SIGKILL)
        server.wait()
    assert _leftovers(tmp_path) == []
    with serving(state_file) as server, server.http(headers=KEY) as http:
        assert ok(http.get("/_mock/state")) == before
        assert ok(http.get(f"/returns/{created['returnId']}"))["returnId"] == created["returnId"]
