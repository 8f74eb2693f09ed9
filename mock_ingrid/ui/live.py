"""``GET /_mock/ui/events``: the runtime's ``Feed`` as server-sent events.

Each notice is an SSE event named for its kind (``change``, ``delivery``, ``write``,
``resync``) with a JSON ``data`` line. The stream opens with ``ready`` (sent once the
stream is subscribed: what a client loads after it is never missed), and carries a
comment every ``HEARTBEAT_SECONDS`` so that proxies and browsers keep it open. It ends
when the server stops (``Feed.close``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from mock_ingrid.api.endpoint import runtime_of
from mock_ingrid.feed import Feed, Notice

EVENTS_PATH = "/_mock/ui/events"
HEARTBEAT_SECONDS = 15.0
# A reconnecting browser waits this long (ms) after a stream ends.
RETRY_MS = 1_000


def frame(notice: Notice) -> bytes:
    data = orjson.dumps(notice.data)
    return b"event: " + notice.kind.encode("ascii") + b"\ndata: " + data + b"\n\n"


async def _stream(feed: Feed) -> AsyncIterator[bytes]:
    subscriber = feed.subscribe()
    try:
        yield f"retry: {RETRY_MS}\n".encode("ascii") + frame(Notice("ready", {}))
        while True:
            notice = await subscriber.next(HEARTBEAT_SECONDS)
            if notice is None:
                yield b": keep-alive\n\n"
            elif notice.kind == "end":
                return
            else:
                yield frame(notice)
    finally:
        feed.unsubscribe(subscriber)


async def live_events(request: Request) -> Response:
    """What changed, as it changes, for the open dashboard."""
    return StreamingResponse(
        _stream(runtime_of(request).feed),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )
