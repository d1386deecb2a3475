"""The grid as the user sees it (issue 11 fixes): the File column stays in view when the grid scrolls
sideways; a cell's tooltip reads as text."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QTableView

from assistant.ui.main_window import MainWindow
from tests.ui.review.test_review_window import grid

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def shown_at(view: QTableView, point: QPoint) -> Any:
    """What is painted at ``point`` of the grid's viewport: the index of the topmost view there."""
    widget = view.childAt(view.viewport().mapTo(view, point))
    while widget is not None and not isinstance(widget, QTableView):
        widget = widget.parentWidget()
    owner = widget if isinstance(widget, QTableView) else view
    return owner.indexAt(owner.viewport().mapFromGlobal(view.viewport().mapToGlobal(point)))


def test_the_file_column_stays_beside_the_values_when_the_grid_scrolls_sideways(
    answered: MainWindow, qtbot: Any
) -> None:
    view = grid(answered)
    view.window().resize(900, 600)
    for column in (1, 2):
        view.setColumnWidth(column, 900)  # wider than the grid: it scrolls sideways
    model = view.model()
    view.setCurrentIndex(model.index(1, 2))  # choosing the last cell scrolls to it
    qtbot.waitUntil(lambda: view.horizontalScrollBar().value() > 0)
    y = view.visualRect(model.index(1, 0)).center().y()
    index = shown_at(view, QPoint(5, y))
    assert index.isValid() and index.column() == 0 and index.row() == 1
    assert index.data() == model.index(1, 0).data()
    cell = view.visualRect(model.index(1, 2))
    assert cell.left() >= view.columnWidth(0) - 1, "the chosen cell is not under the file names"


def test_scrolled_sideways_no_column_shows_its_tail_beside_the_file_names(
    answered: MainWindow, qtbot: Any
) -> None:
    """By pixels, the column under the file names showed the end of its values ("s" of "Yes")."""
    view = grid(answered)
    view.window().resize(900, 600)
    for column in (1, 2):
        view.setColumnWidth(column, 500)  # together wider than the grid: it scrolls sideways
    bar = view.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    edge = view.columnWidth(0)
    for value in (7, 180, 420, bar.maximum(), 60, 0):  # the bar dragged, forwards and back
        bar.setValue(value)
        for column in (1, 2):
            rect = view.visualRect(view.model().index(0, column))
            assert rect.left() >= edge - 1 or rect.right() <= edge, (value, column, rect.left(), edge)
    bar.setValue(bar.maximum())
    last = view.visualRect(view.model().index(0, 2))
    assert last.left() >= edge - 1, "the last column can be brought beside the file names"
    view.setCurrentIndex(view.model().index(0, 2))
    view.resize(view.width() - 150, view.height())  # narrowed (the source pane opens): still at a stop
    qtbot.waitUntil(lambda: view.viewport().width() < 400)
    for column in (1, 2):
        rect = view.visualRect(view.model().index(0, column))
        assert rect.left() >= edge - 1 or rect.right() <= edge, ("narrowed", column, rect.left(), edge)


def test_re_run_cell_shows_the_cell_running_until_its_new_answer(answered: MainWindow, qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from assistant.ui.review.grid_model import CELL_ROLE
    from tests.ui.review.test_review_window import label

    view, model = grid(answered), grid(answered).model()
    view.setCurrentIndex(model.index(0, 1))
    before = model.index(0, 1).data(CELL_ROLE)
    qtbot.mouseClick(answered.findChild(QWidget, "reviewRerunCellButton"), Qt.MouseButton.LeftButton)
    assert model.index(0, 1).data() in ("asking…", "running…"), "the cell says it runs, at once"
    assert "again" in label(answered, "reviewStatus")
    qtbot.waitUntil(lambda: model.index(0, 1).data(CELL_ROLE).state.done, timeout=30_000)
    after = model.index(0, 1).data(CELL_ROLE)
    assert after.value == before.value and after is not before
    qtbot.waitUntil(lambda: "answered" in label(answered, "reviewStatus"), timeout=30_000)


def test_the_source_pane_follows_the_chosen_cells_file_or_closes_saying_why(
    answered: MainWindow, qtbot: Any
) -> None:
    from dataclasses import replace

    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QWidget

    from assistant.ui.review.grid_model import CELL_ROLE
    from tests.ui.review.test_review_window import label

    panel = answered.review_panel
    view, model = grid(answered), grid(answered).model()
    view.setCurrentIndex(model.index(0, 1))
    assert model.index(0, 1).data(CELL_ROLE).citations
    panel.detail.text.anchorClicked.emit(QUrl("cite:1"))
    pane = answered.findChild(QWidget, "reviewSourceViewer")
    first, second = model.index(0, 0).data(), model.index(1, 0).data()
    qtbot.waitUntil(lambda: first in pane.title.text(), timeout=30_000)

    view.setCurrentIndex(model.index(1, 1))  # another file's cell: the pane shows that file
    qtbot.waitUntil(lambda: second in pane.title.text(), timeout=30_000)

    bare = replace(model.index(2, 1).data(CELL_ROLE), citations=())  # as an image's answer: nothing cited
    model.update_cells([bare])
    view.setCurrentIndex(model.index(2, 1))
    assert pane.isHidden(), "the pane does not go on showing another file"
    assert "cites no passage" in label(answered, "reviewStatus")
