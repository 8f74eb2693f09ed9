"""The webhook listings: a URL's password is never shown (the export keeps it), and
the logs of events and deliveries are paged as the API's lists are."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ingrid.control.redaction import redact_url
from mock_ingrid.settings import Settings
from tests.conftest import FROZEN_AT, make_client
from tests.webhooks import helpers
from tests.webhooks.helpers import Receiver, api, ok, receiving, served, wait_until
from tests.webhooks.test_delivery import settings as webhook_settings

WEBHOOKS = "/_mock/webhooks"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cret@hooks.example/in", "https://user:***@hooks.example/in"),
        ("https://user:p:q@hooks.example:8443/", "https://user:***@hooks.example:8443/"),
        ("https://user@hooks.example/in", "https://user@hooks.example/in"),
        ("https://hooks.example/a@b?c=d@e", "https://hooks.example/a@b?c=d@e"),
        ("https://hooks.example/in", "https://hooks.example/in"),
    ],
)
def test_only_the_password_is_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with receiving() as receiver:
        yield receiver


def test_a_password_is_masked_in_every_listing_and_still_sent(rx: Receiver) -> None:
    secret_url = rx.url.replace("http://", "http://hooks:s3cret@")
    shown = rx.url.replace("http://", "http://hooks:***@")
    with served(webhook_settings()) as app, api(app) as http:
        helpers.stock(http)
        created = ok(
            http.post(f"{WEBHOOKS}/subscriptions", json={"merchant": "shop", "url": secret_url})
        )
        helpers.open_return(http)
        (request,) = wait_until(rx.snapshot, what="the delivery")
        (delivery,) = wait_until(
            lambda: [d for d in ok(http.get(f"{WEBHOOKS}/deliveries"))["data"] if d["attempts"]],
            what="the recorded attempt",
        )
        sub_id = created["subscriptionId"]
        listings = [
            created,
            ok(http.get(f"{WEBHOOKS}/subscriptions/{sub_id}")),
            *ok(http.get(f"{WEBHOOKS}/subscriptions", params={"merchant": "shop"}))["data"],
            delivery,
            ok(http.get(f"{WEBHOOKS}/deliveries/{delivery['deliveryId']}")),
            ok(http.get(f"{WEBHOOKS}/events"))["data"][0],
        ]
    basic = base64.b64encode(b"hooks:s3cret").decode()
    assert request.headers["authorization"] == f"Basic {basic}"
    assert created["url"] == delivery["url"] == delivery["attempts"][0]["url"] == shown
    assert all("s3cret" not in str(listing) for listing in listings)


def test_the_command_line_url_is_masked_on_the_start_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mock_ingrid.cli import _print_webhooks
    from mock_ingrid.runtime import Runtime

    settings = webhook_settings("https://ops:hunter2@hooks.example/in")
    _print_webhooks(Runtime.build(settings))
    out = capsys.readouterr().out
    assert "https://ops:***@hooks.example/in" in out and "hunter2" not in out


# -- paging ---------------------------------------------------------------------------


@pytest.fixture
def shop() -> Iterator[TestClient]:
    with make_client(Settings(freeze_time=FROZEN_AT), api_key="shop") as client:
        ok(
            client.post(
                f"{WEBHOOKS}/subscriptions",
                json={"merchant": "shop", "url": "http://127.0.0.1:9/hooks"},
            )
        )
        helpers.stock(client, units=5)
        for _ in range(5):
            helpers.open_return(client)
        yield client


def pages(client: TestClient, path: str, size: int, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for number in range(10):
        page = ok(client.get(path, params={"page": number, "size": size, **filters}))
        assert page["pageInfo"]["hasPrevious"] == (number > 0)
        found.append(page)
        if not page["pageInfo"]["hasNext"]:
            return found
    raise AssertionError("more pages than items")


@pytest.mark.parametrize(("log", "id_field"), [("events", "eventId"), ("deliveries", "deliveryId")])
def test_the_logs_are_paged(shop: TestClient, log: str, id_field: str) -> None:
    everything = ok(shop.get(f"{WEBHOOKS}/{log}"))
    assert len(everything["data"]) == 5
    assert everything["pageInfo"] == {"hasNext": False, "hasPrevious": False}
    paged = pages(shop, f"{WEBHOOKS}/{log}", 2)
    assert [len(page["data"]) for page in paged] == [2, 2, 1]
    ids = [item[id_field] for page in paged for item in page["data"]]
    assert ids == [item[id_field] for item in everything["data"]]
    past = ok(shop.get(f"{WEBHOOKS}/{log}", params={"page": 9}))
    assert past == {"data": [], "pageInfo": {"hasNext": False, "hasPrevious": True}}
    filtered = pages(shop, f"{WEBHOOKS}/{log}", 1, returnId="3")
    assert [item["returnId"] for page in filtered for item in page["data"]] == ["3"]


@pytest.mark.parametrize(
    "params",
    [{"size": 0}, {"size": 1001}, {"page": -1}, {"page": "one"}, {"size": ""}],
)
def test_a_bad_page_is_a_400_naming_the_parameter(shop: TestClient, params: dict[str, Any]) -> None:
    for log in ("events", "deliveries"):
        response = shop.get(f"{WEBHOOKS}/{log}", params=params)
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["code"] == "INVALID_PARAMETER"
        assert body["errors"][0]["path"] == next(iter(params))


def test_a_page_holds_100_by_default() -> None:
    with make_client(Settings(freeze_time=FROZEN_AT), api_key="shop") as client:
        helpers.stock(client, units=101)
        for _ in range(101):
            helpers.open_return(client)
        first = ok(client.get(f"{WEBHOOKS}/events"))
        second = ok(client.get(f"{WEBHOOKS}/events", params={"page": 1}))
    assert (len(first["data"]), first["pageInfo"]["hasNext"]) == (100, True)
    assert (len(second["data"]), second["pageInfo"]["hasNext"]) == (1, False)
    assert second["data"][0]["returnId"] == "101"
