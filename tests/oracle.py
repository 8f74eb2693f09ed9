"""The OpenAPI documents as a test oracle (placeholder: filled in by the spec work)."""

from __future__ import annotations

from typing import Any


class Oracles:
    def validate(self, method: str, path: str, status: int, headers: Any, body: bytes) -> None:
        """Raise AssertionError when a response disagrees with its document."""


ORACLES = Oracles()
