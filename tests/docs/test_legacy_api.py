"""docs/legacy-api.md: its example runs against a real server, its status tables are the
code's tables."""

from __future__ import annotations

import re
import subprocess

import pytest

from mock_ingrid.views.legacy_status import ITEM_STATUS_MAP, REFUND_STATUS_MAP, RETURN_STATUS_MAP
from tests.docs.pages import EXAMPLE_URL, doc_block, page, section, table_rows
from tests.server import json_documents, running_server

DOC = page("docs/legacy-api.md")


@pytest.mark.slow
def test_the_legacy_example_runs_against_a_real_server() -> None:
    with running_server() as base:
        result = subprocess.run(
            ["bash", "-e", "-c", doc_block("legacy", "sh").replace(EXAMPLE_URL, base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    documents = json_documents(result.stdout)
    page_, created, reported, final = documents[3], documents[4], documents[5], documents[-1]
    assert [r["order"]["foreignId"] for r in page_["content"]] == [
        "48aced20913c030c836d4187019b712f"
    ]
    assert (created["id"], created["status"]) == (1, "AWAITING_RETURN")
    assert reported == {"status": "OK"}
    assert final["status"] == "COMPLETED"
    assert final["statusUrl"] == f"{base}/merchant/return/1"
    assert [t["foreignId"] for t in final["refundTransactions"]] == ["ch_123"]


@pytest.mark.parametrize(
    ("heading", "table"),
    [
        ("### Return statuses", RETURN_STATUS_MAP),
        ("### Item statuses", ITEM_STATUS_MAP),
        ("### Refund statuses", REFUND_STATUS_MAP),
    ],
)
def test_the_documented_status_tables_are_the_code_tables(
    heading: str, table: dict[str, tuple[str, ...]]
) -> None:
    """First column: the current status; second: the legacy statuses it may render as."""
    rows = {
        cells[0].strip("`"): set(re.findall(r"`([A-Z_]+)`", cells[1]))
        for cells in table_rows(section(DOC, heading))
    }
    assert rows == {current: set(legacy) for current, legacy in table.items()}
