"""``ElidedLabel``: a one-line label that never widens its layout."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["ElidedLabel"]


class ElidedLabel(QLabel):
    """Long text is elided, the full text is a tooltip; ``text()`` is the full text. With
    ``prefer_whole`` it asks for its whole text's width and is cut only when the row has no more."""

    def __init__(self, parent: QWidget | None = None, *, prefer_whole: bool = False) -> None:
        super().__init__(parent)
        self._full = ""
        self._prefer_whole = prefer_whole
        policy = QSizePolicy.Policy.Preferred if prefer_whole else QSizePolicy.Policy.Ignored
        self.setSizePolicy(policy, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self._prefer_whole:
            hint.setWidth(self.fontMetrics().horizontalAdvance(self._full) + 4)
        return hint

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setWidth(40)
        return hint

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()
        if self._prefer_whole:
            self.updateGeometry()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - 2)
        QLabel.setText(self, self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))
