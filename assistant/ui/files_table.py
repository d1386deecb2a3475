"""The files table itself: ``FilesProxy`` (the name filter, a document set's rows, sorting handed to the
source model, rows dragged as catalog ids) and ``FilesTable`` (the view: a column's tick repaints only
that column; an empty table says how to add files). The panel around it is ``files_panel``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QTableView

from assistant.catalog import FileRecord
from assistant.ui.files_model import RECORD_ROLE, SORT_ROLE, Col, FilesModel
from assistant.ui.row_drag import rows_mime

_Index = QModelIndex | QPersistentModelIndex

__all__ = ["FilesProxy", "FilesTable"]


class FilesProxy(QSortFilterProxyModel):
    """Filters on the name, case-insensitively; sorting is handed to the source model, which sorts by
    ``SORT_ROLE`` (real values) in one Python ``list.sort`` — fast for 10,000 rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(Col.NAME)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)  # the countdown ticks must not re-sort the table every second
        self.only: frozenset[int] | None = None  # the rows of the chosen document set (None: all files)

    def show_only(self, row_ids: frozenset[int] | None) -> None:
        """Show only these catalog rows (a document set's), or every row (None)."""
        if row_ids != self.only:
            self.beginFilterChange()
            self.only = row_ids
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self.only is not None:
            source = self.sourceModel()
            if isinstance(source, FilesModel) and source.record(source_row).id not in self.only:
                return False
        return super().filterAcceptsRow(source_row, source_parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, FilesModel):
            source.sort(column, order)
        else:
            super().sort(column, order)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def canDropMimeData(self, *_: object) -> bool:
        return False  # rows go onto the chat; local files dropped here go to the window's upload drop

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragged rows carry their catalog ids (``row_drag``): dropped on the chat, they attach."""
        return rows_mime(r.id for r in self.records_for(sorted(indexes, key=lambda i: i.row())))

    def record(self, index: _Index) -> FileRecord | None:
        value = self.data(index, RECORD_ROLE)
        return value if isinstance(value, FileRecord) else None

    def records_for(self, indexes: Sequence[_Index]) -> list[FileRecord]:
        seen: dict[int, FileRecord] = {}
        for idx in indexes:
            rec = self.record(idx)
            if rec is not None:
                seen.setdefault(rec.id, rec)
        return list(seen.values())


class FilesTable(QTableView):
    """The table; when empty it says how to add files.

    A change over many rows of one column (the countdown's tick) repaints that column's strip only;
    ``QAbstractItemView`` would repaint the whole viewport for any multi-cell change."""

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        column = top_left.column()
        if top_left.isValid() and column == bottom_right.column() and top_left.row() != bottom_right.row():
            x = self.columnViewportPosition(column)
            if x >= 0 and not self.isColumnHidden(column):
                viewport = self.viewport()
                viewport.update(QRect(x, 0, self.columnWidth(column), viewport.height()))
            return
        super().dataChanged(top_left, bottom_right, roles)

    empty_text = "Drop files or folders here\nor press Ctrl+O to choose them"

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            text = self.empty_text if not self.property("filtered") else "No file matches the search"
            if self.property("setEmpty") and not self.property("filtered"):
                text = str(self.property("setEmpty"))  # a document set with no file yet
            painter.drawText(self.viewport().rect(), int(Qt.AlignmentFlag.AlignCenter), text)
            painter.end()
