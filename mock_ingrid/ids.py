"""Deterministic identifiers: numeric strings from one sequence per kind."""

from __future__ import annotations


class IdFactory:
    """Hands out ``"1"``, ``"2"``, ... separately for each kind of entity.

    One factory belongs to one merchant, so what one tenant does never shifts
    the ids another tenant sees: a test can snapshot its own responses.
    """

    __slots__ = ("_next", "_texts")

    def __init__(self) -> None:
        self._next: dict[str, int] = {}
        # ``str(n)`` made once and shared by every kind: return 7, its item 7, its
        # shipment 7, report 7 and refund 7 hold one string (about 55 bytes each).
        self._texts: list[str] = [""]

    def next_int(self, kind: str) -> int:
        value = self._next.get(kind, 1)
        self._next[kind] = value + 1
        return value

    def next(self, kind: str) -> str:
        value = self.next_int(kind)
        texts = self._texts
        if value < len(texts):
            return texts[value]
        if value == len(texts):
            texts.append(str(value))
            return texts[value]
        return str(value)  # far past the others (a restored sequence): not shared

    def peek(self) -> dict[str, int]:
        return dict(self._next)

    def restore(self, sequences: dict[str, int]) -> None:
        self._next = dict(sequences)
