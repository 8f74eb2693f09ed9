"""Error bodies of the legacy generation (placeholder: same shape as current for now)."""

from __future__ import annotations

from mock_ingrid.api.current.errors import CurrentErrors

ERRORS = CurrentErrors()
