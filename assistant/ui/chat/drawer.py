"""When the conversation list shows: beside the chat only where it helps, as a drawer otherwise.

With one conversation (or none) the list is an empty column that takes the transcript's room, and a
narrow chat pane has none to spare: the list then stays closed, and the "Conversations" button in the
pane's header opens it. It opens by itself once there are two or more conversations and the pane is
wide enough for both. What the person chose with the button wins for the rest of the session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QToolButton, QWidget

__all__ = ["ConversationDrawer"]

WIDE_ENOUGH = 860  # the pane's width from which the list opens by itself (the transcript keeps ~600)


class ConversationDrawer(QObject):
    def __init__(self, pane: QWidget, drawer: QWidget, toggle: QToolButton) -> None:
        super().__init__(pane)
        self._pane, self._drawer, self._toggle = pane, drawer, toggle
        self._count = 0
        self._choice: bool | None = None  # the person's, once they pressed the button
        toggle.setCheckable(True)
        toggle.clicked.connect(self._chosen)
        pane.installEventFilter(self)
        self._apply()

    @property
    def open(self) -> bool:
        return not self._drawer.isHidden()

    def set_count(self, count: int) -> None:
        """How many conversations there are (not the search's hits)."""
        self._count = count
        self._toggle.setText(f"Conversations ({count})" if count else "Conversations")
        self._apply()

    def set_open(self, shown: bool) -> None:
        """Open or close the list as the person asked (the button, a shortcut)."""
        self._choice = shown
        self._apply()

    def _chosen(self, checked: bool) -> None:
        self.set_open(checked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._pane and event.type() == QEvent.Type.Resize and self._choice is None:
            self._apply()
        return False

    def _apply(self) -> None:
        wanted = self._choice
        if wanted is None:
            wanted = self._count >= 2 and self._pane.width() >= WIDE_ENOUGH
        if wanted != self.open:
            self._drawer.setVisible(wanted)
        self._toggle.setChecked(wanted)
        state = "Hide" if wanted else "Show"
        self._toggle.setToolTip(f"{state} the list of conversations (Ctrl+Shift+L)")
