"""One settings object, from command-line flags and ``MOCK_INGRID_*`` variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_WEBHOOK_TIMEOUT = 15.0
DEFAULT_WEBHOOK_SCHEDULE = "sandbox"
# Finished webhook deliveries kept for inspection (about 0.5 KB each with attempts).
DEFAULT_WEBHOOK_HISTORY = 100_000
# With --state-file: a checkpoint every 10 s while the state changes (a kill loses at
# most that much); 0 saves only at stop (and on POST /_mock/state/save).
DEFAULT_SAVE_INTERVAL = 10.0
# At stop, what requests and webhook deliveries still out get before the save:
# with the save it fits in the 10 s docker stop (and Kubernetes) wait before SIGKILL.
DEFAULT_SHUTDOWN_GRACE = 3
# Where the legacy ``statusUrl`` of a return points: the legacy resource itself, or
# the return's status page in the customer portal.
STATUS_URL_TARGETS = ("api", "portal")


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    api_keys: frozenset[str] = frozenset()
    fixtures: tuple[Path, ...] = ()
    seed: int = 0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    freeze_time: datetime | None = None
    # The server's address as its clients know it (behind a proxy, in a container).
    public_url: str | None = None
    status_url: str = "api"  # one of STATUS_URL_TARGETS
    log_level: str = "warning"
    extra: dict[str, str] = field(default_factory=dict)
    # Webhooks: URLs subscribed for every merchant and event type, their secret
    # (generated when None), the per-attempt timeout in seconds, the retry schedule
    # ("sandbox", "realistic" or "0,1s,5s"), and how long shutdown waits for deliveries.
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str | None = None
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT
    webhook_schedule: str = DEFAULT_WEBHOOK_SCHEDULE
    webhook_history: int = DEFAULT_WEBHOOK_HISTORY
    webhook_shutdown_grace: float = 5.0
    # The control surface: a token every /_mock route but health then requires,
    # how many requests the journal keeps, the progression policies
    # ("return=after:2h", ...), and a file the state is loaded from and saved to
    # (every save_interval seconds while it changes, and at stop).
    admin_token: str | None = None
    journal_size: int = 1_000
    progression: tuple[str, ...] = ()
    state_file: Path | None = None
    save_interval: float = DEFAULT_SAVE_INTERVAL
    # How long a stop waits for requests (and webhook deliveries) still running.
    shutdown_grace: int = DEFAULT_SHUTDOWN_GRACE
    # Check every response against its OpenAPI document (a 500 naming the difference
    # when one breaks it): for test suites that want to catch an emulator drifting.
    validate_responses: bool = False

    @property
    def base_url(self) -> str:
        """Where clients reach the server: ``--public-url``, else the bound address (the
        base of the legacy ``statusUrl``; never taken from a request's ``Host``)."""
        if self.public_url is not None:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
