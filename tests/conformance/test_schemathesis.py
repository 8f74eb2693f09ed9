"""Every operation of every document, fuzzed with schemathesis (in process)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from schemathesis import Case

from tests.conformance.harness import load
from tests.exercised import record_response


def exercise(response: Any) -> None:
    path = unquote(urlsplit(str(response.request.url)).path)
    record_response(response.request.method, path, response.status_code)


current = load("current")
legacy = load("legacy")
control = load("control")


@current.parametrize()
def test_current(case: Case[Any]) -> None:
    exercise(case.call_and_validate())


@legacy.parametrize()
def test_legacy(case: Case[Any]) -> None:
    exercise(case.call_and_validate())


@control.parametrize()
def test_control(case: Case[Any]) -> None:
    exercise(case.call_and_validate())
