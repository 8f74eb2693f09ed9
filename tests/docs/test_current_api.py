"""docs/current-api.md: its operations are the document's, its lifecycle the code's."""

from __future__ import annotations

import json
import re

from mock_ingrid.domain.lifecycle import CREATED, RETURN_LIFECYCLE
from tests.docs.pages import page, section, table_rows
from tests.server import ROOT

DOC = page("docs/current-api.md")


def test_the_operations_table_lists_every_operation_of_the_document() -> None:
    intro = section(DOC, "# The current API").split("\n## ")[0]
    documented = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`]*)`", intro))
    spec = json.loads((ROOT / "mock_ingrid" / "spec" / "current.json").read_text())
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented == operations, (documented - operations, operations - documented)
    assert len(operations) == 21


def test_the_return_lifecycle_table_is_the_code_table() -> None:
    documented = set()
    for event, sources, target, _ in table_rows(section(DOC, "## The lifecycle")):
        if event == "return event":
            continue
        for source in sources.split(", "):
            documented.add((event, CREATED if source == "-" else source, target))
    declared = {(t.event, t.source, t.target) for t in RETURN_LIFECYCLE.transitions}
    assert documented == declared, (documented - declared, declared - documented)
