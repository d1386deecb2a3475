"""Files and folders dropped or pasted anywhere on the window become local paths.

``local_paths(mime)`` reads file URLs (and plain text holding file URLs or absolute paths, which is
what some file managers put on the clipboard). ``FileDropFilter`` is an event filter installed on the
window and every child, so a drop lands wherever the pointer is — over the table, the transcript or
the composer — and never inserts a URL as text. Folders are walked later, in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

__all__ = ["FileDropFilter", "local_paths"]


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders in ``mime`` (URLs first, else file:// or absolute paths in text)."""
    if mime is None:
        return []
    found: list[Path] = []
    if mime.hasUrls():
        found = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]
    elif mime.hasText():
        for raw in mime.text().splitlines():
            line = raw.strip()
            if line.startswith("file://"):
                url = QUrl(line)
                if url.isLocalFile():
                    found.append(Path(url.toLocalFile()))
            elif line.startswith("/") and Path(line).exists():
                found.append(Path(line))
    seen: set[Path] = set()
    unique = []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique


class FileDropFilter(QObject):
    """Accepts drags that carry local files on any widget it watches; hands the paths to ``on_drop``."""

    def __init__(self, on_drop: Callable[[list[Path]], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_drop = on_drop
        self._watched: set[int] = set()

    def watch(self, root: QWidget) -> None:
        """Watch ``root`` and every widget under it (call again after adding widgets)."""
        for widget in [root, *root.findChildren(QWidget)]:
            if id(widget) in self._watched:
                continue
            self._watched.add(id(widget))
            widget.setAcceptDrops(True)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent)
            if _has_files(event.mimeData()):
                event.acceptProposedAction()
                return True
            return False
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = local_paths(event.mimeData())
            if paths:
                event.acceptProposedAction()
                self._on_drop(paths)
                return True
        return False


def _has_files(mime: QMimeData | None) -> bool:
    return mime is not None and mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


def clipboard_paths() -> list[Path]:
    """The local files and folders on the clipboard (File ▸ Paste files)."""
    from PySide6.QtGui import QGuiApplication

    return local_paths(QGuiApplication.clipboard().mimeData())
