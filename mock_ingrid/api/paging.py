"""Zero-indexed pages over entities kept in creation order.

A page of a ``Sequence`` is a slice; of any other iterable, the items before it are
skipped one by one. Lists therefore hand over sequences where they can: the status
index (numeric ids in creation order) through ``ById``, and a whole table through
``in_id_order`` when its ids are ``"1"``, ``"2"``, ... in insertion order, as the
id factory makes them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar, overload

T = TypeVar("T")


def in_window(at: datetime, start: datetime | None, end: datetime | None) -> bool:
    """``from`` is inclusive, ``to`` exclusive, as the reference documents."""
    return (start is None or at >= start) and (end is None or at < end)


def take_page(items: Iterable[T], page: int, size: int) -> tuple[list[T], bool]:
    """One page and whether another follows (reads one item past the page)."""
    start = page * size
    if isinstance(items, Sequence):
        window = list(items[start : start + size + 1])
    else:
        window = list(islice(items, start, start + size + 1))
    return window[:size], len(window) > size


def matching(items: Iterable[T], keep: Callable[[T], bool]) -> Iterable[T]:
    return (item for item in items if keep(item))


class ById(Sequence[T]):
    """``table[str(n)]`` for each ``n`` of ``ids``, looked up only when read, so that
    a page of it costs the same at any depth."""

    __slots__ = ("_ids", "_table")

    def __init__(self, ids: Sequence[int], table: Mapping[str, T]) -> None:
        self._ids = ids
        self._table = table

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            table = self._table
            return [table[str(n)] for n in self._ids[index]]
        return self._table[str(self._ids[index])]


class _Numbered:
    """How far a table is known to hold ``"1"`` .. ``"n"`` in insertion order."""

    __slots__ = ("checked", "numbered", "table")

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = table
        self.checked = 0
        self.numbered = True


# owner (a merchant) -> what is known of its tables; entries go with their owner.
_NUMBERED: weakref.WeakKeyDictionary[object, dict[str, _Numbered]] = weakref.WeakKeyDictionary()


def numbered_count(owner: object, name: str, table: dict[str, Any]) -> int | None:
    """``len(table)`` when its keys are ``"1"``, ``"2"``, ... ``str(len(table))`` in that
    order, else None. Tables only grow (nothing is ever deleted from them), so each
    key is checked once, when it is first seen: the answer costs O(1) per call after
    the first, plus the keys added since."""
    try:
        known = _NUMBERED.setdefault(owner, {})
    except TypeError:  # an owner that takes no weak references: no shortcut
        return None
    state = known.get(name)
    if state is None or state.table is not table:
        state = known[name] = _Numbered(table)
    size = len(table)
    if not state.numbered or size < state.checked:
        state.numbered = False
        return None
    if size > state.checked:
        fresh = size - state.checked
        expected = size
        for key in reversed(table):  # the newest keys, last first
            if key != str(expected):
                state.numbered = False
                return None
            expected -= 1
            fresh -= 1
            if not fresh:
                break
        state.checked = size
    elif size and next(reversed(table)) != str(size):  # cheap guard: the last key
        state.numbered = False
        return None
    return size


def in_id_order(owner: object, name: str, table: dict[str, T]) -> Sequence[T] | None:
    """The table's values as a sequence (in insertion order, which is id order), or
    None when its ids are not ``"1"`` .. ``"n"`` in that order (e.g. after an import)."""
    count = numbered_count(owner, name, table)
    return None if count is None else ById(range(1, count + 1), table)
