"""The main window's central area: the files (table over the upload queue) beside the chat pane,
under the offline banner. Splitters have stable object names, so their sizes are kept between runs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from assistant.ui.banner import OfflineBanner

__all__ = ["WindowLayout"]


@dataclass
class WindowLayout:
    central: QWidget
    splitter: QSplitter  # "mainSplitter": files | chat
    left_splitter: QSplitter  # "filesSplitter": table over queue
    banner: OfflineBanner

    @classmethod
    def build(cls, files: QWidget, uploads: QWidget, chat: QWidget, *, offline: bool) -> WindowLayout:
        left = _splitter(Qt.Orientation.Vertical, "filesSplitter", (files, 3), (uploads, 1))
        # the conversation gets the larger part (11:9): a reading measure of about 75 characters on a
        # 1024 px screen, while the files table keeps room for whole names
        main = _splitter(Qt.Orientation.Horizontal, "mainSplitter", (left, 9), (chat, 11))
        main.setSizes([450, 550])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(6)
        banner = OfflineBanner(offline)
        column.addWidget(banner)
        column.addWidget(main, 1)
        return cls(central, main, left, banner)


def _splitter(orientation: Qt.Orientation, name: str, *parts: tuple[QWidget, int]) -> QSplitter:
    splitter = QSplitter(orientation)
    splitter.setObjectName(name)
    for index, (widget, stretch) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, stretch)
    splitter.setChildrenCollapsible(False)
    return splitter
