"""``--admin-token``: every ``/_mock`` route but health needs it; no CORS, ever."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from tests.control.helpers import PRODUCT, control_client, frozen

TOKEN = "s3cret-admin-token"
GUARDED = ["/_mock/faults", "/_mock/journal", "/_mock/openapi/control.json", "/_mock"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with control_client(frozen(admin_token=TOKEN)) as (test_client, _):
        yield test_client


@pytest.mark.parametrize("path", GUARDED)
def test_without_the_token_a_mock_route_is_401(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {
        "code": "UNAUTHORIZED",
        "message": "this server requires its admin token on /_mock routes: "
        "send x-mock-admin-token: TOKEN or Authorization: Bearer TOKEN",
        "errors": [],
    }
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {"x-mock-admin-token": "wrong"},
        {"authorization": "Bearer wrong"},
        {"authorization": f"Basic {TOKEN}"},
        {"x-mock-admin-token": TOKEN[:-1]},
    ],
)
def test_a_wrong_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/_mock/faults", json={"status": 500}, headers=headers)
    assert response.status_code == 401
    expected = "the admin token is not valid" if "Basic" not in str(headers) else "requires"
    assert expected in response.json()["message"]
    assert client.get("/returns").status_code == 200  # no rule was added


@pytest.mark.parametrize(
    "headers", [{"x-mock-admin-token": TOKEN}, {"authorization": f"bearer  {TOKEN}"}]
)
def test_either_header_carries_the_token(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post("/_mock/faults", json={"status": 500}, headers=headers).status_code == 201
    assert client.get("/_mock/journal", headers=headers).status_code == 200


def test_health_and_the_ingrid_api_need_no_admin_token(client: TestClient) -> None:
    assert client.get("/_mock/health").status_code == 200
    assert client.post("/products", json=PRODUCT).status_code == 201


def test_without_a_configured_token_the_control_api_is_open() -> None:
    with control_client() as (client, _):
        assert client.get("/_mock/faults").status_code == 200


def test_the_comparison_is_constant_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the middleware looks it up per call
    client.get("/_mock/faults", headers={"x-mock-admin-token": "guess"})
    assert compared == [(b"guess", TOKEN.encode())]


def test_no_response_carries_a_cors_header(client: TestClient) -> None:
    seen: list[httpx.Response] = []
    client.event_hooks["response"].append(seen.append)
    origin = {"origin": "https://evil.example", "access-control-request-method": "POST"}
    admin = {"x-mock-admin-token": TOKEN}
    for method, path in [
        ("OPTIONS", "/_mock/faults"),
        ("OPTIONS", "/returns"),
        ("GET", "/_mock/health"),
        ("GET", "/_mock/faults"),
        ("GET", "/returns"),
        ("GET", "/nowhere"),
    ]:
        client.request(method, path, headers=origin)
        client.request(method, path, headers=origin | admin)
    client.get("/returns", headers=origin | {"x-mock-fault": "status=503"})
    assert len(seen) == 13
    for response in seen:
        cors = [name for name in response.headers if name.startswith("access-control-")]
        assert not cors, f"{response.request.method} {response.request.url.path}: {cors}"
