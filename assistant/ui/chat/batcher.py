"""Coalesce many small streamed pieces into one update per short tick.

Pieces pushed between two ticks are joined and handed to the sink once; the timer runs only while
something is waiting, so an idle pane costs nothing. ``flush()`` hands over what is waiting at once
(used when a stream ends or is stopped).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["TextBatcher"]

DEFAULT_INTERVAL_MS = 40


class TextBatcher(QObject):
    def __init__(
        self,
        sink: Callable[[str], None],
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sink = sink
        self._parts: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self.pushed = 0  # pieces received
        self.flushes = 0  # times the sink was called

    @property
    def pending(self) -> bool:
        return bool(self._parts)

    def push(self, text: str) -> None:
        if not text:
            return
        self.pushed += 1
        self._parts.append(text)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if not self._parts:
            return
        text = "".join(self._parts)
        self._parts.clear()
        self.flushes += 1
        self._sink(text)

    def discard(self) -> None:
        self._timer.stop()
        self._parts.clear()
