"""The chat pane's own ways to attach files: rows dragged from the files table, and Attach….

``RowsDropFilter`` watches the pane and every widget in it: a drag carrying files-table rows
(``assistant.ui.row_drag``) is accepted anywhere on the pane and its row ids reported. It never takes
a drag of local files (those go on to the window's upload drop, ``drops.py``), and a drop of rows is
consumed here, so it can never start an upload.

``Attaching`` turns those into attachments: the dropped rows are read from the catalog (a job, in a
worker) and the active ones join the conversation's files; Attach… reads the active files (a job) and
opens the ``AttachPicker``, whose ticked files become the conversation's files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from assistant.catalog import FileRecord, FileState, Store
from assistant.catalog.identity import known_name
from assistant.ui.chat.jobs import CatalogJobs
from assistant.ui.chat.picker import AttachPicker
from assistant.ui.chat.snapshot import read_files
from assistant.ui.row_drag import dragged_rows

__all__ = ["Attaching", "RowsDropFilter"]


class RowsDropFilter(QObject):
    """Accepts drags of files-table rows on the widgets it watches: ``hovering(n)`` while one is over
    them, ``dropped(row_ids)`` when it is dropped."""

    hovering = Signal(int)
    dropped = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watched: set[int] = set()

    def watch(self, root: QWidget) -> None:
        """Watch ``root`` and every widget under it (call again after adding widgets)."""
        for widget in [root, *root.findChildren(QWidget)]:
            if id(widget) not in self._watched:
                self._watched.add(id(widget))
                widget.setAcceptDrops(True)
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent | QDropEvent)
            rows = dragged_rows(event.mimeData())
            if not rows:
                return False  # not ours: local files go on to the upload drop
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if kind == QEvent.Type.Drop:
                self.dropped.emit(rows)
            else:
                self.hovering.emit(len(rows))
            return True
        return False


class Attaching(QObject):
    """Attach dropped rows, and the Attach… picker. ``attached()`` gives the conversation's files now;
    ``attach(records)`` sets them (the pane's ``set_attached_files``); ``say(text)`` is a short note."""

    def __init__(
        self,
        jobs: CatalogJobs,
        attached: Callable[[], list[FileRecord]],
        attach: Callable[[list[FileRecord]], None],
        say: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._jobs, self._attached, self._attach, self._say = jobs, attached, attach, say
        self._parent = parent
        self.picker: AttachPicker | None = None
        self.drops = RowsDropFilter(self)
        self.drops.dropped.connect(self.add)
        self.drops.hovering.connect(self._hovering)

    def add(self, row_ids: list[int]) -> None:
        """Add these catalog rows to the conversation's files (those that can still be used)."""
        ids = tuple(row_ids)
        self._jobs.submit("read dropped files", lambda store: read_files(store, ids), self.attach_records)

    def attach_records(self, records: Sequence[FileRecord]) -> None:
        """These files join the conversation's (those not attached yet that can still be used); the
        composer says what happened, and names the files left out."""
        attached = self._attached()
        have = {r.id for r in attached}
        usable = [r for r in records if r.state is FileState.ACTIVE and r.id not in have]
        gone = [r for r in records if r.state is not FileState.ACTIVE and r.id not in have]
        if usable:
            self._attach(attached + usable)
        notes = []
        if usable or not gone:
            n = len(usable)
            notes.append(f"Attached {n} file{'s' if n != 1 else ''}" if n else "Already attached")
        if gone:
            names = ", ".join(f"“{known_name(r)}”" for r in gone)
            notes.append(f"not attached: {names} can't be used any more ({gone[0].state})")
        self._say("; ".join(notes))

    def pick(self) -> None:
        """Open the Attach… picker once the active files are read (a job)."""

        def work(store: Store) -> list[FileRecord]:
            return [r for r in store.list_files([FileState.ACTIVE]) if r.leftover_of is None]

        self._jobs.submit("list files to attach", work, self._open_picker)

    def _open_picker(self, candidates: list[FileRecord]) -> None:
        if self.picker is not None:
            self.picker.close()
            self.picker.deleteLater()
        self.picker = AttachPicker(self._attached(), candidates, self._parent)
        self.picker.chosen.connect(self._chosen)
        self.picker.open()
        self.picker.search.setFocus()

    def _chosen(self, records: list[FileRecord]) -> None:
        before = [r.id for r in self._attached()]
        if [r.id for r in records] != before:
            self._attach(records)
            n = len(records)
            self._say(f"Attached {n} file{'s' if n != 1 else ''}" if n else "No file attached any more")

    def _hovering(self, rows: int) -> None:
        self._say(f"Drop to attach {rows} file{'s' if rows != 1 else ''} to this conversation")
