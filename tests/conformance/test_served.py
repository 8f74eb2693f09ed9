"""Each document against a real ``mock-ingrid serve`` started with ``--api-key`` (so
authentication is really checked): every check schemathesis has, then the stateful
phase over the current document's links.

The suite makes ``CI_EXAMPLES`` (100) examples per operation here, seeded (set
``MOCK_INGRID_SERVED_EXAMPLES`` for another count); the in-process run of
test_schemathesis.py makes fewer, as this run covers the same code with every check.
``scripts/conformance-served`` runs this module alone; docs/conformance.md gives its result.

Two checks are replaced or left out, each for a stated reason:

- ``positive_data_acceptance`` (a schema-valid request must succeed) is replaced by
  ``refusal_is_a_documented_rule``: a schema-valid request may be refused only with a
  4xx whose error ``code`` the operation itself names, in its description or in the
  description of that response (an unknown product, a return in the wrong status, ...):
  the business rules a JSON Schema cannot express. Any other refusal fails.
- ``object_level_authorization`` needs two users' resources configured for it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import Case

from tests.conformance.harness import API_KEY, SEED, configure
from tests.oracle import load_spec
from tests.server import running_server

pytestmark = pytest.mark.slow

CI_EXAMPLES = 100
SERVED_EXAMPLES = int(os.environ.get("MOCK_INGRID_SERVED_EXAMPLES", str(CI_EXAMPLES)))
STATEFUL_MACHINES = 25
STATEFUL_STEPS = 10

_URL: list[str] = []
# How a document's 404 responses say that the named entity does not exist.
NOT_FOUND_WORDS = ("not found", "no such", "does not exist")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    args = ["--api-key", API_KEY, "--freeze-time", "2026-01-16T09:00:00Z", "--seed", str(SEED)]
    with running_server(args) as url:
        _URL[:] = [url]
        yield url


def documented_rules(case: Case[Any], status: int) -> str:
    """What the operation says about its refusals: its description and the description
    of the response of that status (or its ``4XX`` range)."""
    raw = case.operation.definition.raw
    responses = raw.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or {}
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = case.operation.schema.raw_schema["components"]["responses"][name]
    return f"{raw.get('description', '')}\n{response.get('description', '')}"


def error_code(response: schemathesis.Response) -> str:
    """The refusal's code: ``code`` in the current and control error bodies, the first
    ``errors[].code`` in the legacy (Spring) one, which has no ``code`` of its own."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    code = body.get("code")
    errors = body.get("errors")
    if code is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
    return code if isinstance(code, str) else ""


def refusal_is_a_documented_rule(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """A schema-valid request refused with 4xx: the error code must be a rule the
    operation names. 401 is left to the authentication checks.

    Passed to this module's calls only (``additional_checks``), never registered with
    ``@schemathesis.check``: a registered check joins every schemathesis run of the
    process, and the in-process runs of test_schemathesis.py have no such rule."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if not 400 <= response.status_code < 500 or response.status_code == 401:
        return None
    code = error_code(response)
    documented = documented_rules(case, response.status_code)
    if code and code in documented:
        return None
    # An id in the path that names nothing: the operation's 404 says so in words.
    if (
        response.status_code == 404
        and (code == "NOT_FOUND" or code.endswith("_NOT_FOUND"))
        and any(words in documented.lower() for words in NOT_FOUND_WORDS)
    ):
        return None
    raise AssertionError(
        f"{case.operation.label}: a schema-valid request was refused with "
        f"{response.status_code} {code or '(no code)'}, a rule the operation does not name: "
        f"{response.content[:300]!r}"
    )


CHECKS = [refusal_is_a_documented_rule]


def served(document: str) -> Any:
    schema = schemathesis.openapi.from_dict(load_spec(document))
    configure(schema, SERVED_EXAMPLES)
    return schema


# (document, method, path) -> why its schema-valid requests are refused today.
current, legacy, control = served("current"), served("legacy"), served("control")


@current.parametrize()
def test_current_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, additional_checks=CHECKS)


@legacy.parametrize()
def test_legacy_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, additional_checks=CHECKS)


@control.parametrize()
def test_control_served(case: Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, additional_checks=CHECKS)


class ServedWorkflow(current.as_state_machine()):  # type: ignore[misc]
    """Chains of calls along the links; every program starts from an empty server."""

    def setup(self) -> None:
        httpx.post(f"{_URL[0]}/_mock/reset", timeout=10).raise_for_status()

    def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
        return {"base_url": _URL[0]}

    def validate_response(
        self,
        response: schemathesis.Response,
        case: Case[Any],
        additional_checks: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().validate_response(
            response, case, additional_checks=[*(additional_checks or []), *CHECKS], **kwargs
        )


def test_current_links_served(base_url: str) -> None:
    ServedWorkflow.run(
        settings=hypothesis_settings(
            max_examples=STATEFUL_MACHINES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
