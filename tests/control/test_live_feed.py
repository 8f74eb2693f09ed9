"""The dashboard's live feed: ``Feed`` itself, ``GET /_mock/ui/events`` under a real
uvicorn, and a server stop that an open stream does not hold up."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_ingrid.feed import Feed, Notice
from tests.api.flow import create_return, seed_reference
from tests.control.helpers import API_KEY, Served, build, frozen
from tests.server import ROOT, free_port, wait_until_healthy
from tests.webhooks.helpers import wait_until

# -- the feed -----------------------------------------------------------------------------


def test_a_notice_reaches_every_subscriber() -> None:
    async def scenario() -> list[Notice | None]:
        feed = Feed()
        feed.open()
        first, second = feed.subscribe(), feed.subscribe()
        feed.publish("write", {"path": "/orders"})
        return [await first.next(5), await second.next(5)]

    assert asyncio.run(scenario()) == [Notice("write", {"path": "/orders"})] * 2


def test_a_subscriber_that_falls_behind_gets_one_resync() -> None:
    async def scenario() -> list[str]:
        feed = Feed(size=3)
        feed.open()
        slow = feed.subscribe()
        for number in range(10):  # nobody reads meanwhile: publishing never waits
            feed.publish("change", {"n": number})
        kinds = []
        while not slow.queue.empty():
            notice = await slow.next(5)
            assert notice is not None
            kinds.append(notice.kind if notice.kind == "resync" else str(notice.data["n"]))
        return kinds

    # The queue filled at three and was emptied for a resync; what came after it is
    # shown by the reload the resync asks for.
    assert asyncio.run(scenario()) == ["resync"]


def test_close_ends_open_streams_and_later_ones() -> None:
    async def scenario() -> tuple[str, str, int]:
        feed = Feed()
        feed.open()
        open_one = feed.subscribe()
        feed.publish("write", {})
        feed.close()
        late = feed.subscribe()
        first, second = await open_one.next(5), await late.next(5)
        assert first is not None and second is not None
        return first.kind, second.kind, len(feed.subscribers)

    # What was queued is dropped: the stream ends at once.
    assert asyncio.run(scenario()) == ("end", "end", 0)


# -- the stream, served ------------------------------------------------------------------------


def notices(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """The stream's events, one (name, data) at a time (comments and ``retry`` skipped)."""
    kind, data = "", ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif not line and kind:
            yield kind, json.loads(data)
            kind, data = "", ""


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with Served(frozen()) as running:
        yield running


def test_the_stream_tells_what_changed(served: Served) -> None:
    with (
        served.client() as http,
        httpx.Client(base_url=served.url, timeout=10) as raw,
        raw.stream("GET", "/_mock/ui/events") as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        received = notices(stream)
        assert next(received) == ("ready", {})
        seed_reference(http)  # type: ignore[arg-type]
        assert next(received)[0] == "write"  # POST /products
        assert next(received)[0] == "write"  # POST /orders
        created = create_return(http)  # type: ignore[arg-type]
        kind, data = next(received)
        assert (kind, data["merchant"], data["returnId"], data["status"]) == (
            "change",
            API_KEY,
            created["returnId"],
            "PENDING",
        )
        # (auto-confirmed: the same request confirms it)
        assert next(received)[1]["status"] == "CONFIRMED"
        assert next(received)[1]["path"] == "/orders/48aced20913c030c836d4187019b712f/returns"
        # A refused write changed nothing and says nothing: the next notice is the clock's.
        assert http.post("/_mock/clock/advance", json={"by": "soon"}).status_code == 400
        assert http.post("/_mock/clock/advance", json={"by": "1h"}).status_code == 200
        assert next(received) == (
            "write",
            {"method": "POST", "path": "/_mock/clock/advance", "status": 200},
        )


def test_without_a_lifespan_a_stream_ends_after_ready() -> None:
    built = build(frozen())
    answer = TestClient(built.app).get("/_mock/ui/events")  # (no lifespan: no feed)
    assert answer.text == "retry: 1000\nevent: ready\ndata: {}\n\n"
    with TestClient(built.app):  # the lifespan opens the feed, and its end closes it
        assert not built.runtime.feed.closed
    assert built.runtime.feed.closed


def test_a_closed_stream_leaves_no_subscriber(served: Served) -> None:
    feed = served.built.runtime.feed
    with (
        httpx.Client(base_url=served.url, timeout=10) as raw,
        raw.stream("GET", "/_mock/ui/events") as stream,
    ):
        received = notices(stream)  # (dropped, it would close the stream)
        assert next(received) == ("ready", {})
        assert len(feed.subscribers) == 1
    wait_until(lambda: not feed.subscribers, what="the server to notice the disconnect")


SERVE = (sys.executable, "-m", "mock_ingrid", "serve", "--host", "127.0.0.1")


def test_an_open_stream_does_not_hold_up_the_stop() -> None:
    """``mock-ingrid serve`` with a long grace: the stream ends at the first signal,
    and the server stops with status 0 instead of waiting out the grace."""
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--shutdown-grace", "600"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)  # type: ignore[arg-type]
        with (
            httpx.Client(base_url=base_url, timeout=30) as raw,
            raw.stream("GET", "/_mock/ui/events") as stream,
        ):
            received = notices(stream)
            assert next(received) == ("ready", {})
            process.send_signal(signal.SIGTERM)
            assert list(received) == []  # the stream ends, with nothing more
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
