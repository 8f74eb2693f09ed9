"""The webhook client: one aiohttp session, used through its public API, per dispatcher session.

What aiohttp does for us, configured once here:

- keep-alive: the session's ``TCPConnector`` pools connections per origin and reuses
  them; at most ``limit`` are out at once, ``limit_per_origin`` per origin (the
  dispatcher's slots and lanes, so an attempt never waits for the pool), and one left
  idle for ``IDLE_EXPIRY`` seconds is closed;
- the timeout: ``ClientTimeout(total=...)`` bounds the whole attempt: connecting,
  sending, the answer and its body;
- TLS: certificates and host names verified, against the system's trust store plus
  certifi's bundle where it is installed (as httpx, the first client here, did);
- redirects are never followed (a 3xx is the attempt's answer), ``1xx`` interim
  answers are skipped, a gzip or deflate body (sent though ``identity`` was asked
  for) is decoded, and no cookie is kept.

A POST is not idempotent, so aiohttp never sends one twice: a kept-alive connection
that the receiver closes just as an attempt goes out fails that attempt, and the
retry schedule sends it again (same ``webhook-id``). Idle connections expire before
the 5 s after which common servers (uvicorn, Node) close theirs, so that race is rare.

``post`` never raises for what a receiver does: every failure is an ``Answer`` whose
``error`` says what happened.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

IDLE_EXPIRY = 4.0


@dataclass(frozen=True, slots=True)
class Answer:
    """What one POST got: the status, headers and start of the body, or an error."""

    status: int | None  # None when no answer came (``error`` says why)
    headers: Mapping[str, str]  # case-insensitive names
    body_start: bytes  # the first ``keep`` bytes of the body (decoded if compressed)
    error: str | None = None


_NO_HEADERS: Mapping[str, str] = {}


class HttpClient:
    """An aiohttp session and its connection pool; ``aclose`` closes them.

    Made inside the event loop that uses it (a session is bound to its loop).
    """

    def __init__(
        self,
        timeout: float,
        limit: int,
        limit_per_origin: int,
        headers: Mapping[str, str] = _NO_HEADERS,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = timeout
        connector = aiohttp.TCPConnector(
            limit=limit,
            limit_per_host=limit_per_origin,
            keepalive_timeout=IDLE_EXPIRY,
            ssl=tls if tls is not None else default_tls(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def post(self, url: str, headers: Mapping[str, str], body: bytes, keep: int) -> Answer:
        """POST ``body`` with ``headers`` (besides the session's); the first ``keep``
        bytes of the answer's body are kept, the rest read past (so the connection can
        serve the next attempt)."""
        try:
            async with self._session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                kept = bytearray()
                async for chunk in response.content.iter_any():
                    if len(kept) < keep:
                        kept += chunk[: keep - len(kept)]
                return Answer(response.status, response.headers, bytes(kept))
        except TimeoutError:  # before ClientError: aiohttp's timeouts are both
            return _failed(f"timed out after {self.timeout:g} s")
        except aiohttp.InvalidURL as exc:
            return _failed(f"invalid URL '{url}': {exc}")
        except aiohttp.ClientConnectorError as exc:  # refused, unresolved, TLS handshake
            return _failed(f"connection failed: {exc}")
        except aiohttp.ServerDisconnectedError:
            return _failed("the receiver closed the connection without sending a response")
        except aiohttp.ClientPayloadError as exc:
            return _failed(f"the response body was cut short: {exc}")
        except aiohttp.ClientResponseError as exc:  # not an HTTP/1.x answer
            return _failed(f"an invalid response: {exc.message}")
        except aiohttp.ClientError as exc:
            return _failed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)

    async def aclose(self) -> None:
        await self._session.close()


def _failed(error: str) -> Answer:
    return Answer(None, _NO_HEADERS, b"", error)


@functools.cache
def default_tls() -> ssl.SSLContext:
    """Verifying, with the system's CAs and certifi's where installed: built once per
    process (loading a trust store takes a few milliseconds)."""
    context = ssl.create_default_context()
    try:
        import certifi
    except ImportError:
        return context
    context.load_verify_locations(certifi.where())
    return context
