"""The offline banner: says, above everything, that answers come from the local sandbox, not Claude.

It keeps its colours readable when the palette changes (light and dark).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget

from assistant.ui.theme import banner_colors

__all__ = ["OFFLINE_TEXT", "OfflineBanner"]

OFFLINE_TEXT = (
    "<b>Offline: the built-in local sandbox.</b> Answers here come from the local sandbox "
    "(passages from your documents, with citations), <b>not from Claude</b>. Nothing leaves "
    "this computer. Enter an API key (API key…) to ask Claude."
)


class OfflineBanner(QLabel):
    def __init__(self, offline: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setWordWrap(True)
        self.setAccessibleName("Offline mode")
        self._offline = offline
        self._colours: tuple[str, str] | None = None
        if offline:
            self.setText(OFFLINE_TEXT)
            self._colour()
        else:
            self.hide()

    def _colour(self) -> None:
        colours = banner_colors()
        if colours == self._colours:  # a style sheet change is itself a palette change
            return
        self._colours = bg, fg = colours
        self.setStyleSheet(f"QLabel#offlineBanner {{ background: {bg}; color: {fg}; padding: 6px; }}")

    def changeEvent(self, event: QEvent) -> None:
        if self._offline and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self._colour()
        super().changeEvent(event)
