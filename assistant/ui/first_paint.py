"""After the first paint: the one helper for "do this once the window has been painted".

``after_first_paint(window, callback, fallback_ms)`` calls ``callback`` once, after the window's next
paint event has been handled, or after ``fallback_ms`` if no paint comes (a window started minimized
or on another desktop). ``wait_for_first_paint(window, timeout_ms)`` runs the event loop until then
(``build_main_window``: the shell is on screen before anything else is imported or built).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["after_first_paint", "wait_for_first_paint"]


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._callback: Callable[[], None] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def _fire(self) -> None:
        if self._callback is not None:
            callback, self._callback = self._callback, None
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, callback)
            self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._fire()
        return False


def after_first_paint(window: QWidget, callback: Callable[[], None], fallback_ms: int = 500) -> None:
    _FirstPaint(window, callback, fallback_ms)


def wait_for_first_paint(window: QWidget, timeout_ms: int = 2000) -> None:
    loop = QEventLoop()
    after_first_paint(window, loop.quit, timeout_ms)
    loop.exec()
