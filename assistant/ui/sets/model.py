"""``SetsModel``: the sets sidebar's rows. "All files" first, then one row per document set whose
display text is the set's name, then its sync summary on a second line ("214 synced · 3 skipped ·
1 failed"). Rows of the files table dropped on a set row are reported (``rows_dropped``); editing a
set's name in place is reported (``rename_requested``); the model itself changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from assistant.catalog.set_records import format_summary
from assistant.ui.row_drag import ROWS_MIME, dragged_rows
from assistant.ui.sets.views import SetView, plural

__all__ = ["ALL_FILES", "SET_ROLE", "SetsModel"]

SET_ROLE = int(Qt.ItemDataRole.UserRole) + 11  # the row's SetView (None for "All files")
ALL_FILES = "All files"
_Index = QModelIndex | QPersistentModelIndex


class SetsModel(QAbstractListModel):
    rows_dropped = Signal(int, list)  # (set id, catalog row ids)
    rename_requested = Signal(int, str)  # (set id, new name)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sets: list[SetView] = []
        self.all_count = 0  # the files the table shows under "All files"

    def set_sets(self, sets: Sequence[SetView]) -> None:
        """The sets, by name; rows whose set is unchanged keep their place (and the selection)."""
        new = sorted(sets, key=lambda s: (s.name.casefold(), s.id))
        if [s.id for s in new] == [s.id for s in self._sets]:
            changed = [i for i, (a, b) in enumerate(zip(self._sets, new, strict=True)) if a != b]
            self._sets = new
            if changed:
                self.dataChanged.emit(self.index(changed[0] + 1), self.index(changed[-1] + 1))
            return
        self.beginResetModel()
        self._sets = new
        self.endResetModel()

    def set_all_count(self, count: int) -> None:
        if count != self.all_count:
            self.all_count = count
            self.dataChanged.emit(self.index(0), self.index(0))

    def sets(self) -> list[SetView]:
        return list(self._sets)

    def row_of(self, set_id: int | None) -> int:
        """The row of this set (0: "All files", also for a set that is gone)."""
        for row, view in enumerate(self._sets, start=1):
            if view.id == set_id:
                return row
        return 0

    def view(self, index: _Index) -> SetView | None:
        row = index.row()
        return self._sets[row - 1] if index.isValid() and 1 <= row <= len(self._sets) else None

    # -- Qt model ----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._sets) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() <= len(self._sets):
            return None
        view = self.view(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if view is None:
                return f"{ALL_FILES}\n{plural(self.all_count, 'file')}"
            return f"{view.name}\n{view.summary}"
        if role == Qt.ItemDataRole.EditRole:
            return None if view is None else view.name
        if role == SET_ROLE:
            return view
        if role == Qt.ItemDataRole.ToolTipRole:
            if view is None:
                return "Every file in the catalog"
            lines = [view.name, plural(view.files, "file")]  # the whole name: the row may cut it
            if view.folder:
                lines.append(f"Linked to the folder {view.folder}")
                lines.append(format_summary(view.counts))
            if view.folder_problem:
                lines.append(view.folder_problem)
            if view.instructions:
                lines.append("Has instructions for its conversations")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if view is None:
                return "All files"
            linked = f", linked to the folder {view.folder}" if view.folder else ""
            return f"Set {view.name}{linked}: {view.summary}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.row() > 0:
            flags |= Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        view = self.view(index)
        name = str(value).strip()
        if view is None or role != Qt.ItemDataRole.EditRole or not name or name == view.name:
            return False
        self.rename_requested.emit(view.id, name)
        return False  # the name changes when the catalog says so

    # -- rows dropped from the files table -----------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, _action: Qt.DropAction, _row: int, _column: int, parent: _Index
    ) -> bool:
        return self.view(parent) is not None and bool(dragged_rows(data))

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        view = self.view(parent)
        rows = dragged_rows(data)
        if view is None or not rows:
            return False
        self.rows_dropped.emit(view.id, rows)
        return False  # nothing is moved out of the table: the files join the set
