"""A web page cannot drive /_mock: cross-site calls and form posts are refused before
anything changes; scripts (no Origin) and the server's own pages keep working."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.conftest import API_KEY, FROZEN_AT, make_client
from tests.control.steps import MOCK, ok, seed_reference
from tests.oracle import ORACLES

EVIL = "https://evil.example"
FORM = "application/x-www-form-urlencoded"
# Every /_mock operation that may change something, with its path made concrete.
WRITES = [
    (op.method.upper(), re.sub(r"\{[^}]+\}", "1", op.template))
    for op in ORACLES.documents["control"].operations
    if op.method.upper() not in ("GET", "HEAD")
]


def everything(client: TestClient) -> dict[str, Any]:
    """What a refused call must leave as it was."""
    return {
        "state": ok(client.get(f"{MOCK}/state")),
        "clock": ok(client.get(f"{MOCK}/clock")),
        "faults": ok(client.get(f"{MOCK}/faults")),
        "progression": ok(client.get(f"{MOCK}/progression")),
        "subscriptions": ok(client.get(f"{MOCK}/webhooks/subscriptions")),
        "webhooks": ok(client.get(f"{MOCK}/webhooks/status")),
    }


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    seed_reference(client)
    ok(client.post(f"{MOCK}/faults", json={"path": "/returns", "status": 503}), 201)
    return client


def test_a_cross_site_form_post_to_reset_changes_nothing(seeded: TestClient) -> None:
    before = everything(seeded)
    response = seeded.post(
        f"{MOCK}/reset", content=b"", headers={"origin": EVIL, "content-type": FORM}
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "CROSS_SITE_REQUEST"
    assert "Origin: https://evil.example" in body["message"]
    assert body["errors"][0] == {
        "location": "header",
        "path": "origin",
        "code": "CROSS_SITE_REQUEST",
        "message": body["message"],
    }
    assert everything(seeded) == before


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_refuses_another_origin_and_a_form(
    seeded: TestClient, method: str, path: str
) -> None:
    before = everything(seeded)
    crossed = seeded.request(method, path, headers={"origin": EVIL})
    assert crossed.status_code == 403, crossed.text
    assert crossed.json()["code"] == "CROSS_SITE_REQUEST"
    site = seeded.request(method, path, headers={"sec-fetch-site": "cross-site"})
    assert site.status_code == 403, site.text
    assert site.json()["errors"][0]["path"] == "sec-fetch-site"
    form = seeded.request(method, path, content=b"status=COMPLETED", headers={"content-type": FORM})
    assert form.status_code == 415, form.text
    assert form.json()["errors"][0]["path"] == "content-type"
    assert everything(seeded) == before


@pytest.mark.parametrize(
    "content_type",
    [FORM, "multipart/form-data; boundary=x", "text/plain", "text/plain;charset=UTF-8"],
)
def test_what_an_html_form_sends_is_refused_even_empty(
    client: TestClient, content_type: str
) -> None:
    before = ok(client.get(f"{MOCK}/clock"))
    response = client.post(
        f"{MOCK}/clock/freeze", content=b"", headers={"content-type": content_type}
    )
    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "application/json" in body["message"]
    assert ok(client.get(f"{MOCK}/clock")) == before


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_page_of_another_origin_is_refused_even_on_the_same_site(
    client: TestClient, site: str
) -> None:
    """A page on another port of localhost is same-site, but another origin."""
    response = client.post(f"{MOCK}/reset", headers={"sec-fetch-site": site})
    assert response.status_code == 403
    assert f"Sec-Fetch-Site: {site}" in response.json()["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script or a test suite: no browser header at all
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"sec-fetch-site": "none"},  # the user's own doing (address bar, bookmark)
        {"origin": "http://testserver:80"},  # the default port, spelled out
        {"origin": "HTTP://TestServer"},
        {"content-type": "application/json"},  # and no body
        {"content-type": "application/merge-patch+json"},
    ],
)
def test_scripts_and_the_servers_own_pages_keep_working(
    seeded: TestClient, headers: dict[str, str]
) -> None:
    response = seeded.post(f"{MOCK}/reset", headers=headers)
    assert response.status_code == 200, response.text
    assert ok(seeded.get(f"{MOCK}/merchants"))["data"] == []


def test_a_json_body_from_the_servers_own_origin_is_taken(client: TestClient) -> None:
    response = client.post(
        f"{MOCK}/merchants",
        json={"apiKey": "shop"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize("origin", ["null", "http://testserver:8081", "https://testserver"])
def test_an_origin_that_is_not_exactly_the_servers_is_refused(
    client: TestClient, origin: str
) -> None:
    response = client.post(f"{MOCK}/reset", headers={"origin": origin})
    assert response.status_code == 403
    assert f"Origin: {origin} is not this server's origin" in response.json()["message"]


def test_the_public_url_is_an_origin_of_the_server_too() -> None:
    settings = Settings(freeze_time=FROZEN_AT, public_url="https://mock.example.test/base")
    with make_client(settings) as client:
        for origin in ("https://mock.example.test", "https://mock.example.test:443"):
            assert client.post(f"{MOCK}/reset", headers={"origin": origin}).status_code == 200
        refused = client.post(f"{MOCK}/reset", headers={"origin": "https://example.test"})
        assert refused.status_code == 403
        assert "https://mock.example.test" in refused.json()["message"]


def test_reads_pass_whatever_the_origin(seeded: TestClient) -> None:
    """GET never changes state, and with no CORS header a page cannot read the answer."""
    headers = {"origin": EVIL, "sec-fetch-site": "cross-site"}
    response = seeded.get(f"{MOCK}/merchants", headers=headers)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_the_check_comes_before_the_admin_token() -> None:
    settings = Settings(freeze_time=FROZEN_AT, admin_token="secret")
    with make_client(settings) as client:
        token = {"x-mock-admin-token": "secret"}
        crossed = client.post(f"{MOCK}/reset", headers={**token, "origin": EVIL})
        assert crossed.status_code == 403
        form = client.post(f"{MOCK}/reset", headers={**token, "content-type": FORM})
        assert form.status_code == 415
        assert client.post(f"{MOCK}/reset", headers=token).status_code == 200


def test_the_api_routes_are_not_held_to_it(client: TestClient) -> None:
    """A shop's backend may well send an Origin; the API has its own key."""
    response = client.post(
        "/products", json={"productId": "p", "title": "t"}, headers={"origin": EVIL}
    )
    assert response.status_code == 201
    assert API_KEY in [m["apiKey"] for m in ok(client.get(f"{MOCK}/merchants"))["data"]]


# -- exposure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "token", "warned"),
    [
        ("0.0.0.0", None, True),
        ("192.0.2.10", None, True),
        ("::", None, True),
        ("shop.internal", None, True),
        ("0.0.0.0", "secret", False),
        ("127.0.0.1", None, False),
        ("127.0.1.1", None, False),
        ("::1", None, False),
        ("localhost", None, False),
    ],
)
def test_health_says_when_the_control_api_is_open_to_the_network(
    host: str, token: str | None, warned: bool
) -> None:
    settings = Settings(freeze_time=FROZEN_AT, host=host, admin_token=token)
    with make_client(settings) as client:
        warnings = ok(client.get(f"{MOCK}/health"))["warnings"]
    if not warned:
        assert warnings == []
        return
    (warning,) = warnings
    assert warning["code"] == "CONTROL_UNPROTECTED"
    assert f"bound to {host} without --admin-token" in warning["message"]
