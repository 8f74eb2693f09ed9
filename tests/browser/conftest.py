"""Browser tests: real headless Chromium (Debian's ``chromium``) driven by Playwright's
Python package through ``executable_path``; Playwright's own browser download is
never used. Without a Chromium the tests skip, except under ``CI=true`` where
``.ci/run`` installs it and a missing browser is a failure.

Playwright's sync API runs an event loop in the test's thread while it is started,
which would break any other test of the same process that calls ``asyncio.run``. So
Playwright lives for one module at a time (``browser`` is module-scoped): pytest
ends a module's fixtures before it runs a test of another module, under xdist too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server import ROOT, running_server

SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOT_TIME = "2026-11-20T10:00:00Z"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium keeps calling Google's hosts, refused on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("MOCK_INGRID_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        message = "no chromium on PATH (apt-get install chromium, or set MOCK_INGRID_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real server with the demo shop, for the module's tests. Its clock is frozen, so
    that the screenshots (times on the pages) come out the same on every run."""
    with running_server(["--fixtures", "demo-shop", "--freeze-time", SCREENSHOT_TIME]) as base_url:
        yield base_url


def check_access(page: Any) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not found, "accessibility violations:\n" + "\n".join(found)


def screenshot(page: Any, name: str) -> Path:
    """Save the page for the docs (docs/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
