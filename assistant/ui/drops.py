"""Files and folders dropped or pasted anywhere on the window become local paths.

``local_paths(mime)`` reads file URLs (and plain text holding file URLs or absolute paths, which is
what some file managers put on the clipboard). ``FileDropFilter`` is an event filter installed on the
window and every child, so a drop lands wherever the pointer is — over the table, the transcript or
the composer — and never inserts a URL as text. While files are dragged over the window a
``DropOverlay`` covers it ("Drop to upload 3 files"); it goes when the drag leaves or drops. Folders
are walked later, in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

__all__ = ["DropOverlay", "FileDropFilter", "drag_text", "local_paths"]


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


def drag_text(mime: QMimeData | None) -> str:
    """What a drop of ``mime`` would add: "Drop to upload 3 files", "… 1 folder and 2 files"."""
    urls = [u for u in mime.urls() if u.isLocalFile()] if mime is not None and mime.hasUrls() else []
    if len(urls) > 20:  # a few stat calls at most, on every widget the drag enters
        return f"Drop to upload {len(urls)} files and folders"
    folders = sum(1 for u in urls if Path(u.toLocalFile()).is_dir())
    files = len(urls) - folders
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((folders, "folder"), (files, "file")) if n]
    return "Drop to upload " + " and ".join(parts)


class DropOverlay(QWidget):
    """A highlight over the whole window while files are dragged over it, saying what a drop adds.
    Transparent to the mouse, so the drag still reaches the widget under the pointer."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.text = ""
        self.hide()

    def show_for(self, mime: QMimeData | None) -> None:
        self.text = drag_text(mime)
        self.setAccessibleName(self.text)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = QColor(self.palette().highlight().color())
        fill = QColor(accent)
        fill.setAlpha(45)
        painter.fillRect(self.rect(), fill)
        painter.setPen(QPen(accent, 3, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(4, 4, -4, -4), 10, 10)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        box = painter.fontMetrics().boundingRect(self.text).adjusted(-24, -14, 24, 14)
        box.moveCenter(self.rect().center())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(QRectF(box), 8, 8)
        painter.setPen(self.palette().highlightedText().color())
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text)
        painter.end()


class FileDropFilter(QObject):
    """Accepts drags that carry local files on any widget it watches; hands the paths to ``on_drop``.
    The first root it watches shows the ``DropOverlay`` while files are dragged over it."""

    def __init__(self, on_drop: Callable[[list[Path]], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_drop = on_drop
        self._watched: set[int] = set()
        self.overlay: DropOverlay | None = None

    def watch(self, root: QWidget) -> None:
        """Watch ``root`` and every widget under it (call again after adding widgets)."""
        if self.overlay is None:
            self.overlay = DropOverlay(root)
        for widget in [root, *root.findChildren(QWidget)]:
            if id(widget) in self._watched or widget is self.overlay:
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
                if kind == QEvent.Type.DragEnter and self.overlay is not None:
                    self.overlay.show_for(event.mimeData())
                return True
            return False
        if kind == QEvent.Type.DragLeave and self.overlay is not None:
            self.overlay.hide()  # into another widget of the window: its DragEnter shows it again
            return False
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            if self.overlay is not None:
                self.overlay.hide()
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
