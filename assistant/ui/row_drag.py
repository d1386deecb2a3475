"""Rows of the files table dragged inside the app: a mime type of our own carrying catalog row ids.

The files table puts ``rows_mime(ids)`` on its drags; the chat pane reads the ids back with
``dragged_rows`` and attaches those files. The payload names this process, so rows dragged from
another running copy of the app (another catalog) are not taken for ours. It carries no URLs and no
text, so the window's file drop (``drops.py``) never takes it for files to upload.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QMimeData

__all__ = ["ROWS_MIME", "dragged_rows", "rows_mime"]

ROWS_MIME = "application/x-document-assistant-file-rows"


def rows_mime(row_ids: Iterable[int]) -> QMimeData:
    """A drag's data naming these catalog rows (in order, each once)."""
    ids = ",".join(str(int(i)) for i in dict.fromkeys(row_ids))
    mime = QMimeData()
    mime.setData(ROWS_MIME, QByteArray(f"{os.getpid()}:{ids}".encode("ascii")))
    return mime


def dragged_rows(mime: QMimeData | None) -> list[int]:
    """The catalog row ids a drag from this process's files table carries (none for anything else)."""
    if mime is None or not mime.hasFormat(ROWS_MIME):
        return []
    raw = bytes(mime.data(ROWS_MIME).data()).decode("ascii", "replace")
    pid, _, ids = raw.partition(":")
    if pid != str(os.getpid()):
        return []
    return [int(part) for part in ids.split(",") if part.isdigit()]
