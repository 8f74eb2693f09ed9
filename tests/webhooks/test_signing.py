"""The published scheme: Standard Webhooks signatures, signed and verified as pure functions."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from mock_ingrid.webhooks import WebhookVerificationError, generate_secret, sign, verify

# The test vector of the Standard Webhooks specification's reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

BODY = b'{"type":"RETURN_CREATED","returnId":"1","amount":12.50}'
SECRET = generate_secret(random.Random(1))
NOW = 1_800_000_000


def headers(body: bytes = BODY, secret: str = SECRET, at: int = NOW) -> dict[str, str]:
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(at),
        "webhook-signature": sign("msg_1", at, body, secret),
    }


def test_sign_matches_the_reference_vector() -> None:
    assert sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SECRET) == VECTOR_SIGNATURE


def test_verify_returns_the_payload_with_exact_amounts() -> None:
    payload = verify(BODY, headers(), SECRET, now=NOW)
    assert payload == {"type": "RETURN_CREATED", "returnId": "1", "amount": Decimal("12.50")}


def test_verify_accepts_the_reference_vector() -> None:
    sent = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    assert verify(VECTOR_BODY, sent, VECTOR_SECRET, now=VECTOR_TIMESTAMP) == {"test": 2432232314}


def test_a_tampered_body_fails() -> None:
    with pytest.raises(WebhookVerificationError, match="no signature matches"):
        verify(BODY.replace(b"12.50", b"99.50"), headers(), SECRET, now=NOW)


def test_a_wrong_secret_fails() -> None:
    other = generate_secret(random.Random(2))
    with pytest.raises(WebhookVerificationError, match="no signature matches"):
        verify(BODY, headers(), other, now=NOW)


def test_an_expired_timestamp_fails_even_when_correctly_signed() -> None:
    old = NOW - 301
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(BODY, headers(at=old), SECRET, now=NOW)


def test_a_timestamp_too_far_in_the_future_fails() -> None:
    with pytest.raises(WebhookVerificationError, match="in the future"):
        verify(BODY, headers(at=NOW + 301), SECRET, now=NOW)


def test_the_window_is_five_minutes_both_ways_and_configurable() -> None:
    verify(BODY, headers(at=NOW - 300), SECRET, now=NOW)
    verify(BODY, headers(at=NOW + 300), SECRET, now=NOW)
    with pytest.raises(WebhookVerificationError):
        verify(BODY, headers(at=NOW - 61), SECRET, now=NOW, tolerance=timedelta(minutes=1))


def test_a_changed_id_or_timestamp_breaks_the_signature() -> None:
    sent = headers()
    with pytest.raises(WebhookVerificationError):
        verify(BODY, sent | {"webhook-id": "msg_2"}, SECRET, now=NOW)
    with pytest.raises(WebhookVerificationError):
        verify(BODY, sent | {"webhook-timestamp": str(NOW + 1)}, SECRET, now=NOW)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_named(missing: str) -> None:
    sent = headers()
    del sent[missing]
    with pytest.raises(WebhookVerificationError, match=missing):
        verify(BODY, sent, SECRET, now=NOW)


def test_header_names_are_case_insensitive_and_any_listed_signature_may_match() -> None:
    sent = {key.title(): value for key, value in headers().items()}
    sent["Webhook-Signature"] = "v1,bm90IGl0 v2,whatever " + sent["Webhook-Signature"]
    verify(BODY, sent, SECRET, now=NOW)


def test_a_non_integer_timestamp_fails() -> None:
    with pytest.raises(WebhookVerificationError, match="not an integer"):
        verify(BODY, headers() | {"webhook-timestamp": "soon"}, SECRET, now=NOW)


def test_the_prefix_is_optional_when_signing_and_verifying() -> None:
    bare = SECRET.removeprefix("whsec_")
    assert sign("msg_1", NOW, BODY, bare) == sign("msg_1", NOW, BODY, SECRET)


def test_a_secret_that_is_not_base64_is_refused() -> None:
    with pytest.raises(ValueError, match="base64"):
        sign("msg_1", NOW, BODY, "whsec_not base64!")


def test_generated_secrets_repeat_with_the_seed() -> None:
    assert generate_secret(random.Random(7)) == generate_secret(random.Random(7))
    assert generate_secret(random.Random(7)) != generate_secret(random.Random(8))
    assert SECRET.startswith("whsec_")
