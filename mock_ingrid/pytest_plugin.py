"""The pytest plugin: a thin layer over :class:`mock_ingrid.testing.MockIngrid`.

- ``mock_ingrid_settings`` (session): the server's :class:`~mock_ingrid.settings.Settings`;
  override it in a ``conftest.py`` (keep it session-scoped).
- ``mock_ingrid_server`` (session): the one server of this process (each xdist
  worker is a process, so each gets its own).
- ``mock_ingrid`` (function): the handle, reset before the test, with the options of
  ``@pytest.mark.mock_ingrid(api_key=..., fixtures=[...], freeze_time=...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_ingrid.settings import Settings
from mock_ingrid.testing import MockIngrid

MARKER = "mock_ingrid"
MARKER_OPTIONS = ("api_key", "fixtures", "freeze_time")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(api_key=..., fixtures=[...], freeze_time=...): options of the "
        "mock_ingrid fixture for this test (merchant key, fixture files or documents "
        "loaded after the reset, an ISO 8601 instant the clock is frozen at)",
    )


@pytest.fixture(scope="session")
def mock_ingrid_settings() -> Settings:
    """The server's settings; override this fixture to change them."""
    return Settings()


@pytest.fixture(scope="session")
def mock_ingrid_server(mock_ingrid_settings: Settings) -> Iterator[MockIngrid]:
    with MockIngrid(mock_ingrid_settings) as handle:
        yield handle


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):  # closest wins
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        unknown = set(marker.kwargs) - set(MARKER_OPTIONS)
        if unknown:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(sorted(unknown))}; "
                f"use {', '.join(MARKER_OPTIONS)}"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def mock_ingrid(request: pytest.FixtureRequest, mock_ingrid_server: MockIngrid) -> MockIngrid:
    """The session's server, reset for this test, acting as the marker's merchant."""
    options = _marker_options(request)
    mock_ingrid_server.configure(
        api_key=options.get("api_key"),
        fixtures=options.get("fixtures", ()),
        freeze_time=options.get("freeze_time"),
    )
    mock_ingrid_server.reset()
    return mock_ingrid_server
