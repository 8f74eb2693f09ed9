"""``StateFile.write``: the new text reaches the disk before it replaces the old file,
and the rename reaches it too (fsync of the file, rename, fsync of the folder); a save
that fails leaves the old file and no temporary file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_ingrid.state_file import StateFile, StateFileError


def test_the_file_is_synced_renamed_then_the_folder_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"old")
    steps: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        found = os.fstat(fd)
        kind = "folder" if stat.S_ISDIR(found.st_mode) else "file"
        steps.append((f"fsync {kind}", found.st_ino))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        steps.append(("rename", os.stat(source).st_ino))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    size = StateFile(path).write([b'{"version": 1, ', memoryview(b'"merchants": []}')])
    written = path.stat()
    assert steps == [
        ("fsync file", written.st_ino),  # the new text, before it is the state file
        ("rename", written.st_ino),
        ("fsync folder", tmp_path.stat().st_ino),  # the rename, an entry of the folder
    ]
    assert path.read_bytes() == b'{"version": 1, "merchants": []}'
    assert size == written.st_size
    assert stat.S_IMODE(written.st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"old")

    def pieces() -> Iterator[bytes]:
        yield b'{"version": 1, '
        raise OSError(28, "No space left on device")

    with pytest.raises(StateFileError, match=f"cannot save to {path}: No space left on device"):
        StateFile(path).write(pieces())
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
