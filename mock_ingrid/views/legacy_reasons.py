"""Integer ids of return reasons, as the legacy generation shows them (``returnReasons``).

The current generation names reasons by code (``DOESNT_FIT``); the legacy one by
number. Codes of the catalogue in ``mock_ingrid.domain.reasons`` get fixed,
small ids (a test keeps the two tables in step). Any other code - the domain
accepts free-form codes - gets an id from its CRC32, which is the same in every
run and every process, unlike ``hash()``.
"""

from __future__ import annotations

import zlib

# Never renumber: clients of the emulator may have stored these.
REASON_IDS: dict[str, int] = {
    "DOESNT_FIT": 101,
    "DAMAGED": 102,
    "NOT_AS_DESCRIBED": 103,
    "WRONG_ITEM": 104,
    "CHANGED_MIND": 105,
    "ARRIVED_TOO_LATE": 106,
    "QUALITY": 107,
    "OTHER": 108,
}

SUB_REASON_IDS: dict[str, int] = {
    "WRONG_SIZE": 201,
    "TOO_SMALL": 202,
    "TOO_LARGE": 203,
    "TOO_SHORT": 204,
    "TOO_LONG": 205,
    "BROKEN": 206,
    "STAINED": 207,
    "COLOUR": 208,
}

# Derived ids start here, so they can never collide with the fixed ones above.
DERIVED_ID_BASE = 1_000
_DERIVED_ID_SPAN = 2**31 - 1 - DERIVED_ID_BASE  # stays a Java int, as turnr's ids were


def derived_id(code: str) -> int:
    """A stable id for a code outside the catalogue."""
    return DERIVED_ID_BASE + zlib.crc32(code.encode("utf-8")) % _DERIVED_ID_SPAN


def reason_id(code: str) -> int:
    return REASON_IDS.get(code) or derived_id(code)


def sub_reason_id(code: str) -> int:
    return SUB_REASON_IDS.get(code) or derived_id(code)
