"""The main window's central area: the files (table over the upload queue) beside the chat pane and
the review (tabs "Chat | Review", ``mainTabs``), under the offline banner. Splitters have stable object
names, so their sizes are kept between runs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from assistant.ui.banner import OfflineBanner

__all__ = ["WindowLayout"]


@dataclass
class WindowLayout:
    central: QWidget
    splitter: QSplitter  # "mainSplitter": files | tabs
    left_splitter: QSplitter  # "filesSplitter": table over queue
    banner: OfflineBanner
    tabs: QTabWidget  # "mainTabs": Chat (the chat pane), then Review (added by ``ui.review``)

    @classmethod
    def build(cls, files: QWidget, uploads: QWidget, chat: QWidget, *, offline: bool) -> WindowLayout:
        left = _splitter(Qt.Orientation.Vertical, "filesSplitter", (files, 3), (uploads, 1))
        # the conversation gets the larger part (11:9): a reading measure of about 75 characters on a
        # 1024 px screen, while the files table keeps room for whole names
        tabs = QTabWidget()
        tabs.setObjectName("mainTabs")
        tabs.setDocumentMode(True)
        tabs.setAccessibleName("Chat or Review")
        tabs.addTab(chat, "Chat")
        main = _splitter(Qt.Orientation.Horizontal, "mainSplitter", (left, 9), (tabs, 11))
        main.setSizes([450, 550])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(6)
        banner = OfflineBanner(offline)
        column.addWidget(banner)
        column.addWidget(main, 1)
        return cls(central, main, left, banner, tabs)


def _splitter(orientation: Qt.Orientation, name: str, *parts: tuple[QWidget, int]) -> QSplitter:
    splitter = QSplitter(orientation)
    splitter.setObjectName(name)
    for index, (widget, stretch) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, stretch)
    splitter.setChildrenCollapsible(False)
    return splitter
