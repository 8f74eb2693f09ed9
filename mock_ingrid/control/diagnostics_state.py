"""``Diagnostics``: what the control surface keeps per app instance, its fault rules and
its request journal.

The runtime owns one; ``ControlMiddleware`` (``middleware.py``) applies its faults and
records into its journal; the ``/_mock/faults`` and ``/_mock/journal`` handlers
(``diagnostics_handlers.py``) read and change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mock_ingrid.control.faults import Faults
from mock_ingrid.control.journal import Journal

if TYPE_CHECKING:
    from mock_ingrid.settings import Settings


@dataclass(slots=True)
class Diagnostics:
    """What the control surface keeps per app instance: fault rules and the journal."""

    faults: Faults
    journal: Journal

    def reset(self) -> None:
        self.faults.clear()
        self.journal.clear()


def build_diagnostics(settings: Settings) -> Diagnostics:
    return Diagnostics(Faults(settings.seed), Journal(settings.journal_size))
