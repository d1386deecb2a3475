"""``SourceRoom``: the width the source pane gets, and who gives it (issue 13).

The pane sits beside the chat (in the chat's splitter). Opened, it gets the width it had last (dragged
or set, kept between runs), or a width that reads a page; the files side yields for it, to its least
width, or folds where even that leaves no room (a narrow window), and the chat keeps a readable
measure (``CHAT_SHARE`` of the window). Closed, the files side gets its width back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSplitter, QWidget

from assistant.ui.geometry import KeptNumber

__all__ = ["CHAT_SHARE", "FILES_LEAST", "PANE_READS", "SourceRoom"]

CHAT_SHARE = 0.38  # of the window, left to the chat (its transcript then reads over a third)
FILES_LEAST = 240  # px: the files side narrower than this shows no name; it folds instead
PANE_READS = 520  # px: a letter page at fit width reads at about 80 %


class SourceRoom(QObject):
    def __init__(
        self, pane: QWidget, chat: QSplitter, main: QSplitter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.pane, self.chat, self.main = pane, chat, main
        self.number = KeptNumber()  # the pane's width last seen open (0: never opened), kept by the window
        self._files: list[int] | None = None  # the main splitter's sizes before the files side yielded
        chat.splitterMoved.connect(lambda *_: self.remember())

    def remember(self) -> None:
        if self.pane.isVisible():
            width = self.chat.sizes()[self.chat.indexOf(self.pane)]
            if width > 0:
                self.number.value = width

    def opened(self) -> None:
        """The pane has just been shown (it was closed): make its room."""
        main, window = self.main, self.pane.window()
        sizes = main.sizes()
        files, rest = 0, main.indexOf(_child_of(main, self.chat))
        if self._files is None:
            self._files = list(sizes)
        total = sum(sizes)
        if total <= 0:
            return
        chat_need = int(window.width() * CHAT_SHARE)
        side = main.widget(files)
        least = max(FILES_LEAST, side.minimumSizeHint().width() if side is not None else 0)
        keep = least if total - least - chat_need >= PANE_READS else 0  # fold where nothing reads
        main.setCollapsible(files, keep == 0)
        new = [0] * len(sizes)
        new[files], new[rest] = keep, total - keep
        main.setSizes(new)
        self._place(total - keep, chat_need)

    def _place(self, room: int, chat_need: int) -> None:
        chat = self.chat
        sizes, mine = chat.sizes(), chat.indexOf(self.pane)
        others = [i for i in range(len(sizes)) if i != mine and i != mine - 1 and sizes[i] > 0]
        room -= sum(sizes[i] for i in others) + chat.handleWidth() * (1 + len(others))
        width = self.number.value or room - chat_need
        width = max(self.pane.minimumWidth(), min(width, room - min(chat_need, room // 2)))
        sizes[mine], sizes[mine - 1] = width, room - width
        chat.setSizes(sizes)

    def closed(self) -> None:
        """The pane has closed (its width kept by ``remember`` before): the files side's width back."""
        self.give_back()

    def give_back(self) -> None:
        if self._files is not None:
            self.main.setSizes(self._files)
            self.main.setCollapsible(0, False)
            self._files = None


def _child_of(splitter: QSplitter, widget: QWidget) -> QWidget:
    """The splitter's part that holds ``widget``."""
    parent = widget.parentWidget()
    while parent is not None and parent is not splitter:
        widget, parent = parent, parent.parentWidget()
    return widget
