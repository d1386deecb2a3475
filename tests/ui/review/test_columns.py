"""The grid's column headers (issue 11): left-aligned and cut at the right, the whole question in the
header's tooltip, question columns as wide as their question reads (within bounds) and kept at the
width the user drags them to when a question is added."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel

from assistant.bridge import TaskRunner
from assistant.catalog import Usage
from assistant.review import (
    AnswerType,
    GridRow,
    Question,
    Review,
    ReviewCost,
    ReviewEstimate,
    ReviewGrid,
)
from assistant.ui.review.controller import ReviewController
from assistant.ui.review.panel import ReviewPanel

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
NOW = datetime(2026, 1, 5, tzinfo=UTC)
LONG = "What is the notice period for terminating the agreement without cause, in days?"
SHORT = "Cap?"


def _grid(*texts: str) -> ReviewGrid:
    questions = tuple(Question(100 + n, 1, t, AnswerType.TEXT) for n, t in enumerate(texts))
    review = Review(1, "r", "claude-sonnet-5-5", (1, 2), questions, NOW, NOW)
    rows = (GridRow(1, "alpha-supplier-contract.txt", None), GridRow(2, "beta.txt", None))
    return ReviewGrid(review, rows, {})


@pytest.fixture
def panel(qtbot: Any) -> Any:
    runner = TaskRunner(max_threads=1)
    panel = ReviewPanel(ReviewController(runner, model=lambda: "claude-sonnet-5-5"), runner)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    panel.shutdown()
    assert runner.shutdown(5000)


def test_headers_are_left_aligned_cut_at_the_right_with_the_question_in_the_tooltip(panel: Any) -> None:
    panel.show_grid(_grid(LONG, SHORT, "Is remote work allowed?"))
    header: QHeaderView = panel.grid.horizontalHeader()
    assert header.textElideMode() == Qt.TextElideMode.ElideRight
    assert header.defaultAlignment() & Qt.AlignmentFlag.AlignLeft
    tip = panel.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert LONG in tip, "the whole question is in the header's tooltip"

    metrics = header.fontMetrics()
    wide = header.sectionSize(1)
    assert 200 <= wide <= 300 < metrics.horizontalAdvance(LONG), "a long question: a wide column, cut"
    fits = metrics.horizontalAdvance("EUR 2,000,000") + 12
    assert fits <= header.sectionSize(2) < wide, "a short question's column still fits its answers"
    assert header.sectionSize(0) >= metrics.horizontalAdvance("alpha-supplier-contract.txt")


def test_a_dragged_width_is_kept_when_a_question_is_added(panel: Any) -> None:
    panel.show_grid(_grid(LONG, SHORT))
    header = panel.grid.horizontalHeader()
    header.resizeSection(1, 150)  # as a drag does
    panel.show_grid(_grid(LONG, SHORT, "Is remote work allowed?"))
    assert panel.model.columnCount() == 4
    assert header.sectionSize(1) == 150
    assert header.sectionSize(2) < 200, "the last column filled the view; now it has its own width"


def test_a_long_cost_line_wraps_whole_and_its_tooltip_says_what_it_means(panel: Any) -> None:
    panel.show_grid(_grid(LONG, SHORT))
    panel.controller.estimated.emit(ReviewEstimate(6, 12_000, 6_144, 0.05, 0.1))
    panel.controller.cost_known.emit(ReviewCost(0.03, 0.06, cells=6, usage=Usage(9_000, 600)))
    panel.resize(500, 700)  # too narrow for one line: it wraps, nothing is cut
    line = panel.cost.text()
    assert "Cost $" in line and "to run" in line
    assert panel.cost.wordWrap() and QLabel.text(panel.cost) == line
    assert "real usage" in panel.cost.toolTip(), "with what it means"
