"""``--state-file``: the state is loaded from it at start and saved to it at shutdown."""

from __future__ import annotations

import os
from pathlib import Path

from mock_ingrid.jsonio import JsonSyntaxError, dumps, loads
from mock_ingrid.runtime import Runtime
from mock_ingrid.snapshot import SnapshotError, export_state


class StateFileError(Exception):
    """The state file exists but cannot be loaded; names the file and the bad path."""


def load_state_file(runtime: Runtime) -> bool:
    """Load the state file if there is one; whether anything was loaded."""
    path = runtime.settings.state_file
    if path is None or not path.exists():
        return False
    try:
        runtime.import_snapshot(loads(path.read_bytes()))
    except (OSError, JsonSyntaxError, SnapshotError) as exc:
        raise StateFileError(f"{path}: {exc}") from None
    return True


def save_state_file(runtime: Runtime) -> Path | None:
    """Write the state atomically (a crash mid-write never leaves half a file)."""
    path = runtime.settings.state_file
    if path is None:
        return None
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(dumps(export_state(runtime.state)))
    os.replace(temporary, path)
    return path
