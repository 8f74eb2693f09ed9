"""A stop always finishes, with the state saved: a stalled client, a latency fault or
a webhook flush cannot hold it past the grace; a second signal saves at once, and a
third still saves; a save
that fails is an exit status of 1 with the reason, and leaves nothing behind."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from pathlib import Path

import httpx
import pytest

from tests.api.flow import create_return, ok, seed_reference
from tests.state.process import DEADLINE, Server, eventually, serving

pytestmark = pytest.mark.slow
KEY = {"x-api-key": "shop"}
CUT = "timeout graceful shutdown exceeded"  # uvicorn's log line when it cancels requests


def _stall(server: Server) -> socket.socket:
    """A request whose body never ends; the server reads it (a health check on another
    connection answering means the loop has taken what came before)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    stalled = socket.create_connection((host, int(port)))
    stalled.sendall(
        b"POST /products HTTP/1.1\r\nhost: x\r\nx-api-key: shop\r\n"
        b'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"productId"'
    )
    assert httpx.get(f"{server.base_url}/_mock/health").status_code == 200
    return stalled


def _accepts(server: Server) -> bool:
    host, port = server.base_url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def _slow_call(server: Server) -> threading.Thread:
    """A call held by a latency fault of a minute, from another thread."""

    def call() -> None:
        with contextlib.suppress(httpx.HTTPError):  # cut by the stop: as it must be
            httpx.get(
                f"{server.base_url}/returns",
                headers={**KEY, "x-mock-fault": "latency=60000"},
                timeout=DEADLINE,
            )

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread


def test_a_stalled_client_does_not_hold_the_stop_and_the_state_is_saved(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with serving(state_file, "--shutdown-grace", "1", "--save-interval", "0") as server:
        with server.http(headers=KEY) as http:
            seed_reference(http)  # type: ignore[arg-type]
            before = ok(http.get("/_mock/state"))
        stalled = _stall(server)
        slow = _slow_call(server)
        server.signal(signal.SIGTERM)
        assert server.wait() == 0, server.stderr
        stalled.close()
        slow.join(DEADLINE)
    assert CUT in server.stderr  # the requests were still running when the grace ended
    assert "Traceback" not in server.stderr
    with serving(state_file) as server, server.http(headers=KEY) as http:
        assert ok(http.get("/_mock/state")) == before


def test_a_webhook_flush_to_a_silent_receiver_does_not_hold_the_stop(tmp_path: Path) -> None:
    """A flush waits (here up to a minute) for a receiver that never answers: the stop
    cuts it at the grace, saves, and the delivery it interrupted is still pending after
    the restart (at least once)."""
    state_file = tmp_path / "state.json"
    # A listening socket nobody accepts on: connections open, no answer ever comes.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hooks"
        args = ("--shutdown-grace", "1", "--save-interval", "0", "--webhook-timeout", "60")
        with serving(state_file, *args) as server:
            with server.http() as http:
                ok(
                    http.post(
                        "/_mock/webhooks/subscriptions", json={"merchant": "shop", "url": url}
                    ),
                    201,
                )
                ok(http.post("/_mock/webhooks/pause"))
                http.headers.update(KEY)
                seed_reference(http)  # type: ignore[arg-type]
                create_return(http)  # type: ignore[arg-type]
                (pending,) = ok(http.get("/_mock/webhooks/deliveries"))["data"]

            def flush() -> None:
                with contextlib.suppress(httpx.HTTPError):  # cut by the stop
                    httpx.post(
                        f"{server.base_url}/_mock/webhooks/flush",
                        json={"timeoutSeconds": 60},
                        timeout=DEADLINE,
                    )

            flushing = threading.Thread(target=flush, daemon=True)
            flushing.start()
            with server.http() as http:
                eventually(
                    lambda: ok(http.get("/_mock/webhooks/status"))["deliveries"]["inFlight"],
                    "the flush's attempt to be out",
                )
            server.signal(signal.SIGTERM)
            assert server.wait() == 0, server.stderr
            flushing.join(DEADLINE)
        assert CUT in server.stderr
        assert "Traceback" not in server.stderr
    with serving(state_file) as server, server.http() as http:
        (restored,) = ok(http.get("/_mock/webhooks/deliveries"))["data"]
        assert restored["deliveryId"] == pending["deliveryId"]
        assert restored["eventId"] == pending["eventId"]
        assert restored["status"] == "PENDING"


def test_a_second_signal_stops_at_once_and_still_saves(tmp_path: Path) -> None:
    """The grace is long (an hour): only the second Ctrl-C can end the stop in time."""
    state_file = tmp_path / "state.json"
    with serving(state_file, "--shutdown-grace", "3600", "--save-interval", "0") as server:
        with server.http(headers=KEY) as http:
            seed_reference(http)  # type: ignore[arg-type]
            before = ok(http.get("/_mock/state"))
        stalled = _stall(server)
        server.signal(signal.SIGINT)
        # Two signals sent at once may arrive as one: the second goes once the first
        # has stopped the server accepting.
        eventually(lambda: not _accepts(server), "the server stopping after the first")
        server.signal(signal.SIGINT)
        assert server.wait() == 0, server.stderr
        stalled.close()
    assert "Traceback" not in server.stderr and "KeyboardInterrupt" not in server.stderr
    with serving(state_file) as server, server.http(headers=KEY) as http:
        assert ok(http.get("/_mock/state")) == before


def test_a_third_signal_stops_waiting_for_anything_and_still_saves(tmp_path: Path) -> None:
    """The third skips the app's shutdown (uvicorn's force exit): the server saves
    after serving instead, and exits as after any stop."""
    state_file = tmp_path / "state.json"
    args = ("--shutdown-grace", "3600", "--save-interval", "0", "--log-level", "info")
    with serving(state_file, *args) as server:
        with server.http(headers=KEY) as http:
            seed_reference(http)  # type: ignore[arg-type]
            before = ok(http.get("/_mock/state"))
        stalled = _stall(server)
        server.signal(signal.SIGTERM)
        eventually(lambda: not _accepts(server), "the server stopping after the first")
        # The second and the third: two signals sent at once may arrive as one (and the
        # second alone would let the stop go on), so they go to the stopped process,
        # which takes both as it resumes, before its event loop runs again.
        server.signal(signal.SIGSTOP)
        server.signal(signal.SIGINT)
        server.signal(signal.SIGTERM)
        server.signal(signal.SIGCONT)
        assert server.wait() == 0, server.stderr
        stalled.close()
    assert "Waiting for application shutdown" not in server.stderr  # skipped: the third
    assert "Traceback" not in server.stderr and "KeyboardInterrupt" not in server.stderr
    with serving(state_file) as server, server.http(headers=KEY) as http:
        assert ok(http.get("/_mock/state")) == before


def test_a_failed_save_exits_with_1_and_the_reason(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with serving(state_file, "--save-interval", "0") as server:
        with server.http(headers=KEY) as http:
            seed_reference(http)  # type: ignore[arg-type]
            # The path becomes a folder that is not empty: no file can be renamed onto it.
            state_file.mkdir()
            (state_file / "keep").touch()
            failed = http.post("/_mock/state/save")
            assert failed.status_code == 500, failed.text
            assert failed.json()["code"] == "STATE_NOT_SAVED"
            assert str(state_file) in failed.json()["message"]
        server.signal(signal.SIGTERM)
        assert server.wait() == 1
    assert f"the state was not saved: cannot save to {state_file}" in server.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.lock"]


def test_without_a_state_file_a_save_is_refused_and_a_stop_is_clean() -> None:
    with serving(None) as server, server.http() as http:
        refused = http.post("/_mock/state/save")
        assert refused.status_code == 409
        assert refused.json()["code"] == "NO_STATE_FILE"
        assert "--state-file" in refused.json()["message"]
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
