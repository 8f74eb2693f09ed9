"""docs/persistence.md: the save-now example runs against a server with a state file,
and answers as the page shows."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block
from tests.server import json_documents, running_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def test_the_save_now_example_writes_the_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with running_server(["--fixtures", "demo-shop", "--state-file", str(state_file)]) as base:
        script = doc_block("save-now", "sh").replace(EXAMPLE_URL, base)
        done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # Answered once the file is durable: it is there before the server stops.
        (saved,) = json_documents(done.stdout)
        assert saved == {
            "path": str(state_file),
            "bytes": state_file.stat().st_size,
            "merchants": 1,
        }
        assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
