"""The files table: a model over catalog ``FileRecord``s, with a live "Expires in" column.

Columns are constants; ``SORT_ROLE`` returns real values (ints, epoch seconds) so sorting is by time,
not by text; ``RECORD_ROLE`` returns the ``FileRecord`` itself. Times are stored absolute (UTC) and the
time left is computed in ``data()`` from a replaceable clock. One ``QTimer`` for the whole model,
running while there are rows, emits ``dataChanged`` over the "Expires in" column only — no reset, so
selection and scroll survive.

The State column is narrow, so that names get the room: a word or two for what the row needs most
("Changed", "Expires soon", "Orphan", "Expired"; ``files_text.state_label``), a warning icon where it
needs attention (or an information icon where the tooltip has more: a per-row note such as
"already uploaded — not sent again", where a converted or renamed file came from), and the whole of
it in the tooltip and the accessible text (``files_text.state_text``: "expires soon — Renew", "local
file changed since upload", "found remotely", the warnings). The files the current conversation uses
are marked in the Name column (``set_in_conversation``; ``files_marks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from assistant.catalog import FileRecord, SourceState
from assistant.ui.files_cells import COLUMNS, HEADER_TIPS, RECORD_ROLE, SORT_ROLE, Col, FileCells, SyncCell
from assistant.ui.files_marks import fill_role_span

__all__ = ["COLUMNS", "RECORD_ROLE", "SORT_ROLE", "Col", "FilesModel", "SyncCell", "fill_role_span"]

_Index = QModelIndex | QPersistentModelIndex


def _utcnow() -> datetime:
    return datetime.now(UTC)


class FilesModel(FileCells, QAbstractTableModel):
    """Rows of ``FileRecord``; ``clock`` returns an aware UTC datetime (tests replace it)."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = _utcnow,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._records: list[FileRecord] = []
        self._row_of: dict[int, int] = {}
        self._notes: dict[int, str] = {}
        self._sources: dict[int, SourceState] = {}  # changed or missing (unchanged: absent)
        self._in_chat: frozenset[int] = frozenset()  # the files the current conversation uses
        self._sync: dict[int, SyncCell] = {}  # what a watched folder's sync says of a row
        self._soon: set[int] = set()  # rows shown as expiring soon at the last check
        self._soon_checked: datetime | None = None
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)

    # -- the data --------------------------------------------------------------------------------
    def set_records(self, records: Iterable[FileRecord]) -> None:
        """Replace every row (a full reload: start-up, after a refresh)."""
        self.beginResetModel()
        self._records = list(records)
        self._reindex()
        self._notes = {k: v for k, v in self._notes.items() if k in self._row_of}
        self._sources = {k: v for k, v in self._sources.items() if k in self._row_of}
        self.endResetModel()
        self._update_timer()

    def upsert(self, record: FileRecord) -> None:
        """Add a row, or update the row with the same catalog id in place."""
        row = self._row_of.get(record.id)
        if row is None:
            row = len(self._records)
            self.beginInsertRows(QModelIndex(), row, row)
            self._records.append(record)
            self._row_of[record.id] = row
            self.endInsertRows()
            self._update_timer()
        else:
            self._records[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def upsert_many(self, records: Iterable[FileRecord]) -> None:
        """Add or update several rows with one insertion (one repaint, however many uploads finished)."""
        new: list[FileRecord] = []
        for record in records:
            if record.id in self._row_of:
                self.upsert(record)
            elif all(r.id != record.id for r in new):
                new.append(record)
        if not new:
            return
        first = len(self._records)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        for offset, record in enumerate(new):
            self._records.append(record)
            self._row_of[record.id] = first + offset
        self.endInsertRows()
        self._update_timer()

    def remove(self, row_ids: Iterable[int]) -> None:
        for row_id in set(row_ids):
            row = self._row_of.get(row_id)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._records[row]
            self._reindex()
            self._notes.pop(row_id, None)
            self.endRemoveRows()
        self._update_timer()

    def set_note(self, row_id: int, note: str | None) -> None:
        if note:
            self._notes[row_id] = note
        else:
            self._notes.pop(row_id, None)
        row = self._row_of.get(row_id)
        if row is not None:
            idx = self.index(row, Col.STATE)
            self.dataChanged.emit(idx, idx)

    def note(self, row_id: int) -> str | None:
        return self._notes.get(row_id)

    def set_source_states(self, states: dict[int, SourceState | None]) -> None:
        """What the stale check found for these rows (changed, missing, or None/unchanged)."""
        for row_id, state in states.items():
            before = self._sources.get(row_id)
            if state in (SourceState.CHANGED, SourceState.MISSING):
                self._sources[row_id] = SourceState(state)
            else:
                self._sources.pop(row_id, None)
            row = self._row_of.get(row_id)
            if row is not None and before != self._sources.get(row_id):
                idx = self.index(row, Col.STATE)
                self.dataChanged.emit(idx, idx)

    def set_in_conversation(self, row_ids: Iterable[int]) -> None:
        """Mark the files the current conversation uses (the Name column: a dot, bold, a tooltip)."""
        self._in_chat, before = frozenset(row_ids), self._in_chat
        for row in (r for i in self._in_chat ^ before if (r := self._row_of.get(i)) is not None):
            self.dataChanged.emit(idx := self.index(row, Col.NAME), idx)

    def set_sync(self, cells: dict[int, SyncCell | None]) -> None:
        """The Sync column of these rows (None: not in a watched folder); one ``dataChanged`` over
        the column, however many rows changed (a batch of 2,000 is one repaint, not a reset)."""
        changed = False
        for row_id, cell in cells.items():
            if cell is None:
                changed = self._sync.pop(row_id, None) is not None or changed
            elif self._sync.get(row_id) != cell:
                self._sync[row_id] = cell
                changed = True
        if changed and self._records:
            self.dataChanged.emit(self.index(0, Col.SYNC), self.index(len(self._records) - 1, Col.SYNC))

    def sync_cell(self, row_id: int) -> SyncCell | None:
        return self._sync.get(row_id)

    def source_state(self, row_id: int) -> SourceState | None:
        """Changed or missing when the stale check said so, else None."""
        return self._sources.get(row_id)

    def records(self) -> list[FileRecord]:
        return list(self._records)

    def record(self, row: int) -> FileRecord:
        return self._records[row]

    def row_of(self, row_id: int) -> int | None:
        return self._row_of.get(row_id)

    def _reindex(self) -> None:
        self._row_of = {rec.id: i for i, rec in enumerate(self._records)}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``SORT_ROLE`` values, in Python (a C++ proxy sort would call ``data()``
        n log n times); selections and other persistent indexes follow their rows."""
        if not 0 <= column < len(COLUMNS) or len(self._records) < 2:
            self._sort = (column, order)
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._records[i.row()].id if i.isValid() else None for i in persistent]
        self._records.sort(
            key=lambda rec: self._sort_value(rec, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._reindex()
        moved = [
            self.index(self._row_of[row_id], old.column()) if row_id is not None else QModelIndex()
            for old, row_id in zip(persistent, ids, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def resort(self) -> None:
        """Sort again by the last sort (after rows were added or changed)."""
        column, order = self._sort
        if column >= 0:
            self.sort(column, order)

    # -- the countdown ---------------------------------------------------------------------------
    @property
    def timer(self) -> QTimer:
        return self._timer

    def _update_timer(self) -> None:
        if self._records and not self._timer.isActive():
            self._timer.start()
        elif not self._records and self._timer.isActive():
            self._timer.stop()

    def tick(self) -> None:
        """Tell the views that the "Expires in" column changed (and only that column)."""
        if not self._records:
            return
        self.dataChanged.emit(
            self.index(0, Col.EXPIRES),
            self.index(len(self._records) - 1, Col.EXPIRES),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, SORT_ROLE],
        )
        # a row crossing into its last three days says so in the State column too (checked once a
        # minute: a pass over every row each second would cost more than the tick itself)
        now = self._clock()
        if self._soon_checked is not None and abs((now - self._soon_checked).total_seconds()) < 60:
            return
        self._soon_checked = now
        soon = {r.id for r in self._records if self.expiring_soon(r)}
        if soon != self._soon:
            for row_id in soon ^ self._soon:
                row = self._row_of.get(row_id)
                if row is not None:
                    idx = self.index(row, Col.STATE)
                    self.dataChanged.emit(idx, idx)
            self._soon = soon

    # -- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS.get(section)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        return self._value(self._records[index.row()], index.column(), int(role))

    def multiData(self, index: _Index, roleDataSpan: Any) -> None:
        """Every role a delegate asks for in one call per cell (painting a cell asks for about eight)."""
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return
        rec = self._records[index.row()]
        col = index.column()
        fill_role_span(roleDataSpan, lambda role: self._value(rec, col, role))
