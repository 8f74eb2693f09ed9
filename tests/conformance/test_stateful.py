"""The stateful phase: chains of calls driven by the current document's OpenAPI links
(create a product, push a shipped order of it, return it, report it at the warehouse,
find the refund transaction, complete it; and the same for exchanges).

Every generated program starts from an empty world (the app is reset in ``setup``), so
what a program can do depends only on the program: data generation that depended on an
earlier program's leftovers would make Hypothesis call the run flaky.

Only current.json has links; legacy.json and control.json are covered operation by
operation in test_schemathesis.py."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from mock_ingrid.app import create_app
from tests.builders import REFERENCE_PRODUCT
from tests.conformance.harness import DEEP, load
from tests.conformance.harness import settings as conformance_settings
from tests.oracle import load_spec

STEPS = 12
MACHINES = 200 if DEEP else 40

app = create_app(conformance_settings())
current = load("current", app=app)


class LifecycleWorkflow(current.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        app.state.runtime.reset()


def test_current_links() -> None:
    LifecycleWorkflow.run(
        settings=settings(
            max_examples=MACHINES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=not DEEP,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


# -- the links themselves: followed by hand, they lead from a product to a settled refund --

# (operation, status it answers, link of that response)
LIFECYCLE_CHAIN = [
    ("upsertProduct", "201", "PushOrderOfProduct"),
    ("upsertOrder", "201", "CreateReturn"),
    ("createReturn", "201", "ReportReturn"),
    ("createWarehouseReport", "201", "ListAwaitingRefunds"),
    ("listRefundTransactions", "200", "GetFirstRefundTransaction"),
    ("getRefundTransaction", "200", "CompleteRefundTransaction"),
]


def _resolve(value: Any, body: Any) -> Any:
    """A link's runtime expressions (``$response.body#/pointer``) against a response body."""
    if isinstance(value, dict):
        return {key: _resolve(item, body) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, body) for item in value]
    prefix = "$response.body#"
    if isinstance(value, str) and value.startswith(prefix):
        found = body
        for part in value[len(prefix) :].strip("/").split("/"):
            found = found[int(part)] if isinstance(found, list) else found[part]
        return found
    return value


def test_the_links_lead_from_a_product_to_a_completed_refund(client: TestClient) -> None:
    spec = load_spec("current")
    found = [
        (op["operationId"], method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    ]
    operations = {operation_id: (method, path) for operation_id, method, path, _ in found}
    documented = {operation_id: op for operation_id, _, _, op in found}
    method, path = operations["upsertProduct"]
    response = client.request(method, path, json=REFERENCE_PRODUCT)
    for operation_id, status, link_name in LIFECYCLE_CHAIN:
        assert response.status_code == int(status), (operation_id, response.text)
        # Inline, not $ref: schemathesis does not follow a link given by reference.
        link = documented[operation_id]["responses"][status]["links"][link_name]
        method, path = operations[link["operationId"]]
        parameters = _resolve(link.get("parameters", {}), response.json())
        for name, value in parameters.items():
            path = path.replace("{" + name + "}", str(value))
        query = {
            k: v
            for k, v in parameters.items()
            if "{" + k + "}" not in operations[link["operationId"]][1]
        }
        body = _resolve(link.get("requestBody"), response.json())
        response = client.request(method, path, params=query, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "SUCCESS"
