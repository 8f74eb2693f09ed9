"""The pages under --admin-token: a sign-in form, then the pages, and nothing for a
wrong token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import check_access
from tests.server import running_server

TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def guarded() -> Iterator[str]:
    with running_server(["--admin-token", TOKEN]) as base_url:
        yield base_url


def test_sign_in_opens_the_dashboard(page: Any, guarded: str) -> None:
    page.goto(f"{guarded}/")
    assert page.title() == "Sign in · mock-ingrid"
    check_access(page)
    page.get_by_label("Admin token").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").filter(has_text="401 UNAUTHORIZED").wait_for()

    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{guarded}/_mock/ui")
    page.get_by_role("heading", name="Dashboard").wait_for()
    # The cookie opens the control API to the page's own scripts, not to other clients.
    answer = page.evaluate("fetch('/_mock/clock').then((r) => r.status)")
    assert answer == 200
    assert httpx.get(f"{guarded}/_mock/clock").status_code == 401
