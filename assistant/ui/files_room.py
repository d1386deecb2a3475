"""``NameRoom``: in a narrowing files table the name keeps its room first. When the table becomes too
narrow for the name to show about ``NAME_CHARS`` characters beside the other shown columns (the source
pane opened, the window made smaller), those give way one by one (hidden, in ``GIVE_WAY`` order: the
least telling first); they come back, last hidden first, when the table has room for them again or is
as wide as it was before it narrowed. Only the table's
width changing moves columns: the columns the person chose (the header's menu, kept between runs)
stand as they are at a given width, and one the person shows or hides is no longer this helper's.
Sync is the sets UI's (shown while a linked set is chosen) and never gives way here."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QTableView

from assistant.ui.files_cells import Col

__all__ = ["GIVE_WAY", "NAME_CHARS", "NameRoom"]

NAME_CHARS = 24  # a name like "gamma-services-agreement.txt" reads whole, or nearly
GIVE_WAY = (Col.LAST_USED, Col.UPLOADED, Col.SIZE, Col.TYPE, Col.STATE, Col.EXPIRES)
_SLACK = 8  # px: a column comes back only with this much to spare (no flicker at the edge)


class NameRoom(QObject):
    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self.gave_way: list[int] = []  # the columns hidden here, in the order they were hidden
        self._fitting = False
        self._width = 0  # the viewport's width at the last fit
        self._was: dict[int, tuple[int, int]] = {}  # hidden here -> (the table's width before, its own)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        table.viewport().installEventFilter(self)

    @property
    def room(self) -> int:
        """The width the name wants (px)."""
        return self._table.fontMetrics().horizontalAdvance("x" * NAME_CHARS) + 12

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._timer.start()  # once the layout settles, not in the middle of it
        return False

    def forget(self, column: int) -> None:
        """The person chose this column's visibility (the header's menu): it is no longer ours."""
        if column in self.gave_way:
            self.gave_way.remove(column)

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit()
        finally:
            self._fitting = False

    def _others(self) -> int:
        header = self._table.horizontalHeader()
        return sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != Col.NAME and not header.isSectionHidden(c)
        )

    def _fit(self) -> None:
        header = self._table.horizontalHeader()
        width = self._table.viewport().width()
        if width <= 0:
            return
        before, self._width = self._width, width
        for col in GIVE_WAY:  # narrower: the least telling shown column gives way, until the name reads
            if width >= before or width - self._others() >= self.room:
                break
            if not header.isSectionHidden(col):
                self._was[col] = (before, header.sectionSize(col))  # a hidden section's size reads 0
                header.setSectionHidden(col, True)
                self.gave_way.append(col)
        while self.gave_way:  # room again, or as wide as before: the last to give way comes back first
            col = self.gave_way[-1]
            was, size = self._was.get(col, (0, 0))
            if width - self._others() - size < self.room + _SLACK and width < was:
                break
            self.gave_way.pop()
            header.setSectionHidden(col, False)

    def give_back(self) -> None:
        """Every column hidden here shown again (before the header's state is saved at close: what is
        kept between runs is the person's choice, not the room of the moment)."""
        header = self._table.horizontalHeader()
        while self.gave_way:
            col = self.gave_way.pop()
            header.setSectionHidden(col, False)
            size = self._was.get(col, (0, 0))[1]
            if size > 0:
                header.resizeSection(col, size)
