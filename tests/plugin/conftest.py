"""The plugin's own tests run pytest in a fresh subprocess (see ``runner``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.runner import PytestRun


@pytest.fixture
def inner_pytest(tmp_path: Path) -> PytestRun:
    return PytestRun(tmp_path)
