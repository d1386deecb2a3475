"""Coalesce many small streamed pieces into one update per short tick.

Pieces pushed between two ticks are joined and handed to the sink once; the timer runs only while
something is waiting, so an idle pane costs nothing. One tick hands over at most ``max_chars``
characters, so a burst (a stream that arrived faster than it could be shown) is rendered over a few
ticks instead of freezing the GUI for one long update. ``flush_all()`` hands over everything at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["TextBatcher"]

DEFAULT_INTERVAL_MS = 40
DEFAULT_MAX_CHARS = 1500


class TextBatcher(QObject):
    flushed = Signal(int)  # characters handed to the sink in one go

    def __init__(
        self,
        sink: Callable[[str], None],
        interval_ms: int = DEFAULT_INTERVAL_MS,
        max_chars: int = DEFAULT_MAX_CHARS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sink = sink
        self._parts: list[str] = []
        self._size = 0
        self._max_chars = max(1, max_chars)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self.pushed = 0  # pieces received
        self.flushes = 0  # times the sink was called

    @property
    def pending(self) -> bool:
        return bool(self._parts)

    @property
    def max_chars(self) -> int:
        return self._max_chars

    @property
    def pending_chars(self) -> int:
        return self._size

    def push(self, text: str) -> None:
        if not text:
            return
        self.pushed += 1
        self._parts.append(text)
        self._size += len(text)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """One tick: hand over up to ``max_chars``; the rest waits for the next tick."""
        self._timer.stop()
        if not self._parts:
            return
        if self._size <= self._max_chars:
            self._hand_over(len(self._parts), 0)
            return
        taken = 0
        count = 0
        for part in self._parts:
            if taken + len(part) > self._max_chars:
                break
            taken += len(part)
            count += 1
        split = 0
        if count == 0:  # one piece larger than a tick: hand over its head
            split = self._max_chars
        self._hand_over(count, split)
        if self._parts:
            self._timer.start()

    def _hand_over(self, count: int, split: int) -> None:
        text = "".join(self._parts[:count])
        del self._parts[:count]
        if split:
            head, rest = self._parts[0][:split], self._parts[0][split:]
            self._parts[0] = rest
            text += head
        self._size -= len(text)
        self.flushes += 1
        self._sink(text)
        self.flushed.emit(len(text))

    def flush_all(self) -> None:
        self._timer.stop()
        if self._parts:
            self._hand_over(len(self._parts), 0)

    def discard(self) -> None:
        self._timer.stop()
        self._parts.clear()
        self._size = 0
