"""``GridColumns``: the review grid's column headers. Left-aligned and cut at the right ("What is the
notice…", the whole question in the header's tooltip); each question's column starts as wide as its
question reads (within bounds), and keeps the width the user drags it to while the review is on show
(a question added or a re-sort resets the model, not the widths)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from assistant.review import Question

__all__ = ["FILE_WIDTH", "MAX_WIDTH", "MIN_WIDTH", "GridColumns"]

MIN_WIDTH = 130  # "EUR 2,000,000", "2025-03-31" and "∅ not stated" fit
MAX_WIDTH = 280  # a long question is cut; a few columns still fit beside the files
FILE_WIDTH = 240  # at most: a longer name is cut, its tooltip has it whole


class GridColumns(QObject):
    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._widths: dict[int, int] = {}  # question id -> width (set here or dragged by the user)
        self._questions: list[Question] = []
        self._setting = False
        header = view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(MIN_WIDTH)
        header.setMinimumSectionSize(48)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.sectionResized.connect(self._resized)

    def initial_width(self, question: Question) -> int:
        """As wide as the question reads, with room for the sort arrow, within bounds."""
        header = self._view.horizontalHeader()
        text = header.fontMetrics().horizontalAdvance(question.text)
        return max(MIN_WIDTH, min(MAX_WIDTH, text + 36))

    def set_questions(
        self, questions: Sequence[Question], *, new_review: bool, names: Sequence[str] = ()
    ) -> None:
        """After a reset of the model: every column its width (kept, or its initial one); a new
        review's file column as wide as its longest name (within bounds)."""
        if new_review:
            self._widths.clear()
        self._questions = list(questions)
        header = self._view.horizontalHeader()
        self._setting = True
        try:
            if new_review or header.sectionSize(0) == header.defaultSectionSize():
                header.resizeSection(0, self._file_width(names))
            for column, question in enumerate(questions, 1):
                width = self._widths.setdefault(question.id, self.initial_width(question))
                header.resizeSection(column, width)
        finally:
            self._setting = False

    def _file_width(self, names: Sequence[str]) -> int:
        metrics = self._view.fontMetrics()
        longest = max((metrics.horizontalAdvance(n) for n in names[:2000]), default=0)
        return max(MIN_WIDTH, min(FILE_WIDTH, longest + 16))

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._setting or not 0 < column <= len(self._questions):
            return
        header = self._view.horizontalHeader()
        if header.stretchLastSection() and column == header.count() - 1:
            return  # the last column fills the rest of the view: not a width the user chose
        self._widths[self._questions[column - 1].id] = new
