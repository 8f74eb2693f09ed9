"""The webhook options of ``mock-ingrid serve``, from flags and ``MOCK_INGRID_*`` variables."""

from __future__ import annotations

import httpx
import orjson
import pytest

from mock_ingrid.cli import _print_webhooks, build_parser, main, settings_from
from mock_ingrid.runtime import Runtime
from mock_ingrid.settings import Settings
from mock_ingrid.webhooks import verify
from tests.server import running_server
from tests.webhooks import helpers
from tests.webhooks.helpers import receiving, wait_until

SECRET = "whsec_dGhlIG1vY2staW5ncmlkIHRlc3Qgc2VjcmV0IQ=="


def parse(*args: str) -> Settings:
    return settings_from(build_parser().parse_args(["serve", *args]))


def test_flags() -> None:
    found = parse(
        "--webhook-url",
        "http://127.0.0.1:9001/a",
        "--webhook-url",
        "https://example.test/b",
        "--webhook-secret",
        SECRET,
        "--webhook-timeout",
        "2.5",
        "--webhook-schedule",
        "realistic",
    )
    assert found.webhook_urls == ("http://127.0.0.1:9001/a", "https://example.test/b")
    assert found.webhook_secret == SECRET
    assert found.webhook_timeout == 2.5 and found.webhook_schedule == "realistic"


def test_defaults() -> None:
    found = parse()
    assert found.webhook_urls == () and found.webhook_secret is None
    assert found.webhook_timeout == 15 and found.webhook_schedule == "sandbox"


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_INGRID_WEBHOOK_URLS", "http://127.0.0.1:9/a, http://127.0.0.1:9/b")
    monkeypatch.setenv("MOCK_INGRID_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("MOCK_INGRID_WEBHOOK_TIMEOUT", "3")
    monkeypatch.setenv("MOCK_INGRID_WEBHOOK_SCHEDULE", "0,100ms")
    found = parse()
    assert found.webhook_urls == ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b")
    assert found.webhook_secret == SECRET
    assert found.webhook_timeout == 3 and found.webhook_schedule == "0,100ms"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--webhook-url", "127.0.0.1:9000"], "--webhook-url: '127.0.0.1:9000' is not an http"),
        (["--webhook-secret", "s3cret"], "--webhook-secret: a webhook secret starts with 'whsec_'"),
        (["--webhook-secret", "whsec_!!"], "--webhook-secret: a webhook secret is 'whsec_'"),
        (["--webhook-timeout", "soon"], "--webhook-timeout: 'soon' is not a number"),
        (["--webhook-timeout", "0"], "--webhook-timeout: 0 is out of range"),
        (["--webhook-schedule", "often"], "--webhook-schedule: 'often' is not a duration"),
    ],
)
def test_bad_values_are_a_clear_message_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_generated_secret_is_printed_and_a_given_one_is_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    generated = Runtime.build(Settings(webhook_urls=("http://127.0.0.1:9/a",)))
    _print_webhooks(generated)
    out = capsys.readouterr().out
    assert f"signing secret {generated.webhooks.cli_secret}" in out
    _print_webhooks(
        Runtime.build(Settings(webhook_urls=("http://127.0.0.1:9/a",), webhook_secret=SECRET))
    )
    assert SECRET not in capsys.readouterr().out


def test_the_generated_secret_repeats_with_the_seed() -> None:
    def secret(seed: int) -> str | None:
        urls = ("http://127.0.0.1:9/a",)
        return Runtime.build(Settings(webhook_urls=urls, seed=seed)).webhooks.cli_secret

    assert secret(1) == secret(1) != secret(2)


@pytest.mark.slow
def test_serve_with_a_webhook_url_delivers_signed_events() -> None:
    with receiving() as rx:
        env = {"MOCK_INGRID_WEBHOOK_SECRET": SECRET}
        with running_server(["--webhook-url", rx.url], env=env) as base:
            with httpx.Client(base_url=base, headers={"x-api-key": "shop"}) as http:
                helpers.stock(http)
                helpers.open_return(http)
            (request,) = wait_until(rx.snapshot, what="the RETURN_CREATED webhook")
    assert verify(request.body, request.headers, SECRET)["type"] == "RETURN_CREATED"
    assert orjson.loads(request.body)["foreignOrderId"] == "ORD-1"
