"""Work due at a time of the runtime's clock (progression steps), run in due order.

Nothing here sleeps: whoever moves or watches the clock calls ``run_due(now)``,
so a virtual clock advanced by 80 hours runs 80 hours of work at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

Action = Callable[[], None]


@dataclass(order=True, slots=True)
class _Entry:
    due: datetime
    seq: int
    key: str = field(compare=False)
    action: Action = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Timers:
    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._by_key: dict[str, _Entry] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._by_key)

    def schedule(self, due: datetime, key: str, action: Action) -> None:
        """Run ``action`` at ``due``; a later schedule with the same key replaces it."""
        self.cancel(key)
        self._seq += 1
        entry = _Entry(due, self._seq, key, action)
        self._by_key[key] = entry
        heapq.heappush(self._heap, entry)

    def cancel(self, key: str) -> None:
        entry = self._by_key.pop(key, None)
        if entry is not None:
            entry.cancelled = True

    def cancel_prefix(self, prefix: str) -> None:
        """Cancel every entry whose key starts with ``prefix``."""
        for key in [key for key in self._by_key if key.startswith(prefix)]:
            self.cancel(key)

    def next_due(self) -> datetime | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def pending(self) -> list[tuple[datetime, str]]:
        return sorted((entry.due, entry.key) for entry in self._by_key.values())

    def run_one_due(self, now: datetime) -> bool:
        """Run the earliest entry due at ``now``; whether there was one."""
        due = self.next_due()
        if due is None or due > now:
            return False
        entry = heapq.heappop(self._heap)
        del self._by_key[entry.key]
        entry.action()
        return True

    def run_due(self, now: datetime) -> int:
        """Run everything due at ``now`` in due order, including work it schedules."""
        count = 0
        while self.run_one_due(now):
            count += 1
        return count

    def clear(self) -> None:
        self._heap.clear()
        self._by_key.clear()
