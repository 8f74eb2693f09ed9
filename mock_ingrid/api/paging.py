"""Zero-indexed pages over entities kept in creation order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def in_window(at: datetime, start: datetime | None, end: datetime | None) -> bool:
    """``from`` is inclusive, ``to`` exclusive, as the reference documents."""
    return (start is None or at >= start) and (end is None or at < end)


def take_page(items: Iterable[T], page: int, size: int) -> tuple[list[T], bool]:
    """One page and whether another follows (reads one item past the page)."""
    window = list(islice(items, page * size, page * size + size + 1))
    return window[:size], len(window) > size


def matching(items: Iterable[T], keep: Callable[[T], bool]) -> Iterable[T]:
    return (item for item in items if keep(item))
