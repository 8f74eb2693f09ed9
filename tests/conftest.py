"""Shared fixtures: an in-process app whose every response is checked against its document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from starlette.testclient import TestClient

from mock_ingrid.app import create_app
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from tests.oracle import ORACLES

FROZEN_AT = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
API_KEY = "test-key"


def _check_against_spec(response: httpx.Response) -> None:
    response.read()
    ORACLES.validate(
        response.request.method,
        response.request.url.path,
        response.status_code,
        response.headers,
        response.content,
    )


def make_client(settings: Settings, api_key: str | None = API_KEY) -> TestClient:
    runtime = Runtime.build(settings)
    client = TestClient(create_app(runtime=runtime), raise_server_exceptions=True)
    if api_key is not None:
        client.headers["x-api-key"] = api_key
    client.event_hooks["response"].append(_check_against_spec)
    client.app_state = runtime  # type: ignore[attr-defined]
    return client


@pytest.fixture
def settings() -> Settings:
    return Settings(freeze_time=FROZEN_AT)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with make_client(settings) as test_client:
        yield test_client


@pytest.fixture
def runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app_state  # type: ignore[attr-defined]
    return runtime
