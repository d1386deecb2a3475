"""``GridModel``: the review grid, one row per file, the file's name first, then one column per question.

Each cell is the catalog's ``Cell`` (a small typed record): ``Qt.DisplayRole`` is its typed value as shown
(Yes / 14 days / 2025-03-31 / EUR 2,000,000), a document that does not answer shows ``∅ not stated`` in
italics, a failed cell says what happened (``⚠ error``, ``⚠ expired``, ``⊘ canceled``, ``⚠ file gone``)
with why in its tooltip. ``CELL_ROLE`` gives the record, ``ROW_ROLE`` the row's ``GridRow``,
``SORT_ROLE`` a key that sorts typed values as values (numbers as numbers, dates as dates), then the
unanswered, the failed, the empty.

Results arriving change cells through ``update_cells`` (``dataChanged`` for those cells only, never a
reset: selection and scroll stay); a reset happens only when the rows or questions themselves change
(a row's file renewed or gone changes that row's name cell only).
The model sorts itself (``sort``: one Python sort of the rows by key, then ``layoutChanged``): cheap for
thousands of rows, unlike a proxy calling Python for every comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication

from assistant.review import Cell, CellState, GridRow, Question, ReviewGrid
from assistant.review.answers import answer_body
from assistant.ui.chat.format import MARK, short

__all__ = ["CELL_ROLE", "ROW_ROLE", "SORT_ROLE", "GridModel", "cell_text", "cell_tip"]

CELL_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1
ROW_ROLE = CELL_ROLE + 1
SORT_ROLE = CELL_ROLE + 2

Index = QModelIndex | QPersistentModelIndex
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)

NOT_STATED_MARK = "∅"
_STATE_TEXT = {
    CellState.EMPTY: "",
    CellState.QUEUED: "queued…",
    CellState.RUNNING: "asking…",
    CellState.ERRORED: "⚠ error",
    CellState.EXPIRED: "⚠ expired",
    CellState.CANCELED: "⊘ canceled",
    CellState.FILE_GONE: "⚠ file gone",
}
_STATE_WHY = {
    CellState.EMPTY: "Not asked yet.",
    CellState.QUEUED: "Sent in a batch; the answer comes when the batch has ended.",
    CellState.RUNNING: "Being asked now.",
    CellState.ERRORED: "The API answered this request with an error. Re-run it.",
    CellState.EXPIRED: "The batch reached its 24-hour limit before this request ran. Re-run it.",
    CellState.CANCELED: "The batch was cancelled before this request ran. Re-run it.",
    CellState.FILE_GONE: "The file expired or was deleted on the server. Renew it, then re-run.",
}
_SORT_GROUP = {  # after the values: the unanswered, then the failed, then what has no answer yet
    CellState.NOT_ANSWERED: 2,
    CellState.ERRORED: 3,
    CellState.EXPIRED: 3,
    CellState.CANCELED: 3,
    CellState.FILE_GONE: 3,
    CellState.RUNNING: 4,
    CellState.QUEUED: 4,
    CellState.EMPTY: 5,
}


_MANY = 32  # more changed cells than this: one dataChanged over their block
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_ROLES = frozenset({DISPLAY, TOOLTIP, FONT, FOREGROUND, ACCESSIBLE, CELL_ROLE, ROW_ROLE, SORT_ROLE})


def cell_text(cell: Cell) -> str:
    """What a cell shows."""
    if cell.state is CellState.ANSWERED:
        return cell.value
    if cell.state is CellState.NOT_ANSWERED:
        return f"{NOT_STATED_MARK} {cell.value or 'not stated'}"
    return _STATE_TEXT.get(cell.state, cell.state.value)


TIP_CHARS = 300


def answer_excerpt(answer: str) -> str:
    """The start of an answer as plain text: no "ANSWER:" line, no Markdown marks, no citation marks."""
    body = MARK.sub("", answer_body(answer))
    if not body:
        return ""
    document = QTextDocument()
    document.setMarkdown(body)
    return short(document.toPlainText(), TIP_CHARS)


def cell_tip(cell: Cell) -> str:
    """A cell's tooltip: why it is so (failed cells), or the start of its answer."""
    if cell.state is CellState.ANSWERED:
        excerpt = answer_excerpt(cell.answer)
        return f"{cell.value}\n\n{excerpt}" if excerpt else cell.value
    if cell.state is CellState.NOT_ANSWERED:
        return cell.why or "The document does not answer this question."
    if cell.state.failed:
        why = cell.why or _STATE_WHY[cell.state]
        return f"{why}\n({cell.error})" if cell.error and cell.error not in why else why
    return cell.why or _STATE_WHY.get(cell.state, "")


def sort_key(cell: Cell | None) -> tuple[int, float | str]:
    if cell is None:
        return (5, "")
    if cell.state is CellState.ANSWERED:
        value = cell.sort_value
        if isinstance(value, int | float):
            return (0, float(value))
        return (1, (value if isinstance(value, str) else cell.value).casefold())
    return (_SORT_GROUP.get(cell.state, 5), cell.value.casefold())


class GridModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.review_id: int | None = None
        self._rows: list[GridRow] = []
        self._questions: list[Question] = []
        self._cells: dict[tuple[int, int], Cell] = {}
        self._keys: dict[tuple[int, int], tuple[int, float | str]] = {}  # each cell's sort key, kept
        self._row_of: dict[int, int] = {}  # file row id -> row
        self._col_of: dict[int, int] = {}  # question id -> column
        self._italic = QFont()
        self._italic.setItalic(True)
        self._brushes = _brushes()

    # ------------------------------------------------------------------------------ the contents
    @property
    def rows(self) -> list[GridRow]:
        return list(self._rows)

    @property
    def questions(self) -> list[Question]:
        return list(self._questions)

    def cells(self) -> list[Cell]:
        return list(self._cells.values())

    def cell(self, file_row_id: int, question_id: int) -> Cell | None:
        return self._cells.get((file_row_id, question_id))

    def set_grid(self, grid: ReviewGrid) -> None:
        """Show ``grid``. Same review, rows and questions: only the cells that differ change
        (``dataChanged``); otherwise the model is reset (the structure changed)."""
        rows, questions = list(grid.rows), list(grid.review.questions)
        same = (
            grid.review.id == self.review_id
            and questions == self._questions
            and len(rows) == len(self._row_of)
            and all(r.file_row_id in self._row_of for r in rows)
        )
        if same:  # the same rows (a file renewed, gone or used meanwhile): changed in place, no reset
            self._update_rows(rows)
            self.update_cells(grid.cells.values())
            return
        order = (
            {r.file_row_id: i for i, r in enumerate(self._rows)} if grid.review.id == self.review_id else {}
        )
        self.beginResetModel()
        self.review_id = grid.review.id
        if order:  # the same review: its rows keep the order they were sorted in
            rows.sort(key=lambda r: order.get(r.file_row_id, len(order)))
        self._rows, self._questions = rows, questions
        self._cells = {(c.file_row_id, c.question_id): c for c in grid.cells.values()}
        self._keys = {key: sort_key(cell) for key, cell in self._cells.items()}
        self._index()
        self.endResetModel()

    def update_cells(self, cells: Iterable[Cell]) -> int:
        """Put these cells in (those of other reviews or unknown rows are ignored); ``dataChanged`` for
        each changed cell, or, for many cells (a batch's results), once over their block without
        comparing. Returns how many were put in."""
        cells = list(cells)
        if len(cells) > _MANY:  # a whole batch read again: no comparing, one signal over the block
            return self._update_many(cells)
        changed: list[tuple[int, int]] = []
        for cell in cells:
            if cell.review_id != self.review_id:
                continue
            key = (cell.file_row_id, cell.question_id)
            row, col = self._row_of.get(key[0]), self._col_of.get(key[1])
            if row is None or col is None or self._cells.get(key) == cell:
                continue
            self._cells[key] = cell
            self._keys[key] = sort_key(cell)
            changed.append((row, col))
        for row, col in changed:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)
        return len(changed)

    def _update_rows(self, rows: list[GridRow]) -> None:
        """The same files with news (a new record, gone or back): each row's first column changes."""
        for new in rows:
            at = self._row_of[new.file_row_id]
            if self._rows[at] != new:
                self._rows[at] = new
                index = self.index(at, 0)
                self.dataChanged.emit(index, index)

    def _update_many(self, cells: list[Cell]) -> int:
        rows: list[int] = []
        cols: list[int] = []
        row_of, col_of, store, keys = self._row_of, self._col_of, self._cells, self._keys
        for cell in cells:
            key = (cell.file_row_id, cell.question_id)
            row, col = row_of.get(key[0]), col_of.get(key[1])
            if row is None or col is None or cell.review_id != self.review_id:
                continue
            store[key] = cell
            keys[key] = sort_key(cell)
            rows.append(row)
            cols.append(col)
        if rows:
            self.dataChanged.emit(self.index(min(rows), min(cols)), self.index(max(rows), max(cols)))
        return len(rows)

    def _index(self) -> None:
        self._row_of = {r.file_row_id: i for i, r in enumerate(self._rows)}
        self._col_of = {q.id: i + 1 for i, q in enumerate(self._questions)}

    # ------------------------------------------------------------------------------ the model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._rows) if not parent.isValid() else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self._questions)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        if section == 0:
            return "File" if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 < section <= len(self._questions):
            return None
        question = self._questions[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return question.text
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = f" ({', '.join(question.categories)})" if question.categories else ""
            return f"{question.text}\nAnswer type: {question.type.label}{extra}"
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # painting asks every visible cell for a dozen roles: unknown ones leave first, plain ints compare
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        grid_row = self._rows[row]
        if col == 0:
            return self._name_data(grid_row, role)
        cell = self._cells.get((grid_row.file_row_id, self._questions[col - 1].id))
        if role == DISPLAY:
            return "" if cell is None else cell_text(cell)
        if role == CELL_ROLE:
            return cell
        if role == ROW_ROLE:
            return grid_row
        if role == SORT_ROLE:
            return sort_key(cell)
        if cell is None:
            return None
        state = cell.state
        if role == FOREGROUND:
            return self._brushes.get(state)
        if role == FONT:
            return None if state is CellState.ANSWERED or state is CellState.EMPTY else self._italic
        if role == TOOLTIP:
            return cell_tip(cell)
        return f"{cell_text(cell)}. {cell_tip(cell)}"  # ACCESSIBLE

    def _name_data(self, row: GridRow, role: int) -> Any:
        if role == DISPLAY:
            return row.name
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return (0, row.name.casefold())
        if role == TOOLTIP:
            if row.record is None:
                return f"{row.name}: no longer in the catalog"
            if row.gone:
                return f"{row.name}: expired or deleted on the server; Renew it to re-run"
            return row.name
        if role == FOREGROUND and (row.gone or row.record is None):
            return self._brushes.get(CellState.FILE_GONE)
        return None

    def follow_palette(self) -> None:
        """The colours for the theme now in use (call when the palette changes)."""
        self._brushes = _brushes()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._questions)), [FOREGROUND]
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < self.columnCount() or not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self._rows[i.row()].file_row_id, i.column()) for i in old]
        keyed: list[tuple[tuple[int, float | str], GridRow]]
        if column == 0:
            keyed = [((0, r.name.casefold()), r) for r in self._rows]
        else:
            qid = self._questions[column - 1].id
            empty = sort_key(None)
            keys = self._keys
            keyed = [(keys.get((r.file_row_id, qid), empty), r) for r in self._rows]
        # failed, unanswered and empty cells stay below the values whichever way values are sorted
        values = [k for k in keyed if k[0][0] <= 1]
        rest = [k for k in keyed if k[0][0] > 1]
        values.sort(key=lambda k: k[0], reverse=order is Qt.SortOrder.DescendingOrder)
        rest.sort(key=lambda k: k[0])
        self._rows = [r for _, r in values + rest]
        self._index()
        self.changePersistentIndexList(old, [self.index(self._row_of[fid], col) for fid, col in old_ids])
        self.layoutChanged.emit()


def _brushes() -> dict[CellState, QBrush]:
    """The text colour of each state that has one: failed red (lighter on a dark theme), the not stated
    and the pending greyed."""
    palette = QApplication.palette()
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    failed = QBrush(QColor("#ff6b6b") if dark else QColor("#b00020"))
    grey = QBrush(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
    return {
        **{s: failed for s in CellState if s.failed},
        **{s: grey for s in (CellState.NOT_ANSWERED, CellState.QUEUED, CellState.RUNNING)},
    }
