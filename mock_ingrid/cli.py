"""``mock-ingrid serve``: every option also settable as a ``MOCK_INGRID_*`` variable."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from mock_ingrid import __version__
from mock_ingrid.clock import parse_instant
from mock_ingrid.settings import DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, Settings

ENV_PREFIX = "MOCK_INGRID_"


class CliError(Exception):
    """A bad option or environment: printed as one line, exit status 2."""


def _env(name: str) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else None


def _env_list(name: str) -> list[str]:
    value = _env(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else []


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
    serve.add_argument("--port", help=f"port to bind [MOCK_INGRID_PORT] (default {DEFAULT_PORT})")
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
        help="load a fixture file or directory at start (repeatable) "
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
        "--log-level",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level [MOCK_INGRID_LOG_LEVEL] (default warning)",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    host = args.host or _env("HOST") or DEFAULT_HOST
    port = _int(args.port or _env("PORT") or str(DEFAULT_PORT), "--port", 0, 65535)
    keys = args.api_key if args.api_key is not None else _env_list("API_KEYS")
    if any(not key.strip() for key in keys):
        raise CliError("--api-key: a key cannot be empty")
    fixtures = args.fixtures if args.fixtures is not None else _env_list("FIXTURES")
    for path in fixtures:
        if not Path(path).exists():
            raise CliError(f"--fixtures: {path} does not exist")
    freeze = args.freeze_time or _env("FREEZE_TIME")
    try:
        frozen_at = parse_instant(freeze) if freeze else None
    except ValueError:
        raise CliError(
            f"--freeze-time: '{freeze}' is not an ISO 8601 instant with a timezone"
        ) from None
    return Settings(
        host=host,
        port=port,
        api_keys=frozenset(key.strip() for key in keys),
        fixtures=tuple(Path(p) for p in fixtures),
        seed=_int(args.seed or _env("SEED") or "0", "--seed", 0, 2**63 - 1),
        max_body_bytes=_int(
            args.max_body_bytes or _env("MAX_BODY_BYTES") or str(DEFAULT_MAX_BODY_BYTES),
            "--max-body-bytes",
            1,
            2**31,
        ),
        freeze_time=frozen_at,
        log_level=args.log_level or _env("LOG_LEVEL") or "warning",
    )


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(f"port {port} on {host} is already in use") from None
            raise CliError(f"cannot bind {host}:{port}: {exc.strerror}") from None


def serve(settings: Settings) -> None:
    import uvicorn

    from mock_ingrid.app import create_app
    from mock_ingrid.fixtures import FixtureError, load_fixture_paths
    from mock_ingrid.runtime import Runtime

    runtime = Runtime.build(settings)
    try:
        loaded = load_fixture_paths(runtime.state, settings.fixtures)
    except FixtureError as exc:
        raise CliError(str(exc)) from None
    _check_port_free(settings.host, settings.port)
    app = create_app(runtime=runtime)
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(
        f"mock-ingrid {__version__} listening on http://{shown_host}:{settings.port}"
        + (f" ({loaded} fixture file(s) loaded)" if loaded else ""),
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.log_level in ("info", "debug"),
        server_header=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            serve(settings_from(args))
    except CliError as exc:
        print(f"mock-ingrid: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
