"""The files table's data: read from the catalog in a worker, kept current as uploads, renewals and
deletions finish, without losing what changed while a read was under way.

``FilesController(runner, store, model)``:
- ``reload()`` reads the shown files (active, expired, missing) in a worker and fills ``model``; what
  changed in the table while the catalog was being read (an upload finished, a file was deleted) is
  applied again on top of what was read; then ``loaded`` is emitted.
- ``add_uploaded(result)`` takes an upload queue result (one ``UploadResult`` or a split PDF's list):
  finished uploads reach the table together, a few times a second (one insertion, one sort and one
  repaint for many files; a repaint calls into Python for every visible cell), then ``rows_added``.
- ``replace(record, note)`` after a renewal or re-upload, ``removed(row_id)`` after a delete.
- ``storage_changed(bytes, count)`` follows what is active; ``changed`` follows a renewed, re-uploaded
  or deleted row (the chat's chips and the window's actions follow it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, FileState, SourceState, Store
from assistant.ui.controllers.base import Controller

if TYPE_CHECKING:
    from assistant.api.files import UploadResult
    from assistant.ui.files_model import FilesModel

__all__ = ["REUSED_NOTE", "SHOWN_STATES", "FilesController"]

SHOWN_STATES = (FileState.ACTIVE, FileState.EXPIRED, FileState.MISSING)  # deleted files are not shown
REUSED_NOTE = "already uploaded (same content), not sent again"
FLUSH_INTERVAL_MS = 200


class FilesController(Controller):
    loaded = Signal()  # the table was (re)filled from the catalog
    rows_added = Signal()  # finished uploads reached the table
    changed = Signal()  # a row was renewed, re-uploaded or deleted
    sources_checked = Signal()  # the stale check's findings are in the table
    storage_changed = Signal(int, int)  # bytes and count of active files

    def __init__(
        self, runner: TaskRunner, store: Store, model: FilesModel, parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._store = store
        self.model = model
        self._changed_since_read: dict[int, FileRecord | None] = {}  # None: removed
        self._pending_rows: dict[int, FileRecord] = {}
        self._pending_notes: dict[int, str] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self._flush_uploaded)

    # -- reading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Refill the table from the catalog (read in a worker)."""
        store = self._store
        self._changed_since_read = {}
        self.run(lambda _tok: store.list_files(SHOWN_STATES), on_result=self._read, name="list-files")

    def _read(self, records: list[FileRecord]) -> None:
        changed, self._changed_since_read = self._changed_since_read, {}
        if changed:  # uploads finished or files deleted while the catalog was being read
            by_id = {r.id: r for r in records}
            for row_id, record in changed.items():
                if record is None:
                    by_id.pop(row_id, None)
                else:
                    by_id[row_id] = record
            records = list(by_id.values())
        self.model.set_records(records)
        self._storage()
        self.loaded.emit()

    # -- changes -----------------------------------------------------------------------------------
    def add_uploaded(self, result: UploadResult | list[UploadResult]) -> None:
        for one in result if isinstance(result, list) else [result]:  # a split PDF: each part
            record = one.record
            self._pending_rows[record.id] = record
            self._changed_since_read[record.id] = record
            if one.reused:
                self._pending_notes[record.id] = REUSED_NOTE
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush_uploaded(self) -> None:
        if self.closed:
            return
        rows, self._pending_rows = self._pending_rows, {}
        notes, self._pending_notes = self._pending_notes, {}
        if rows:
            self.model.upsert_many(rows.values())
            for row_id, note in notes.items():
                self.model.set_note(row_id, note)
            self._storage()
        self.rows_added.emit()

    def replace(self, record: FileRecord, note: str, *, current_source: bool = False) -> None:
        """A row's new state after a renewal or a re-upload (same row id, new file id);
        ``current_source``: what was sent is the local file as it is now (no longer "changed")."""
        if current_source:
            self.model.set_source_states({record.id: None})
        self.model.upsert(record)
        self.model.set_note(record.id, note)
        self._changed_since_read[record.id] = record
        self.changed.emit()

    def note(self, row_id: int, note: str) -> None:
        """What is happening to a row (renewing…, not renewed: why); nothing if it is not shown."""
        if self.model.row_of(row_id) is not None:
            self.model.set_note(row_id, note)

    def set_source_states(self, states: dict[int, SourceState | None], *, skip: set[int]) -> None:
        """What the stale check found, but for the rows in ``skip`` (being renewed or re-uploaded)."""
        self.model.set_source_states({k: v for k, v in states.items() if k not in skip})
        self.sources_checked.emit()

    def removed(self, row_ids: Iterable[int]) -> None:
        ids = list(row_ids)
        self.model.remove(ids)
        for row_id in ids:
            self._changed_since_read[row_id] = None
        self._storage()
        self.changed.emit()

    def records(self) -> list[FileRecord]:
        return self.model.records()

    def current(self, records: Iterable[FileRecord]) -> list[FileRecord]:
        """The table's newest version of each of ``records`` (a selection may hold older copies)."""
        by_id = {r.id: r for r in self.model.records()}
        return [by_id.get(r.id, r) for r in records]

    def _storage(self) -> None:
        active = [r for r in self.model.records() if r.state is FileState.ACTIVE]
        self.storage_changed.emit(sum(r.size_bytes for r in active), len(active))
