"""Views and webhooks sit below the HTTP layer: nothing under ``mock_ingrid/api/`` is
imported by ``mock_ingrid/views/`` or ``mock_ingrid/webhooks/`` (the webhooks build
their payloads from the same pure views as the APIs)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mock_ingrid

PACKAGE = Path(mock_ingrid.__file__).parent


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("folder", ["views", "webhooks"])
def test_nothing_under_api_is_imported(folder: str) -> None:
    files = sorted((PACKAGE / folder).glob("*.py"))
    assert files
    found = {
        f"{path.name}: {name}"
        for path in files
        for name in _imports(path)
        if name == "mock_ingrid.api" or name.startswith("mock_ingrid.api.")
    }
    assert not found, sorted(found)
