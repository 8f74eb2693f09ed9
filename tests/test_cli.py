"""``mock-ingrid serve`` as a user runs it: options, environment, fixtures, errors."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_ingrid.settings import Settings
from tests.server import ROOT, free_port, run_cli, running_server, wait_until_healthy

pytestmark = pytest.mark.slow


def test_serve_loads_the_demo_shop_and_answers_health() -> None:
    with running_server(["--fixtures", "fixtures/demo-shop.json"]) as base:
        assert httpx.get(f"{base}/_mock/health").json()["status"] == "ok"
        returns = httpx.get(f"{base}/returns", headers={"x-api-key": "demo-key"}).json()
        statuses = {r["status"] for r in returns["data"]}
        assert {
            "CONFIRMED",
            "IN_TRANSIT",
            "RECEIVED",
            "REFUND_PENDING",
            "COMPLETED",
            "CANCELLED",
        } <= statuses
        assert httpx.get(f"{base}/returns", headers={"x-api-key": "other"}).json()["data"] == []


def test_options_come_from_the_environment_too() -> None:
    env = {"MOCK_INGRID_API_KEYS": "alpha,beta", "MOCK_INGRID_FREEZE_TIME": "2026-03-01T12:00:00Z"}
    with running_server(env=env) as base:
        assert httpx.get(f"{base}/returns", headers={"x-api-key": "beta"}).status_code == 200
        assert httpx.get(f"{base}/returns", headers={"x-api-key": "gamma"}).status_code == 401
        product = httpx.post(
            f"{base}/products",
            json={"productId": "p", "title": "t"},
            headers={"x-api-key": "alpha"},
        ).json()
        assert product["createdAt"] == "2026-03-01T12:00:00Z"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "http"], "--port: 'http' is not an integer"),
        (["--port", "70000"], "--port: 70000 is out of range"),
        (["--fixtures", "no/such/file.json"], "--fixtures: no/such/file.json does not exist"),
        (["--freeze-time", "tomorrow"], "--freeze-time: 'tomorrow' is not an ISO 8601"),
        (["--api-key", " "], "--api-key: a key cannot be empty"),
        (["--public-url", "ftp://mock.example"], "--public-url: 'ftp://mock.example' is not an"),
        (["--public-url", "mock.example:8080"], "is not an http:// or https:// URL"),
        (["--public-url", "http://mock.example:99999"], "has an invalid port"),
        (["--public-url", "http://a:b@mock.example"], "must be a base URL"),
    ],
)
def test_a_bad_option_is_a_clear_message_and_exit_2(args: list[str], message: str) -> None:
    result = run_cli("serve", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_port_in_use_is_refused() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_port_0_serves_on_a_free_port_and_prints_it() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_ingrid", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed before it serves; ends the read
        found = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
        assert found is not None, line
        assert int(found[2]) != 0
        wait_until_healthy(found[1], process)
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_fixture_with_an_error_is_refused_with_file_and_path(tmp_path: Path) -> None:
    broken = json.loads(Path("fixtures/demo-shop.json").read_text())
    broken["merchants"][0]["orders"][1]["lineItems"][0]["quantity"] = "two"
    bad_file = tmp_path / "broken.json"
    bad_file.write_text(json.dumps(broken))
    result = run_cli("serve", "--port", str(free_port()), "--fixtures", str(bad_file))
    assert result.returncode == 2
    assert f"{bad_file}: merchants[0].orders[1].lineItems[0].quantity" in result.stderr


def test_a_fixture_that_breaks_a_rule_names_the_step(tmp_path: Path) -> None:
    broken = json.loads(Path("fixtures/demo-shop.json").read_text())
    broken["merchants"][0]["returns"][0]["steps"] = ["inTransit"]
    bad_file = tmp_path / "rule.json"
    bad_file.write_text(json.dumps(broken))
    result = run_cli("serve", "--port", str(free_port()), "--fixtures", str(bad_file))
    assert result.returncode == 2
    assert f"{bad_file}: merchants[0].returns[0].steps[0]" in result.stderr
    assert "cannot scan in transit return" in result.stderr


def test_every_serve_option_comes_from_a_flag_or_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mock_ingrid.cli import build_parser, settings_from

    def settings(*argv: str) -> Settings:
        return settings_from(build_parser().parse_args(["serve", *argv]))

    for name in ("HOST", "PORT", "API_KEYS", "FIXTURES", "SEED", "LOG_LEVEL"):
        monkeypatch.delenv(f"MOCK_INGRID_{name}", raising=False)
    default = settings()
    assert (default.host, default.port, default.api_keys, default.seed) == (
        "127.0.0.1",
        8080,
        frozenset(),
        0,
    )
    flags = settings(
        *("--host", "::1", "--port", "9001", "--api-key", "a", "--api-key", "b"),
        *("--fixtures", "fixtures/demo-shop.json", "--seed", "42"),
    )
    assert (flags.host, flags.port, flags.api_keys, flags.seed) == (
        "::1",
        9001,
        frozenset({"a", "b"}),
        42,
    )
    assert flags.fixtures == (Path("fixtures/demo-shop.json"),)
    monkeypatch.setenv("MOCK_INGRID_HOST", "0.0.0.0")
    monkeypatch.setenv("MOCK_INGRID_PORT", "9002")
    monkeypatch.setenv("MOCK_INGRID_API_KEYS", "x, y")
    monkeypatch.setenv("MOCK_INGRID_FIXTURES", "fixtures/demo-shop.json")
    monkeypatch.setenv("MOCK_INGRID_SEED", "7")
    monkeypatch.setenv("MOCK_INGRID_LOG_LEVEL", "info")
    env = settings()
    assert (env.host, env.port, env.api_keys, env.seed, env.log_level) == (
        "0.0.0.0",
        9002,
        frozenset({"x", "y"}),
        7,
        "info",
    )
    assert env.fixtures == (Path("fixtures/demo-shop.json"),)
    # A flag wins over its variable.
    assert settings("--port", "9003", "--seed", "1").port == 9003
    assert settings("--api-key", "only").api_keys == frozenset({"only"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MOCK_INGRID_PORT": "http"}, "MOCK_INGRID_PORT: 'http' is not an integer"),
        ({"MOCK_INGRID_SEED": "-1"}, "MOCK_INGRID_SEED: -1 is out of range"),
        ({"MOCK_INGRID_MAX_BODY_BYTES": "0"}, "MOCK_INGRID_MAX_BODY_BYTES: 0 is out of range"),
        ({"MOCK_INGRID_LOG_LEVEL": "loud"}, "MOCK_INGRID_LOG_LEVEL: 'loud' is not one of"),
        ({"MOCK_INGRID_FREEZE_TIME": "soon"}, "MOCK_INGRID_FREEZE_TIME: 'soon' is not an ISO"),
        ({"MOCK_INGRID_PUBLIC_URL": "file:///x"}, "MOCK_INGRID_PUBLIC_URL: 'file:///x' is not"),
        (
            {"MOCK_INGRID_STATUS_URL": "web"},
            "MOCK_INGRID_STATUS_URL: 'web' is not one of api, portal",
        ),
    ],
)
def test_a_bad_variable_is_named_in_the_message(env: dict[str, str], message: str) -> None:
    result = run_cli("serve", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_webhook_history_comes_from_its_flag_or_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mock_ingrid.cli import build_parser, settings_from

    def history(*argv: str) -> int:
        return settings_from(build_parser().parse_args(["serve", *argv])).webhook_history

    monkeypatch.delenv("MOCK_INGRID_WEBHOOK_HISTORY", raising=False)
    assert history() == 100_000
    assert history("--webhook-history", "0") == 0
    monkeypatch.setenv("MOCK_INGRID_WEBHOOK_HISTORY", "25")
    assert history() == 25
    assert history("--webhook-history", "7") == 7


def test_the_save_interval_and_shutdown_grace_come_from_flags_or_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mock_ingrid.cli import build_parser, settings_from

    def chosen(*argv: str) -> tuple[float, int]:
        found = settings_from(build_parser().parse_args(["serve", *argv]))
        return found.save_interval, found.shutdown_grace

    monkeypatch.delenv("MOCK_INGRID_SAVE_INTERVAL", raising=False)
    monkeypatch.delenv("MOCK_INGRID_SHUTDOWN_GRACE", raising=False)
    assert chosen() == (10.0, 3)
    assert chosen("--save-interval", "0.5", "--shutdown-grace", "0") == (0.5, 0)
    monkeypatch.setenv("MOCK_INGRID_SAVE_INTERVAL", "0")
    monkeypatch.setenv("MOCK_INGRID_SHUTDOWN_GRACE", "8")
    assert chosen() == (0.0, 8)
    assert chosen("--save-interval", "30") == (30.0, 8)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--save-interval", "soon"], "--save-interval: 'soon' is not a number of seconds"),
        (["--save-interval", "-1"], "--save-interval: -1 is out of range"),
        (["--save-interval", "nan"], "--save-interval: nan is out of range"),
        (["--shutdown-grace", "1.5"], "--shutdown-grace: '1.5' is not an integer"),
        (["--shutdown-grace", "7200"], "--shutdown-grace: 7200 is out of range"),
    ],
)
def test_a_bad_save_interval_or_grace_is_refused(args: list[str], message: str) -> None:
    result = run_cli("serve", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_the_public_url_comes_from_its_flag_or_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_ingrid.cli import build_parser, settings_from

    def settings(*argv: str) -> Settings:
        return settings_from(build_parser().parse_args(["serve", *argv]))

    monkeypatch.delenv("MOCK_INGRID_PUBLIC_URL", raising=False)
    assert settings().public_url is None
    assert settings().base_url == "http://127.0.0.1:8080"
    assert settings("--host", "::1", "--port", "9").base_url == "http://[::1]:9"
    monkeypatch.setenv("MOCK_INGRID_PUBLIC_URL", "https://mock.example.test/ingrid/")
    assert settings().base_url == "https://mock.example.test/ingrid"
    assert settings("--public-url", "http://localhost:9000").base_url == "http://localhost:9000"


def test_the_status_url_target_comes_from_its_flag_or_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mock_ingrid.cli import build_parser, settings_from

    def target(*argv: str) -> str:
        return settings_from(build_parser().parse_args(["serve", *argv])).status_url

    monkeypatch.delenv("MOCK_INGRID_STATUS_URL", raising=False)
    assert target() == "api"
    assert target("--status-url", "portal") == "portal"
    monkeypatch.setenv("MOCK_INGRID_STATUS_URL", "portal")
    assert target() == "portal"
    assert target("--status-url", "api") == "api"


def test_the_legacy_status_url_is_under_the_public_url() -> None:
    args = ["--fixtures", "demo-shop", "--public-url", "https://mock.example.test"]
    with running_server(args) as base:
        response = httpx.get(
            f"{base}/merchant/return/1", headers={"x-api-key": "demo-key", "host": "evil.example"}
        )
    assert response.json()["statusUrl"] == "https://mock.example.test/merchant/return/1"


def test_the_start_line_warns_when_the_control_api_is_open_to_the_network() -> None:
    from mock_ingrid.cli import start_line

    open_line = start_line(Settings(host="0.0.0.0", port=8080))
    assert open_line.startswith("mock-ingrid ")
    assert "listening on http://0.0.0.0:8080; WARNING: bound to 0.0.0.0 without --admin-token" in (
        open_line
    )
    assert "WARNING" not in start_line(Settings(host="0.0.0.0", admin_token="t"))
    assert "WARNING" not in start_line(Settings(host="127.0.0.1"))
    assert "listening on http://[::1]:8080" in start_line(Settings(host="::1"))
