"""Hand a stream's events to the GUI thread in batches instead of one queued signal per token.

The worker side (``EventRelay.wrap``, run inside a bridge generator task) puts each event of the
service in a thread-safe queue and yields a ``WAKE`` item only when the queue goes from "drained" to
"has events"; the GUI side (``drain``) takes what has gathered, at most ``limit`` events per call, so
one slot never runs for long even when a burst has piled up. Ordering is kept, and no event waits: a
wake-up is always on its way while the queue is not empty.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

__all__ = ["WAKE", "EventRelay"]


class _Wake:
    def __repr__(self) -> str:
        return "WAKE"


WAKE: Any = _Wake()


class EventRelay:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[object] = deque()
        self._wake_pending = False
        self.wakes = 0  # wake-ups sent (signals crossing threads)

    def wrap(self, events: Iterator[object]) -> Iterator[object]:
        """Worker side: the service's events in, wake-ups out. Closing this closes ``events``."""
        try:
            for event in events:
                with self._lock:
                    self._items.append(event)
                    wake = not self._wake_pending
                    self._wake_pending = True
                if wake:
                    self.wakes += 1
                    yield WAKE
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()  # the service's own finally/with blocks close the connection and save

    def drain(self, limit: int = 1000) -> tuple[list[object], bool]:
        """GUI side: up to ``limit`` events in order, and whether more are waiting."""
        with self._lock:
            count = min(limit, len(self._items))
            items = [self._items.popleft() for _ in range(count)]
            more = bool(self._items)
            if not more:
                self._wake_pending = False  # the next event sends a new wake-up
        return items, more
