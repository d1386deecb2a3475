"""Helpers of the window tests: a private in-memory keyring, drops, building windows on the sandbox."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import PySide6
from keyring.backend import KeyringBackend
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this object only (never the developer's own)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def drop(widget: QWidget, paths: Iterable[Path]) -> None:
    """Drag local files onto ``widget`` and drop them, as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    center = widget.rect().center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # PySide6 6.12 takes a QPointF (the QPoint form is deprecated there); 6.11 only a QPoint
    point = QPointF(center) if PySide6.__version_info__ >= (6, 12) else QPoint(center)
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the window refused the drag"
    event = QDropEvent(
        QPointF(center),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    assert event.isAccepted(), "the window refused the drop"
