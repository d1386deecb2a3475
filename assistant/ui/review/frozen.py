"""``ReviewGridView``: the review grid (``reviewGrid``) with its File column frozen, as in Qt's "Frozen
Column" example: a second view (``reviewGridFiles``) over the grid's left edge shows only the file names,
sharing the grid's model and selection, scrolled up and down with it. Scrolled sideways, the values
always sit beside their file; a cell chosen under the frozen column is scrolled clear of it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

__all__ = ["ReviewGridView"]


class ReviewGridView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.files = QTableView(self)
        self.files.setObjectName("reviewGridFiles")
        self.files.setAccessibleName("Review grid: the file of each row")
        self.files.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.files.setFrameShape(QFrame.Shape.NoFrame)
        self.files.verticalHeader().hide()
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.setVerticalScrollMode(self.verticalScrollMode())
        self.files.setWordWrap(False)
        self.files.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._sort_by_file)
        self.viewport().stackUnder(self.files)
        self.files.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.files.verticalScrollBar().setValue)
        main = self.horizontalHeader()
        main.sectionResized.connect(self._resized)
        main.sortIndicatorChanged.connect(self._sorted)
        self.verticalHeader().sectionResized.connect(lambda row, _old, new: self.files.setRowHeight(row, new))

    # ---------------------------------------------------------------------------------- wiring
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.files.setModel(model)
        self.files.setSelectionModel(self.selectionModel())
        if model is not None:
            model.modelReset.connect(self._columns)
            model.columnsInserted.connect(self._columns)
            model.layoutChanged.connect(self._columns)
        self._columns()

    def _columns(self, *_args: object) -> None:
        model = self.model()
        count = model.columnCount() if model is not None else 0
        for column in range(1, count):
            self.files.setColumnHidden(column, True)
        self.files.setSelectionBehavior(self.selectionBehavior())
        self.files.setSelectionMode(self.selectionMode())
        self.files.verticalHeader().setDefaultSectionSize(self.verticalHeader().defaultSectionSize())
        self.files.setColumnWidth(0, self.columnWidth(0))
        self._place()

    def _resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.files.setColumnWidth(0, new)
            self._place()

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        header = self.files.horizontalHeader()
        header.setSortIndicatorShown(column == 0)
        header.setSortIndicator(0 if column == 0 else -1, order)

    def _sort_by_file(self, _section: int) -> None:
        """A click on the frozen File header sorts the grid as a click on its own header would."""
        main = self.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        order = (
            Qt.SortOrder.DescendingOrder
            if main.sortIndicatorSection() == 0 and main.sortIndicatorOrder() == ascending
            else ascending
        )
        self.sortByColumn(0, order)

    # -------------------------------------------------------------------------------- geometry
    def _place(self) -> None:
        if not hasattr(self, "files"):  # (a geometry update while the view is being built)
            return
        frame = self.frameWidth()
        size = self.verticalHeader().defaultSectionSize()
        if self.files.verticalHeader().defaultSectionSize() != size:
            self.files.verticalHeader().setDefaultSectionSize(size)
        self.files.setGeometry(
            self.verticalHeader().width() + frame,
            frame,
            self.columnWidth(0),
            self.viewport().height() + self.horizontalHeader().height(),
        )
        self.files.horizontalHeader().setFixedHeight(self.horizontalHeader().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self._place()

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Scrolled to show ``index``, and clear of the frozen File column."""
        if index.column() > 0:
            super().scrollTo(index, hint)
            left = self.visualRect(index).left()
            width = self.columnWidth(0)
            if left < width:
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + left - width)
        else:
            super().scrollTo(index, hint)
