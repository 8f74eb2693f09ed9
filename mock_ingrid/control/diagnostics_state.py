"""``Diagnostics``: what the control surface keeps per app instance, its fault rules,
its request journal and the recording of a session (``recorder.py``).

The runtime owns one; ``ControlMiddleware`` (``middleware.py``) applies its faults and
records into its journal; the ``/_mock/faults`` and ``/_mock/journal`` handlers
(``diagnostics_handlers.py``) read and change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mock_ingrid.control.faults import Faults
from mock_ingrid.control.journal import Journal
from mock_ingrid.control.recorder import Recorder

if TYPE_CHECKING:
    from mock_ingrid.settings import Settings


@dataclass(slots=True)
class Diagnostics:
    """What the control surface keeps per app instance: fault rules, the journal and
    the recording."""

    faults: Faults
    journal: Journal
    recorder: Recorder = field(default_factory=Recorder)

    def reset(self) -> None:
        self.faults.clear()
        self.journal.clear()
        self.recorder.clear()


def build_diagnostics(settings: Settings) -> Diagnostics:
    return Diagnostics(Faults(settings.seed), Journal(settings.journal_size))
