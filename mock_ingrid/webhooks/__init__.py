"""Webhooks: payloads rendered from domain events, signed the Standard Webhooks way.

The public API is the signature pair, so that tests receiving the emulator's
webhooks can check them exactly as production code checks Ingrid's::

    from mock_ingrid.webhooks import verify, WebhookVerificationError

    payload = verify(body, headers, secret)  # raises WebhookVerificationError
"""

from mock_ingrid.webhooks.signing import (
    DEFAULT_TOLERANCE,
    WebhookVerificationError,
    generate_secret,
    sign,
    verify,
)

__all__ = ["DEFAULT_TOLERANCE", "WebhookVerificationError", "generate_secret", "sign", "verify"]
