"""Routing as users see it: 404 and 405 (with ``Allow``) in the generation's error shape,
never a redirect; and ``IndexedRoutes`` on its own."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mock_ingrid.api.resource import resource
from mock_ingrid.api.router import IndexedRoutes
from mock_ingrid.app import create_app
from mock_ingrid.settings import Settings


@pytest.fixture
def client() -> TestClient:
    client = TestClient(create_app(Settings()), follow_redirects=False)
    client.headers["x-api-key"] = "k"
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/returns/"),
        ("GET", "/returns/1/"),
        ("POST", "/orders/"),
        ("GET", "/merchant/return/"),
        ("GET", "/_mock/health/"),
        ("GET", "/nothing-here/"),
    ],
)
def test_a_trailing_slash_is_a_404_never_a_redirect(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 404
    assert "location" not in response.headers


def test_an_unknown_path_is_a_404_naming_it(client: TestClient) -> None:
    # "/" is not among them: it sends a browser on to the dashboard (below).
    for path in ("/nothing-here", "/returns/1/nothing", "/_mock/nothing", "/_mock/ui/nothing"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["code"] == "NOT_FOUND"
        assert body["message"] == f"no operation at GET {path}"


def test_the_root_sends_a_browser_on_to_the_dashboard(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/_mock/ui"


def test_a_legacy_404_has_the_legacy_shape(client: TestClient) -> None:
    response = client.get("/merchant/nothing")
    assert response.status_code == 404
    assert response.json()["message"] == "no operation at GET /merchant/nothing"
    assert response.json()["path"] == "/merchant/nothing"


def test_a_wrong_method_is_a_405_naming_every_allowed_method(client: TestClient) -> None:
    response = client.delete("/_mock/state")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST, PUT"
    body = response.json()
    assert body["code"] == "METHOD_NOT_ALLOWED"
    assert body["message"] == "DELETE is not allowed on /_mock/state; use GET, HEAD, POST, PUT"


def test_each_method_of_a_path_reaches_its_own_handler(client: TestClient) -> None:
    assert client.put("/_mock/progression", json={"return": "after:1h"}).status_code == 200
    assert client.get("/_mock/progression").json()["return"] == "after:1h"
    head = client.head("/_mock/progression")
    assert (head.status_code, head.content) == (200, b"")


def test_a_route_added_to_the_app_is_reached() -> None:
    async def extra(request: Request) -> Response:
        return PlainTextResponse("extra")

    app = create_app(Settings())
    app.router.routes.append(Route("/extra", extra))
    assert TestClient(app).get("/extra").text == "extra"


async def _named(request: Request) -> Response:
    return PlainTextResponse(f"{request.url.path} {request.path_params}")


def _indexed_app() -> Starlette:
    return Starlette(
        routes=[
            IndexedRoutes(
                [
                    resource("/a/{x}", get=_named),
                    Route("/b", _named, name="b"),
                    Route("/b/{y}", _named, name="b_item"),
                ]
            )
        ]
    )


def test_indexed_routes_match_as_starlette_does() -> None:
    client = TestClient(_indexed_app())
    assert client.get("/a/1").text == "/a/1 {'x': '1'}"
    assert client.get("/b/2").text == "/b/2 {'y': '2'}"
    assert client.get("/b").text == "/b {}"
    assert client.get("/c").status_code == 404
    assert client.get("/b/", follow_redirects=False).status_code == 404
    assert client.post("/b").status_code == 405


def test_indexed_routes_under_a_root_path() -> None:
    client = TestClient(_indexed_app(), root_path="/mock")
    assert client.get("/mock/b/2").text == "/mock/b/2 {'y': '2'}"
    assert client.get("/mock/c").status_code == 404


def test_indexed_routes_build_urls() -> None:
    app = _indexed_app()
    assert app.url_path_for("b_item", y="3") == "/b/3"


def test_a_parameter_first_segment_is_refused() -> None:
    with pytest.raises(ValueError, match="first segment"):
        IndexedRoutes([Route("/{x}/a", _named)])
