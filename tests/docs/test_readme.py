"""The README: a front door of at most 300 lines whose two commands and try-it work."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block, page
from tests.server import ROOT, free_port, json_documents, running_server, wait_until_healthy

README = page("README.md").read_text(encoding="utf-8")


def test_the_readme_is_at_most_300_lines() -> None:
    assert len(README.splitlines()) <= 300


def test_the_two_setup_commands_are_at_the_top() -> None:
    head = README[: README.index("## Try it")]
    assert "mock-ingrid serve --fixtures fixtures/demo-shop.json" in head
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in head, "the CI command must be the README's test command"


@pytest.mark.slow
def test_the_install_and_serve_command_works_in_a_fresh_copy(tmp_path: Path) -> None:
    """As a newcomer runs it in a fresh clone: its own virtualenv, a plain install."""
    command = doc_block("install-and-serve", "sh").strip()
    assert command.endswith("mock-ingrid serve --fixtures fixtures/demo-shop.json")
    clone = tmp_path / "mock-ingrid"
    shutil.copytree(
        ROOT,
        clone,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", "*.egg-info", ".*_cache", "build", "dist"
        ),
    )
    port = free_port()  # the command binds the default port; the variable moves it
    env = {**os.environ, "MOCK_INGRID_PORT": str(port)}
    env.pop("PIP_NO_CACHE_DIR", None)
    process = subprocess.Popen(
        ["bash", "-e", "-c", command],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: the server is bash's child
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, timeout=300)
        demo = httpx.get(f"{base}/returns/10", headers={"x-api-key": "demo-key"})
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)
    assert demo.json()["status"] == "PENDING"


@pytest.mark.slow
def test_the_quickstart_runs_against_a_real_server() -> None:
    script = doc_block("quickstart", "sh")
    with running_server() as base:
        result = subprocess.run(
            ["bash", "-e", "-c", script.replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        final = json_documents(result.stdout)[-1]
        assert final["status"] == "COMPLETED"
        refund = httpx.get(f"{base}/refund-transactions/1", headers={"x-api-key": "readme"}).json()
        assert refund["status"] == "SUCCESS"
