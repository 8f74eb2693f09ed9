"""Under a real uvicorn on loopback: dropped connections, latency, crashes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.control.helpers import Served, frozen, ok

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with Served(frozen()) as running:
        yield running


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    served.built.diagnostics.reset()
    with served.client() as client:
        yield client


@pytest.mark.parametrize("implementation", ["httptools", "h11"])
def test_drop_closes_the_connection_without_a_response(implementation: str) -> None:
    with Served(frozen(), implementation) as served, served.client() as http:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            http.post("/orders", json={"orderId": "A"}, headers={"x-mock-fault": "drop"})
        assert http.get("/returns").status_code == 200  # the server carries on
        dropped, after = ok(http.get("/_mock/journal"))["data"]
    assert (dropped["status"], dropped["fault"], dropped["response"]["bodySize"]) == (
        None,
        "drop",
        0,
    )
    assert dropped["request"]["body"] == {"orderId": "A"}
    assert after["status"] == 200


def test_not_a_byte_is_written_before_the_close(served: Served) -> None:
    address = urlsplit(served.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(b"GET /returns HTTP/1.1\r\nhost: x\r\nx-mock-fault: drop\r\n\r\n")
        assert sock.recv(1024) == b""  # an orderly close, nothing before it


def test_a_drop_rule_fires_its_times_then_calls_succeed(http: httpx.Client) -> None:
    ok(http.post("/_mock/faults", json={"path": "/returns", "drop": True, "times": 1}))
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/returns")
    assert http.get("/returns").status_code == 200
    (rule,) = ok(http.get("/_mock/faults"))["data"]
    assert (rule["remaining"], rule["applied"]) == (0, 1)


def test_latency_is_applied_and_echoed(http: httpx.Client) -> None:
    ok(http.post("/_mock/faults", json={"path": "/returns", "latencyMs": 20, "times": 1}))
    response = http.get("/returns")
    assert response.status_code == 200 and response.headers["x-mock-fault"] == "latency=20"
    assert ok(http.get("/_mock/faults"))["data"][0]["applied"] == 1
    (entry,) = ok(http.get("/_mock/journal"))["data"]
    assert entry["fault"] == "latency=20"
    assert entry["response"]["headers"]["x-mock-fault"] == "latency=20"


def test_a_crash_is_journaled_as_the_500_the_client_got() -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug in a handler")

    with Served(frozen()) as served, served.client() as http:
        served.built.starlette.router.routes.append(Route("/boom", boom))
        # Starlette's own 500 is text/plain: outside the documents, so not through the oracle
        assert httpx.get(f"{served.url}/boom").status_code == 500
        (entry,) = ok(http.get("/_mock/journal"))["data"]
    assert (entry["path"], entry["status"]) == ("/boom", 500)


def test_a_body_the_api_refused_unread_is_still_journaled(http: httpx.Client) -> None:
    response = http.post("/orders", content=b"<order/>", headers={"content-type": "text/xml"})
    assert response.status_code == 415
    (entry,) = ok(http.get("/_mock/journal"))["data"]
    assert (entry["request"]["body"], entry["request"]["bodySize"]) == ("<order/>", 8)
