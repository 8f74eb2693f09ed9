"""Return reason codes and their customer-facing labels."""

from __future__ import annotations

from mock_ingrid.domain.model import Reason

REASON_LABELS = {
    "DOESNT_FIT": "Doesn't fit",
    "DAMAGED": "Damaged or defective",
    "NOT_AS_DESCRIBED": "Not as described",
    "WRONG_ITEM": "Wrong item received",
    "CHANGED_MIND": "Changed my mind",
    "ARRIVED_TOO_LATE": "Arrived too late",
    "QUALITY": "Quality not as expected",
    "OTHER": "Other",
}

SUB_REASON_LABELS = {
    "WRONG_SIZE": "Wrong size",
    "TOO_SMALL": "Too small",
    "TOO_LARGE": "Too large",
    "TOO_SHORT": "Too short",
    "TOO_LONG": "Too long",
    "BROKEN": "Broken",
    "STAINED": "Stained",
    "COLOUR": "Colour differs from the pictures",
}


def _label(code: str, known: dict[str, str]) -> str:
    return known.get(code) or code.replace("_", " ").capitalize()


def make_reason(code: str, sub_reason_code: str | None) -> Reason:
    """Any code is accepted; unknown ones get a label made from the code itself."""
    return Reason(
        code=code,
        label=_label(code, REASON_LABELS),
        sub_reason_code=sub_reason_code,
        sub_reason_label=_label(sub_reason_code, SUB_REASON_LABELS) if sub_reason_code else None,
    )
