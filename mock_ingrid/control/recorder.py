"""``Recorder``: the calls made since ``POST /_mock/recording/start``, kept whole so
that ``scenario_export`` can turn them into a scenario.

Pure: no HTTP. ``ControlMiddleware`` hands it each finished call (a journal
``Entry``, built with the larger body limits below while a recording runs); the
``/_mock/recording`` handlers (``recording.py``) start, stop and export it. It lives
in the app's ``Diagnostics``, so ``POST /_mock/reset`` discards it with the journal:
the world it described is gone.

What is kept: every call of both API generations, and every ``/_mock`` call that can
change something. Reads are many (a dashboard polls) and replaying one changes
nothing, so a read is kept only when its answer differs from the one kept last for
the same request, and a ``/_mock`` read only when it answered JSON: such a read is
a step of the scenario only if a later call uses an id it was the first to show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from mock_ingrid.control.journal import Entry

if TYPE_CHECKING:
    from mock_ingrid.control.start_state import StartState

# A request body is kept whole (a fixture or a snapshot upload may be large: the
# server refuses what is larger than this anyway, see ``common.DOCUMENT_BODY_LIMIT``).
REQUEST_LIMIT = 256 * 1024 * 1024
# An answer is only read for the ids it shows: a larger one (a state export) is not
# a source of ids, and an event stream stays bounded.
RESPONSE_LIMIT = 1024 * 1024
READS = frozenset({"GET", "HEAD"})
# /_mock calls that are not part of the world a scenario rebuilds: the recording and
# the scenario runs themselves, the journal, the health and documents, a save to the
# server's own file; a reset clears the recording (see above).
NOT_RECORDED = (
    "/_mock/recording",
    "/_mock/scenarios",
    "/_mock/journal",
    "/_mock/health",
    "/_mock/openapi/",
    "/_mock/state/save",
    "/_mock/reset",
)

Phase = Literal["idle", "recording", "stopped"]


@dataclass(slots=True)
class Recorder:
    phase: Phase = "idle"
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    # Steps that put back the clock and the progression of the start (``recording.py``),
    opening: list[dict[str, Any]] = field(default_factory=list)
    # and the merchants' data then (None: there were none).
    start_state: StartState | None = None
    calls: list[Entry] = field(default_factory=list)
    # The digest of the answer kept last for each read (merchant, method, path, query).
    _last_read: dict[tuple[str | None, str, str, bytes], bytes] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.phase == "recording"

    def start(
        self, at: datetime, opening: list[dict[str, Any]], start_state: StartState | None
    ) -> None:
        self.clear()
        self.phase, self.started_at, self.opening = "recording", at, opening
        self.start_state = start_state

    def stop(self, at: datetime) -> None:
        self.phase, self.stopped_at = "stopped", at

    def clear(self) -> None:
        self.phase, self.started_at, self.stopped_at = "idle", None, None
        self.opening, self.calls = [], []
        self._last_read.clear()
        if self.start_state is not None:
            self.start_state.close()
            self.start_state = None

    def wants_control(self, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> bool:
        """Whether a ``/_mock`` call is worth capturing (decided before it runs)."""
        if not self.active or path.startswith(NOT_RECORDED):
            return False
        if method in READS:  # an event stream never ends: never worth keeping
            return method == "GET" and not any(
                name == b"accept" and b"text/event-stream" in value for name, value in headers
            )
        return True

    def add(self, entry: Entry) -> None:
        """Keep a finished call (one with an answer, and not a repeated read)."""
        if not self.active or entry.status is None:
            return
        if entry.method in READS and (entry.method == "HEAD" or not self._new_read(entry)):
            return
        self.calls.append(entry)

    def _new_read(self, entry: Entry) -> bool:
        if entry.response_body.truncated or not _is_json(entry):
            return False
        line = (entry.key, entry.method, entry.path, entry.query)
        digest = hashlib.blake2b(entry.response_body.data, digest_size=16).digest()
        digest += entry.status.to_bytes(2, "big") if entry.status is not None else b""
        if self._last_read.get(line) == digest:
            return False
        self._last_read[line] = digest
        return True

    def counted(self) -> int:
        """The calls kept but the ``/_mock`` reads (which are steps only when needed)."""
        return sum(
            1 for c in self.calls if c.method not in READS or not c.path.startswith("/_mock")
        )


def _is_json(entry: Entry) -> bool:
    for name, value in entry.response_headers:
        if name.lower() == b"content-type":
            return b"json" in value.lower()
    return False
