"""The plugin's own tests use ``pytester``, running pytest in a subprocess as a user would.

``pytest_plugins = ["pytester"]`` is refused in a conftest below the rootdir, so the
plugin is registered here when this folder's tests are collected.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
