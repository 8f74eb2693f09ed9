"""Each document against a real ``mock-ingrid serve`` (fewer examples than in process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis import Case

from tests.conformance.harness import API_KEY, configure
from tests.oracle import load_spec
from tests.server import running_server

pytestmark = pytest.mark.slow

SERVED_EXAMPLES = 10


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server(["--api-key", API_KEY, "--freeze-time", "2026-01-16T09:00:00Z"]) as url:
        yield url


def served(document: str) -> Any:
    schema = schemathesis.openapi.from_dict(load_spec(document))
    configure(schema, SERVED_EXAMPLES)
    return schema


current, legacy, control = served("current"), served("legacy"), served("control")


@current.parametrize()
def test_current_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url)


@legacy.parametrize()
def test_legacy_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url)


@control.parametrize()
def test_control_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url)
