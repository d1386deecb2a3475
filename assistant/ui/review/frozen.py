"""``ReviewGridView``: the review grid (``reviewGrid``) with its File column frozen, as in Qt's "Frozen
Column" example: a second view (``reviewGridFiles``) over the grid's left edge shows only the file names,
sharing the grid's model and selection, scrolled up and down with it. Scrolled sideways, the values
always sit beside their file. Sideways it scrolls by whole columns, each stopping at the File column's edge
(by pixels, the column under the file names showed the tail of its values: "s" of "Yes"), and a chosen
cell is scrolled clear of the file names and into view."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

__all__ = ["ReviewGridView"]


class ReviewGridView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._last = 0  # the scroll bar's value before the move being snapped (its direction)
        self._snapping = False
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
        self.horizontalScrollBar().valueChanged.connect(self._snap)

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
        bar = self.horizontalScrollBar()
        natural = bar.maximum()
        stops = self._stops()
        if natural > 0:  # room to reach a stop at or past the end: the last column can sit at the edge
            stop = next((o for o in stops if o >= natural), natural)
            if stop != natural:
                bar.setRange(0, stop)
        value = bar.value()
        if stops and value not in stops and not self._past_stops(value, stops):
            # the view narrowed (the source pane opened) and the bar was pulled off a stop
            current = self.currentIndex()
            if current.isValid() and current.column() > 0:
                self.scrollTo(current)
            else:
                self._go(max((o for o in stops if o <= value), default=0))
        self._place()

    def _past_stops(self, value: int, stops: list[int]) -> bool:
        """At the end of a last column wider than the view: past every stop, and the end stays reachable."""
        return value == self.horizontalScrollBar().maximum() and value > max(stops)

    # -------------------------------------------------------------------------- sideways stops
    def _stops(self) -> list[int]:
        """The scroll values at which a question column starts at the File column's right edge."""
        header = self.horizontalHeader()
        width = self.columnWidth(0)
        return [
            header.sectionPosition(c) - width
            for c in range(1, header.count())
            if not header.isSectionHidden(c)
        ]

    def _snap(self, value: int) -> None:
        """A move by the wheel, the keys or the bar ends at the next stop in its direction."""
        if self._snapping:
            return
        stops = self._stops()
        if not stops or value in stops or self._past_stops(value, stops):
            self._last = value
            return
        ahead = [o for o in stops if o >= value] if value > self._last else [o for o in stops if o <= value]
        target = (
            (min(ahead) if value > self._last else max(ahead))
            if ahead
            else min(stops, key=lambda o: abs(o - value))
        )
        self._go(target)

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Scrolled to show ``index`` whole, clear of the frozen File column, at a stop."""
        if index.column() <= 0:
            super().scrollTo(index, hint)
            return
        bar = self.horizontalScrollBar()
        current = bar.value()
        super().scrollTo(index, hint)  # rows as Qt scrolls them; sideways to a stop, below
        header = self.horizontalHeader()
        left = header.sectionPosition(index.column())
        right = left + header.sectionSize(index.column())
        stops = self._stops()
        width = self.viewport().width()
        # the first stop that shows the cell's right edge, and never past the one that starts with it
        fits = [o for o in stops if right - o <= width and o <= left - self.columnWidth(0)]
        target = min(fits) if fits else left - self.columnWidth(0)
        if left - current >= self.columnWidth(0) and right - current <= width:
            target = current if current in stops else target  # already whole in view
        self._go(target)

    def _go(self, target: int) -> None:
        bar = self.horizontalScrollBar()
        self._last = target
        self._snapping = True
        try:
            if target > bar.maximum():  # a stop past the natural end (the range may not be padded yet)
                bar.setMaximum(target)
            bar.setValue(target)
        finally:
            self._snapping = False
