"""The stateful phase: chains of calls driven by the current document's OpenAPI links
(create a product, fetch it, patch it; push an order, return from it, ...).

Hypothesis may stop a run with FlakyStrategyDefinition ("data generation depending on
external state": the link strategies draw from the app's state, which earlier runs
changed); which seeds do depends on the code, so that outcome is tolerated (xfail), while
any failing check still fails the test.

Only current.json has links; legacy.json and control.json are covered operation by
operation in test_schemathesis.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.errors import FlakyStrategyDefinition

from tests.conformance.harness import DEEP, load

STEPS = 12
MACHINES = 200 if DEEP else 15

current = load("current")


@pytest.mark.xfail(raises=FlakyStrategyDefinition, strict=False, reason="see the docstring")
def test_current_links() -> None:
    machine = current.as_state_machine()
    machine.run(
        settings=settings(
            max_examples=MACHINES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=not DEEP,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
