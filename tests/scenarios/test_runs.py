"""/_mock/scenarios: the shipped scenarios listed, run against the same (real) server,
each step's progress and a failure's step reported."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_ingrid.scenarios import list_scenarios, load_scenario
from mock_ingrid.settings import Settings
from mock_ingrid.testing import MockIngrid
from tests.oracle import ORACLES

POLL = 0.02
DEADLINE = 30.0


def checked(response: httpx.Response) -> None:
    response.read()
    request = response.request
    ORACLES.validate(
        request.method, request.url.path, response.status_code, response.headers, response.content
    )


@pytest.fixture(scope="module")
def server() -> Iterator[MockIngrid]:
    with MockIngrid(webhooks=False) as handle:
        yield handle


@pytest.fixture
def http(server: MockIngrid) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, timeout=10, event_hooks={"response": [checked]}
    ) as client:
        yield client


def finished(http: httpx.Client, run_id: str) -> dict[str, Any]:
    """The run once it is no longer running (polled, with a deadline)."""
    deadline = time.monotonic() + DEADLINE
    while True:
        run: dict[str, Any] = http.get(f"/_mock/scenarios/runs/{run_id}").json()
        if run["status"] != "running":
            return run
        assert time.monotonic() < deadline, f"run {run_id} still running: {run}"
        time.sleep(POLL)  # the polling interval, not a wait for state


def test_the_shipped_scenarios_are_listed_with_their_steps(http: httpx.Client) -> None:
    listed = {s["name"]: s for s in http.get("/_mock/scenarios").json()["data"]}
    assert set(listed) == set(list_scenarios())
    happy = listed["happy-refund"]
    assert happy["description"] == load_scenario("happy-refund")["description"]
    assert happy["steps"][0] == {"number": 1, "id": "product", "label": "POST /products"}


def test_a_run_reports_every_step_passed(http: httpx.Client) -> None:
    started = http.post("/_mock/scenarios/happy-refund/runs")
    assert started.status_code == 202
    run = started.json()
    assert run["scenario"] == "happy-refund"
    assert {step["state"] for step in run["steps"]} <= {"pending", "running", "passed"}
    done = finished(http, run["runId"])
    assert done["status"] == "passed", done
    assert done["error"] is None and done["finishedAt"] is not None
    assert [s["state"] for s in done["steps"]] == ["passed"] * len(done["steps"])
    assert done["steps"][0]["statusCode"] == 201
    assert any(r["runId"] == run["runId"] for r in http.get("/_mock/scenarios/runs").json()["data"])


def test_a_failing_run_names_its_failed_step(http: httpx.Client) -> None:
    # The second step (POST /orders) of this scenario's merchant answers 503.
    fault = {"path": "/orders", "method": "POST", "status": 503}
    rule = http.post("/_mock/faults", json={**fault, "merchant": "scenario-cancellation"})
    assert rule.status_code == 201, rule.text
    try:
        run = http.post("/_mock/scenarios/cancellation/runs").json()
        done = finished(http, run["runId"])
    finally:
        http.delete(f"/_mock/faults/{rule.json()['faultId']}")
    assert done["status"] == "failed"
    first, second, third = done["steps"][:3]
    assert first["state"] == "passed"
    assert second["state"] == "failed" and second["statusCode"] == 503
    assert "step 2 (order)" in second["error"] and "expected status 201, got 503" in second["error"]
    assert third["state"] == "pending"
    assert done["error"] == second["error"]


def test_unknown_scenarios_and_runs_are_404(http: httpx.Client) -> None:
    missing = http.post("/_mock/scenarios/nope/runs")
    assert missing.status_code == 404 and missing.json()["code"] == "SCENARIO_NOT_FOUND"
    assert http.get("/_mock/scenarios/runs/999").json()["code"] == "RUN_NOT_FOUND"


def test_a_run_carries_the_servers_admin_token() -> None:
    admin = {"x-mock-admin-token": "s3cret"}
    with MockIngrid(Settings(admin_token="s3cret"), webhooks=False) as guarded:
        base = guarded.base_url
        assert httpx.post(f"{base}/_mock/scenarios/cancellation/runs").status_code == 401
        with httpx.Client(base_url=base, headers=admin, timeout=10) as http:
            run = http.post("/_mock/scenarios/cancellation/runs").json()
            assert finished(http, run["runId"])["status"] == "passed"


def test_a_scenario_file_sent_in_the_body_runs_as_a_shipped_one_does(http: httpx.Client) -> None:
    document = {
        "name": "my-upload",
        "apiKey": "uploaded-shop",
        "steps": [
            {
                "id": "product",
                "request": {
                    "method": "POST",
                    "path": "/products",
                    "body": {
                        "productId": "UP-1",
                        "title": "Uploaded",
                        "variants": [
                            {"variantId": "UP-1-M", "sku": "UP-1-M", "title": "M", "price": 10}
                        ],
                    },
                },
                "expect": {"status": 201},
            },
            {
                "request": {"method": "GET", "path": "/products/$product.productId"},
                "expect": {"status": 200, "body": {"title": "Uploaded"}},
            },
        ],
    }
    started = http.post("/_mock/scenarios/runs", json=document)
    assert started.status_code == 202, started.text
    assert started.json()["scenario"] == "my-upload"
    done = finished(http, started.json()["runId"])
    assert done["status"] == "passed", done
    assert [s["label"] for s in done["steps"]] == [
        "POST /products",
        "GET /products/$product.productId",
    ]
    made = http.get("/products/UP-1", headers={"x-api-key": "uploaded-shop"})
    assert made.status_code == 200


def test_a_scenario_file_that_cannot_run_is_refused_before_anything_runs(
    http: httpx.Client,
) -> None:
    before = len(http.get("/_mock/scenarios/runs").json()["data"])
    for document, named in (
        (
            {"steps": [{"request": {"method": "GET", "path": "http://example.com/"}}]},
            "steps[0]: request.path: a path on the server, starting with '/'",
        ),
        ({"steps": [{"expect": {"status": 200}}]}, "steps[0]: a step has a 'request'"),
        ({"name": "x"}, "has no list of steps"),
        ({"name": 7, "steps": []}, "name: not a non-empty string"),
    ):
        refused = http.post("/_mock/scenarios/runs", json=document)
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "INVALID_SCENARIO"
        assert named in refused.json()["message"]
    assert len(http.get("/_mock/scenarios/runs").json()["data"]) == before
