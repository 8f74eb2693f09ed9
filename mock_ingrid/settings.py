"""One settings object, from command-line flags and ``MOCK_INGRID_*`` variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    api_keys: frozenset[str] = frozenset()
    fixtures: tuple[Path, ...] = ()
    seed: int = 0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    freeze_time: datetime | None = None
    public_url: str | None = None
    log_level: str = "warning"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"
