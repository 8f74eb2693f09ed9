"""docs/fixtures.md: the shipped sets load by name, the format example loads and ends where
the page says."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.docs.pages import EXAMPLE_URL, doc_block
from tests.server import json_documents, running_server

pytestmark = pytest.mark.slow


def test_the_fixtures_example_runs_against_a_real_server(tmp_path: Path) -> None:
    command = shlex.split(doc_block("fixtures-serve", "sh"))
    assert command[:2] == ["mock-ingrid", "serve"]
    with running_server(command[2:], cwd=tmp_path) as base:  # the sets are found by name
        result = subprocess.run(
            ["bash", "-e", "-c", doc_block("fixtures", "sh").replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        pending, loaded, refused = json_documents(result.stdout)
        refund = httpx.get(f"{base}/refund-transactions/1", headers={"x-api-key": "refund-key"})
    assert pending["status"] == "PENDING"
    assert loaded == {"merchants": ["mugs"]}
    assert refused["code"] == "INVALID_FIXTURE"
    assert [e["path"] for e in refused["errors"]] == ["merchants[0].products[0].title"]
    assert refund.json()["status"] == "AWAITING_EXTERNAL_REFUND"


def test_the_format_example_loads_and_completes_its_return(tmp_path: Path) -> None:
    path = tmp_path / "tee-shop.json"
    path.write_text(doc_block("fixture-format", "json"))
    with running_server(["--fixtures", str(path)]) as base:
        shop = httpx.Client(base_url=base, headers={"x-api-key": "tee-shop"})
        returned = shop.get("/returns/1").json()
        exchanges = shop.get("/exchanges").json()["data"]
    assert returned["status"] == "COMPLETED"
    assert [(e["status"], e["items"][0]["exchangeToVariantId"]) for e in exchanges] == [
        ("COMPLETED", "V2")
    ]
