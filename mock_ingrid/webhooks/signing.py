"""Standard Webhooks signatures, as pure functions.

A message is signed over ``"{id}.{timestamp}.{body}"`` with HMAC-SHA256; the key is
the base64-decoded part of a ``whsec_...`` secret. The signature header holds
``v1,<base64>`` entries separated by spaces (several while a secret is rotated).
Nothing here reads the clock or the network: ``verify`` takes ``now`` so that
a receiver's tests can check an expired timestamp without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
import time
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = timedelta(minutes=5)
SECRET_BYTES = 24

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


class WebhookVerificationError(Exception):
    """The message cannot be trusted; ``str()`` says why (missing header, expired, mismatch)."""


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret: ``whsec_`` + base64 (the prefix is optional)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
    if not key:
        raise ValueError("a webhook secret cannot be empty")
    return key


def check_secret(secret: str) -> str:
    """``secret`` if it is a usable ``whsec_`` secret, else ValueError saying why."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with 'whsec_'")
    secret_key(secret)
    return secret


def generate_secret(rng: random.Random) -> str:
    """A new ``whsec_`` secret from ``rng`` (seeded by the caller, so runs repeat)."""
    return SECRET_PREFIX + base64.b64encode(rng.randbytes(SECRET_BYTES)).decode("ascii")


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(msg_id: str, timestamp: int, body: bytes | str, secret: str) -> str:
    """The base64 HMAC-SHA256 of ``"{msg_id}.{timestamp}.{body}"`` (no version prefix)."""
    signed = f"{msg_id}.{timestamp}.".encode() + _as_bytes(body)
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def sign(msg_id: str, timestamp: int, body: bytes | str, secret: str) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64 signature>``."""
    return f"{SIGNATURE_VERSION},{signature(msg_id, timestamp, body, secret)}"


def verify(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Any:
    """Check a received webhook and return its parsed JSON payload.

    ``headers`` may be any mapping (a dict, httpx or starlette headers); names
    are matched case-insensitively. The timestamp must lie within ``tolerance``
    of ``now`` (default: the current time) in either direction, which stops a
    captured message from being replayed later. Amounts come back as ``Decimal``.
    Raises ``WebhookVerificationError`` when anything is wrong.
    """
    msg_id = _header(headers, ID_HEADER)
    timestamp = _timestamp(_header(headers, TIMESTAMP_HEADER))
    _check_window(timestamp, time.time() if now is None else now, tolerance)
    expected = signature(msg_id, timestamp, body, secret).encode("ascii")
    if not any(
        hmac.compare_digest(expected, candidate)
        for candidate in _candidates(_header(headers, SIGNATURE_HEADER))
    ):
        raise WebhookVerificationError("no signature matches the body and the secret")
    try:
        return json.loads(_as_bytes(body), parse_float=Decimal)
    except ValueError:
        raise WebhookVerificationError("the signed body is not JSON") from None


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:  # a plain dict with other capitalisation
        lowered = {key.lower(): val for key, val in headers.items()}
        value = lowered.get(name)
    if not value:
        raise WebhookVerificationError(f"the {name} header is missing")
    return value


def _timestamp(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise WebhookVerificationError(f"webhook-timestamp '{text}' is not an integer") from None


def _check_window(timestamp: int, now: float, tolerance: timedelta) -> None:
    drift = now - timestamp
    if drift > tolerance.total_seconds():
        raise WebhookVerificationError(f"the timestamp is {int(drift)} s old (too old)")
    if -drift > tolerance.total_seconds():
        raise WebhookVerificationError(f"the timestamp is {int(-drift)} s in the future")


def _candidates(header: str) -> list[bytes]:
    """The ``v1`` signatures of the header; other versions are ignored, not errors."""
    found = []
    for entry in header.split():
        version, _, value = entry.partition(",")
        if version == SIGNATURE_VERSION and value:
            found.append(value.encode("ascii", "replace"))
    return found
