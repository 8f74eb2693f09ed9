"""Schemathesis against the app's own OpenAPI documents, in process.

Each document gets its own app (and so its own state). The API accepts only the key
``API_KEY`` (without ``--api-key`` any non-empty key is accepted, which ``ignored_auth``
would report), the clock is frozen, and the run is seeded.

The default run makes ``DEFAULT_EXAMPLES`` examples per operation (and phase) with a
fixed seed: the served run (test_served.py) makes 100 per operation against the same
code over HTTP with every check, so in process a lighter pass suffices. For a deep run,
``DEEP_EXAMPLES`` per operation, a random seed and longer stateful runs (many minutes)::

    MOCK_INGRID_DEEP=1 pytest tests/conformance -n 2 -p no:cacheprovider

A deep run's failure prints its seed (``@seed(...)``) to reproduce it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import schemathesis
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_ingrid.app import create_app
from mock_ingrid.settings import Settings

API_KEY = "conformance-key"
FROZEN_AT = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
SEED = 20260116
DEEP = os.environ.get("MOCK_INGRID_DEEP", "") not in ("", "0")
DEFAULT_EXAMPLES = 25
DEEP_EXAMPLES = 1000
# Business rules the documents cannot express (an unknown product, a duplicate variant id,
# a return of another order) answer 400 to schema-valid bodies, so the check that every
# schema-valid request succeeds does not apply; object_level_authorization needs two
# users' resources configured.
EXCLUDED_CHECKS = ["positive_data_acceptance", "object_level_authorization"]
# A body over --max-body-bytes (1 MiB) is refused with the documented 413, before any
# validation: a rejection as good as a 400.
TOO_LARGE = "413"


def examples() -> int:
    return DEEP_EXAMPLES if DEEP else DEFAULT_EXAMPLES


def settings() -> Settings:
    return Settings(api_keys=frozenset({API_KEY}), freeze_time=FROZEN_AT)


def load(document: str, max_examples: int | None = None, app: Any = None) -> OpenApiSchema:
    """The document as served by a fresh app, configured for a conformance run."""
    app = without_lifespan(app or create_app(settings()))
    schema = schemathesis.openapi.from_asgi(f"/_mock/openapi/{document}.json", app)
    configure(schema, max_examples)
    return schema


def without_lifespan(app: ASGIApp) -> ASGIApp:
    """``app`` with a lifespan that starts nothing: its code runs only inside a request.

    schemathesis starts an app's lifespan in a thread of its own, shared by every app,
    and keeps it running until the first test ends: through the whole collection.
    Ours would run the webhook dispatcher, the progression ticker and a warm-up that
    imports the handler modules there. pytest rewrites those imports (``mock_ingrid`` is
    a plugin, so its whole package is rewritten) with ``ast.parse``, at the same time
    as the main thread parses the test modules and what schemathesis imports lazily;
    CPython 3.11 keeps the AST converter's recursion depth per interpreter, not per
    thread, so two parses at once fail with "AST constructor recursion depth
    mismatch" (the collection error of test_schemathesis.py, in some subsets of the
    suite). Within a request the main thread waits for the answer. A conformance run
    needs no background task: the clock is frozen, and webhooks queue.
    """

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return serve


def configure(schema: OpenApiSchema, max_examples: int | None = None) -> None:
    schema.config.update(headers={"x-api-key": API_KEY})
    schema.config.checks.update(excluded_check_names=EXCLUDED_CHECKS)
    rejection = NegativeDataRejectionConfig()
    schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
        expected_statuses=[*rejection.expected_statuses, TOO_LARGE]
    )
    # Unknown query parameters are ignored, so negative cases never add them.
    schema.config.generation.update(
        max_examples=max_examples or examples(), allow_extra_parameters=True
    )
    if not DEEP:
        schema.config.seed = SEED
