"""Deterministic identifiers: numeric strings from one sequence per kind."""

from __future__ import annotations


class IdFactory:
    """Hands out ``"1"``, ``"2"``, ... separately for each kind of entity.

    One factory belongs to one merchant, so what one tenant does never shifts
    the ids another tenant sees: a test can snapshot its own responses.
    """

    __slots__ = ("_next",)

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def next_int(self, kind: str) -> int:
        value = self._next.get(kind, 1)
        self._next[kind] = value + 1
        return value

    def next(self, kind: str) -> str:
        return str(self.next_int(kind))

    def peek(self) -> dict[str, int]:
        return dict(self._next)

    def restore(self, sequences: dict[str, int]) -> None:
        self._next = dict(sequences)
