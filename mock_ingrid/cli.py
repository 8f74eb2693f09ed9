"""``mock-ingrid serve``: every option also settable as a ``MOCK_INGRID_*`` variable."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mock_ingrid import __version__
from mock_ingrid.clock import parse_instant
from mock_ingrid.settings import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PORT,
    DEFAULT_SAVE_INTERVAL,
    DEFAULT_SHUTDOWN_GRACE,
    DEFAULT_WEBHOOK_HISTORY,
    DEFAULT_WEBHOOK_SCHEDULE,
    DEFAULT_WEBHOOK_TIMEOUT,
    STATUS_URL_TARGETS,
    Settings,
)

if TYPE_CHECKING:
    from mock_ingrid.runtime import Runtime

ENV_PREFIX = "MOCK_INGRID_"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
# The exit code of a server whose app did not start (uvicorn's, for ``uvicorn.run``).
STARTUP_FAILURE = 3


class CliError(Exception):
    """A bad option or environment: printed as one line, exit status 2."""


def _env(name: str) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else None


def _env_list(name: str) -> list[str]:
    value = _env(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else []


def _option(value: str | None, name: str, flag: str) -> tuple[str | None, str]:
    """The flag's value, else ``MOCK_INGRID_<name>``'s, and the name an error shows."""
    if value is not None:
        return value, flag
    return _env(name), ENV_PREFIX + name


def _seconds(text: str, option: str, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{option}: '{text}' is not a number of seconds") from None
    if not 0 <= value <= high:  # (NaN fails both)
        raise CliError(f"{option}: {text} is out of range (0-{high:g} seconds)")
    return value


def _int(text: str, option: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CliError(f"{option}: '{text}' is not an integer") from None
    if not low <= value <= high:
        raise CliError(f"{option}: {value} is out of range ({low}-{high})")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock-ingrid",
        description="A local, stateful emulator of the Ingrid Returns API.",
    )
    parser.add_argument("--version", action="version", version=f"mock-ingrid {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the server",
        description="Run the emulator. Each option can also be set with the environment "
        "variable shown in brackets.",
    )
    serve.add_argument(
        "--host", help=f"interface to bind [MOCK_INGRID_HOST] (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port",
        help="port to bind, 0 for a free one (printed) [MOCK_INGRID_PORT] "
        f"(default {DEFAULT_PORT})",
    )
    serve.add_argument(
        "--api-key",
        action="append",
        default=None,
        metavar="KEY",
        help="accept only this key (repeatable) [MOCK_INGRID_API_KEYS, comma-separated]; "
        "without it any non-empty key is accepted and is its own merchant",
    )
    serve.add_argument(
        "--fixtures",
        action="append",
        default=None,
        metavar="PATH",
        help="load a fixture file or directory, or a shipped set such as demo-shop, "
        "at start (repeatable) "
        "[MOCK_INGRID_FIXTURES, comma-separated]",
    )
    serve.add_argument("--seed", help="seed of every random choice [MOCK_INGRID_SEED] (default 0)")
    serve.add_argument(
        "--freeze-time",
        metavar="ISO8601",
        help="start a frozen clock at this instant, for reproducible timestamps "
        "[MOCK_INGRID_FREEZE_TIME]",
    )
    serve.add_argument(
        "--max-body-bytes",
        help="largest request body accepted [MOCK_INGRID_MAX_BODY_BYTES] "
        f"(default {DEFAULT_MAX_BODY_BYTES})",
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the server's address as its clients reach it (behind a proxy, in a "
        "container): the base of the legacy statusUrl [MOCK_INGRID_PUBLIC_URL] "
        "(default: the bound address, e.g. http://127.0.0.1:8080)",
    )
    serve.add_argument(
        "--status-url",
        choices=STATUS_URL_TARGETS,
        help="what the legacy statusUrl of a return points to: the legacy resource "
        "(api) or the return's status page in the customer portal (portal) "
        "[MOCK_INGRID_STATUS_URL] (default api)",
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help="server log level [MOCK_INGRID_LOG_LEVEL] (default warning)",
    )
    _add_webhook_options(serve)
    _add_control_options(serve)
    _add_scenario_command(commands)
    return parser


def _add_scenario_command(commands: Any) -> None:
    scenario = commands.add_parser(
        "scenario",
        help="list or run the named scenarios",
        description="Named, declarative flows (scenarios/*.json, shipped in the package), "
        "run as HTTP calls with their expectations checked.",
    )
    actions = scenario.add_subparsers(dest="scenario_command", required=True)
    actions.add_parser("list", help="list the scenarios")
    run = actions.add_parser("run", help="run one scenario (a name or a .json file)")
    run.add_argument("name", metavar="NAME")
    run.add_argument(
        "--base-url",
        metavar="URL",
        help="run against this server; without it an in-process server is started",
    )
    run.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the --base-url server's admin token, sent on its /_mock routes "
        "[MOCK_INGRID_ADMIN_TOKEN]",
    )


def scenario_command(args: argparse.Namespace) -> int:
    """``scenario list`` and ``scenario run``: 0 passed, 1 failed (the step is named)."""
    from mock_ingrid.scenarios import ScenarioError, ScenarioFailed, list_scenarios, run_scenario
    from mock_ingrid.testing import MockIngrid

    if args.scenario_command == "list":
        for name, description in list_scenarios().items():
            print(f"{name:<38} {description}")
        return 0
    try:
        if args.base_url:
            token = args.admin_token or _env("ADMIN_TOKEN")
            run_scenario(args.name, args.base_url, admin_token=token)
        else:
            with MockIngrid(webhooks=False) as server:
                run_scenario(args.name, server.base_url)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    except ScenarioFailed as exc:
        print(f"FAILED: {exc}", flush=True)
        return 1
    return 0


def _add_control_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require this token on every /_mock route but /_mock/health, as "
        "x-mock-admin-token or Authorization: Bearer [MOCK_INGRID_ADMIN_TOKEN]",
    )
    serve.add_argument(
        "--journal-size",
        help="how many API calls /_mock/journal keeps, 0 for none "
        "[MOCK_INGRID_JOURNAL_SIZE] (default 1000)",
    )
    serve.add_argument(
        "--progression",
        action="append",
        default=None,
        metavar="KIND=POLICY",
        help="let a kind (return, report, refund, exchange) move by itself: manual, "
        "immediate or after:<duration>, e.g. return=after:2m (repeatable) "
        "[MOCK_INGRID_PROGRESSION, comma-separated]",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="load the state from this file at start (if it exists) and save it there "
        "while the state changes and at stop; one server per file "
        "[MOCK_INGRID_STATE_FILE]",
    )
    serve.add_argument(
        "--save-interval",
        metavar="SECONDS",
        help="with --state-file: save every SECONDS while the state changes, 0 only at "
        f"stop [MOCK_INGRID_SAVE_INTERVAL] (default {DEFAULT_SAVE_INTERVAL:g})",
    )
    serve.add_argument(
        "--shutdown-grace",
        metavar="SECONDS",
        help="at stop, the seconds requests and webhook deliveries still running get "
        f"before the state is saved [MOCK_INGRID_SHUTDOWN_GRACE] "
        f"(default {DEFAULT_SHUTDOWN_GRACE:g})",
    )
    serve.add_argument(
        "--validate-responses",
        action="store_true",
        default=None,
        help="check every response against its OpenAPI document; one that breaks it "
        "becomes a 500 RESPONSE_CONTRACT_VIOLATION naming the field "
        "[MOCK_INGRID_VALIDATE_RESPONSES=1] (default off)",
    )


def _control_settings(args: argparse.Namespace) -> dict[str, Any]:
    from mock_ingrid.progression import PolicyError, parse_assignment

    token = args.admin_token if args.admin_token is not None else _env("ADMIN_TOKEN")
    if token is not None and not token.strip():
        raise CliError("--admin-token: the token cannot be empty")
    progression = args.progression if args.progression is not None else _env_list("PROGRESSION")
    for assignment in progression:
        try:
            parse_assignment(assignment)
        except PolicyError as exc:
            raise CliError(f"--progression: {exc}") from None
    state_file = args.state_file or _env("STATE_FILE")
    if state_file is not None and not Path(state_file).parent.is_dir():
        raise CliError(f"--state-file: the folder of {state_file} does not exist")
    interval, interval_option = _option(args.save_interval, "SAVE_INTERVAL", "--save-interval")
    grace, grace_option = _option(args.shutdown_grace, "SHUTDOWN_GRACE", "--shutdown-grace")
    return {
        "save_interval": _seconds(
            interval or str(DEFAULT_SAVE_INTERVAL), interval_option, 7 * 86_400
        ),
        "shutdown_grace": _int(grace or str(DEFAULT_SHUTDOWN_GRACE), grace_option, 0, 3600),
        "admin_token": token,
        "journal_size": _int(
            args.journal_size or _env("JOURNAL_SIZE") or "1000", "--journal-size", 0, 1_000_000
        ),
        "progression": tuple(progression),
        "state_file": Path(state_file) if state_file is not None else None,
        "validate_responses": _switch(args.validate_responses, "VALIDATE_RESPONSES"),
    }


def _switch(flag: bool | None, name: str) -> bool:
    """A flag, else ``MOCK_INGRID_<name>`` as 1/0, true/false, yes/no, on/off."""
    if flag:
        return True
    value = (_env(name) or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise CliError(
        f"{ENV_PREFIX}{name}: '{value}' is not one of 1, 0, true, false, yes, no, on, off"
    )


def _add_webhook_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--webhook-url",
        action="append",
        default=None,
        metavar="URL",
        help="send every webhook of every merchant here (repeatable) "
        "[MOCK_INGRID_WEBHOOK_URLS, comma-separated]",
    )
    serve.add_argument(
        "--webhook-secret",
        metavar="WHSEC",
        help="signing secret (whsec_ + base64) of the --webhook-url subscriptions; "
        "generated and printed when not given [MOCK_INGRID_WEBHOOK_SECRET]",
    )
    serve.add_argument(
        "--webhook-timeout",
        metavar="SECONDS",
        help="time a receiver has to answer one attempt [MOCK_INGRID_WEBHOOK_TIMEOUT] "
        f"(default {DEFAULT_WEBHOOK_TIMEOUT:g})",
    )
    serve.add_argument(
        "--webhook-schedule",
        metavar="SCHEDULE",
        help="retry delays: sandbox (0,500ms,1s,2s,4s,8s), realistic "
        "(0,5s,5m,30m,2h,5h,10h,10h) or a comma list such as 0,100ms,1s "
        f"[MOCK_INGRID_WEBHOOK_SCHEDULE] (default {DEFAULT_WEBHOOK_SCHEDULE})",
    )
    serve.add_argument(
        "--webhook-history",
        metavar="N",
        help="finished deliveries kept for /_mock/webhooks/deliveries, the oldest "
        "forgotten past N (pending ones never are) [MOCK_INGRID_WEBHOOK_HISTORY] "
        f"(default {DEFAULT_WEBHOOK_HISTORY})",
    )


def _webhook_settings(args: argparse.Namespace) -> dict[str, Any]:
    from mock_ingrid.webhooks.schedule import ScheduleError, parse_schedule
    from mock_ingrid.webhooks.signing import check_secret

    urls = args.webhook_url if args.webhook_url is not None else _env_list("WEBHOOK_URLS")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CliError(f"--webhook-url: '{url}' is not an http:// or https:// URL")
    secret = args.webhook_secret or _env("WEBHOOK_SECRET")
    if secret is not None:
        try:
            check_secret(secret)
        except ValueError as exc:
            raise CliError(f"--webhook-secret: {exc}") from None
    timeout_text = args.webhook_timeout or _env("WEBHOOK_TIMEOUT") or str(DEFAULT_WEBHOOK_TIMEOUT)
    try:
        timeout = float(timeout_text)
    except ValueError:
        raise CliError(f"--webhook-timeout: '{timeout_text}' is not a number of seconds") from None
    if not 0 < timeout <= 3600:
        raise CliError(f"--webhook-timeout: {timeout:g} is out of range (0-3600 seconds)")
    schedule = args.webhook_schedule or _env("WEBHOOK_SCHEDULE") or DEFAULT_WEBHOOK_SCHEDULE
    try:
        parse_schedule(schedule)
    except ScheduleError as exc:
        raise CliError(f"--webhook-schedule: {exc}") from None
    history_text, history_option = _option(
        args.webhook_history, "WEBHOOK_HISTORY", "--webhook-history"
    )
    return {
        "webhook_urls": tuple(urls),
        "webhook_secret": secret,
        "webhook_timeout": timeout,
        "webhook_schedule": schedule,
        "webhook_history": _int(
            history_text or str(DEFAULT_WEBHOOK_HISTORY), history_option, 0, 100_000_000
        ),
    }


def settings_from(args: argparse.Namespace) -> Settings:
    host = args.host or _env("HOST") or DEFAULT_HOST
    port_text, port_option = _option(args.port, "PORT", "--port")
    port = _int(port_text or str(DEFAULT_PORT), port_option, 0, 65535)
    keys = args.api_key if args.api_key is not None else _env_list("API_KEYS")
    if any(not key.strip() for key in keys):
        raise CliError("--api-key: a key cannot be empty")
    seed_text, seed_option = _option(args.seed, "SEED", "--seed")
    body_text, body_option = _option(args.max_body_bytes, "MAX_BODY_BYTES", "--max-body-bytes")
    log_level, log_option = _option(args.log_level, "LOG_LEVEL", "--log-level")
    if log_level is not None and log_level not in LOG_LEVELS:
        raise CliError(f"{log_option}: '{log_level}' is not one of {', '.join(LOG_LEVELS)}")
    fixtures = args.fixtures if args.fixtures is not None else _env_list("FIXTURES")
    if fixtures:  # the fixture module (and pydantic) only when there are fixtures
        from mock_ingrid.fixtures import find_fixture, shipped_fixtures
    for path in fixtures:
        if find_fixture(path) is None:
            known = ", ".join(shipped_fixtures())
            raise CliError(f"--fixtures: {path} does not exist (nor a shipped set: {known})")
    freeze, freeze_option = _option(args.freeze_time, "FREEZE_TIME", "--freeze-time")
    try:
        frozen_at = parse_instant(freeze) if freeze else None
    except ValueError:
        raise CliError(
            f"{freeze_option}: '{freeze}' is not an ISO 8601 instant with a timezone"
        ) from None
    status_url, status_option = _option(args.status_url, "STATUS_URL", "--status-url")
    if status_url is not None and status_url not in STATUS_URL_TARGETS:
        known = ", ".join(STATUS_URL_TARGETS)
        raise CliError(f"{status_option}: '{status_url}' is not one of {known}")
    return Settings(
        host=host,
        port=port,
        public_url=_public_url(args),
        status_url=status_url or "api",
        api_keys=frozenset(key.strip() for key in keys),
        fixtures=tuple(Path(p) for p in fixtures),
        seed=_int(seed_text or "0", seed_option, 0, 2**63 - 1),
        max_body_bytes=_int(body_text or str(DEFAULT_MAX_BODY_BYTES), body_option, 1, 2**31),
        freeze_time=frozen_at,
        log_level=log_level or "warning",
        **_webhook_settings(args),
        **_control_settings(args),
    )


def _public_url(args: argparse.Namespace) -> str | None:
    url, option = _option(args.public_url, "PUBLIC_URL", "--public-url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"{option}: '{url}' is not an http:// or https:// URL with a host")
    if parts.query or parts.fragment or parts.username is not None:
        raise CliError(f"{option}: '{url}' must be a base URL (no query, fragment or user)")
    try:
        _ = parts.port  # reading it checks it
    except ValueError:
        raise CliError(f"{option}: '{url}' has an invalid port") from None
    return url.rstrip("/")


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here rather than by uvicorn: a port in use is a
    clear error before anything loads, and with ``--port 0`` the port the system
    chose is known, to print."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise CliError(f"port {port} on {host} is already in use") from None
        raise CliError(f"cannot bind {host}:{port}: {exc.strerror}") from None
    return listener


def serve(settings: Settings) -> int:
    """Serve until a signal stops the server; the exit status (1: the state file was
    not saved, the reason printed)."""
    import uvicorn

    from mock_ingrid.app import create_app
    from mock_ingrid.runtime import Runtime, tune_collector
    from mock_ingrid.shutdown import QuietCancellations, Server, signals_deferred
    from mock_ingrid.state_file import StateFileError

    listener = _bind(settings.host, settings.port)
    settings = replace(settings, port=listener.getsockname()[1])
    runtime = Runtime.build(settings)
    runtime.freezes_heap = True  # this process is the server: see runtime.freeze_heap
    runtime.forks = hasattr(os, "fork")  # see forked
    tune_collector()
    loaded = 0
    try:
        if runtime.persistence.file is not None:  # one server per file: first of all
            try:
                runtime.persistence.file.lock()
            except StateFileError as exc:
                raise CliError(str(exc)) from None
            runtime.persistence.file.remove_leftovers()
        if settings.fixtures:  # the fixture module (and pydantic) only with fixtures
            from mock_ingrid.fixtures import FixtureError, load_fixture_paths

            try:
                loaded = load_fixture_paths(runtime.state, settings.fixtures)
            except FixtureError as exc:
                raise CliError(str(exc)) from None
        try:
            runtime.remember_baseline()
            restored = runtime.persistence.load()
        except StateFileError as exc:
            raise CliError(str(exc)) from None
    except CliError:
        listener.close()
        if runtime.persistence.file is not None:  # nothing happened: as it found it
            runtime.persistence.file.release(clean=not runtime.persistence.file.unclean)
        raise
    app = create_app(runtime=runtime)
    print(start_line(settings, loaded, restored), flush=True)
    _print_webhooks(runtime)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.log_level in ("info", "debug"),
        server_header=False,
        # No WebSocket route: not loading a WebSocket protocol saves start-up time.
        ws="none",
        lifespan="on",
        timeout_graceful_shutdown=settings.shutdown_grace,
    )
    # (after ``Config``, which sets up uvicorn's loggers)
    logging.getLogger("uvicorn.error").addFilter(QuietCancellations())
    server = Server(config, runtime)
    with signals_deferred():
        server.run(sockets=[listener])
        if not server.started:  # as ``uvicorn.run``: the app did not start (lifespan failed)
            return STARTUP_FAILURE
        # Saved by the app's shutdown, unless a third signal skipped it.
        runtime.persistence.save_at_stop()
    return 1 if runtime.persistence.error else 0


def start_line(settings: Settings, loaded: int = 0, restored: bool = False) -> str:
    """What the server prints once it listens; a warning when /_mock is open to the network."""
    from mock_ingrid.control.guard import exposure_warning

    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    exposed = exposure_warning(settings)
    return (
        f"mock-ingrid {__version__} listening on http://{shown_host}:{settings.port}"
        + (f" ({loaded} fixture file(s) loaded)" if loaded else "")
        + (f" (state restored from {settings.state_file})" if restored else "")
        + (f"; WARNING: {exposed}" if exposed else "")
    )


def _print_webhooks(runtime: Runtime) -> None:
    hooks = runtime.webhooks
    if not runtime.settings.webhook_urls:
        return
    from mock_ingrid.control.redaction import redact_url

    urls = ", ".join(redact_url(url) for url in runtime.settings.webhook_urls)
    print(f"webhooks: every event of every merchant to {urls}", flush=True)
    if hooks.cli_secret_generated:
        print(f"webhooks: signing secret {hooks.cli_secret}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return serve(settings_from(args))
        if args.command == "scenario":
            return scenario_command(args)
    except CliError as exc:
        print(f"mock-ingrid: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C before serving (a long load): nothing to save
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
