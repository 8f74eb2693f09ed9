"""docs/serve.md: its options table is the options `mock-ingrid serve` has."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.docs.pages import page, section
from tests.server import ROOT


def test_the_documented_options_are_the_servers_options() -> None:
    table = section(page("docs/serve.md"), "# Running the server")
    documented = set(re.findall(r"`(--[a-z-]+)", table))
    help_text = subprocess.run(
        [sys.executable, "-m", "mock_ingrid", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    offered = set(re.findall(r"^\s+(--[a-z-]+)", help_text, re.M)) - {"--help"}
    assert documented, "no options found under '# Running the server'"
    assert documented <= offered, documented - offered
    assert offered <= documented, f"undocumented: {offered - documented}"
