"""Review many documents at once (issue 11), through the real window against the sandbox: write two
questions, run a review of three files as a batch, watch its progress, restart the app mid-batch and
see it resume, read the results into the grid, open a cell's citation, re-run an errored cell, export
CSV and XLSX and read them back."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QTableView, QTabWidget, QWidget

from assistant.review import AnswerType, CellState, PollBackoff
from assistant.ui.main_window import MainWindow
from assistant.ui.review.grid_model import CELL_ROLE
from tests.support import Windows, sandbox_keys

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

CONTRACTS = {
    "alpha-contract.txt": "Supplier Alpha Ltd. The notice period is 30 days. Remote work is allowed.",
    "beta-contract.txt": "Supplier Beta GmbH. The notice period is 90 days. Remote work is not allowed.",
    "gamma-contract.txt": "Supplier Gamma SA. The notice period is 14 days. Cap: EUR 2,000,000.",
}


def fast_polls(window: MainWindow) -> None:
    """Poll every 0.2 s (the app's first poll waits 5 s: batches take minutes)."""
    window.review.controller.poller.backoff = lambda: PollBackoff(first=0.2, factor=1.0, cap=0.2)


def open_window(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    fast_polls(window)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    window.show()
    qtbot.waitExposed(window)
    return window


def grid(window: MainWindow) -> QTableView:
    view = window.findChild(QTableView, "reviewGrid")
    assert view is not None
    return view


def label(window: MainWindow, name: str) -> str:
    widget = window.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def cells(window: MainWindow) -> list[Any]:
    model = grid(window).model()
    return [
        model.index(r, c).data(CELL_ROLE)
        for r in range(model.rowCount())
        for c in range(1, model.columnCount())
    ]


def states(window: MainWindow) -> list[CellState]:
    return [c.state if c is not None else CellState.EMPTY for c in cells(window)]


def add_question(window: MainWindow, qtbot: Any, text: str, answer: AnswerType) -> None:
    edit = window.findChild(QWidget, "reviewQuestionEdit")
    columns = grid(window).model().columnCount()
    qtbot.keyClicks(edit, text)
    kind = window.review_panel.questions.kind
    kind.setCurrentIndex(kind.findData(answer.value))
    qtbot.mouseClick(window.findChild(QWidget, "addQuestionButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: grid(window).model().columnCount() == columns + 1, timeout=WAIT)


def test_a_review_runs_as_a_batch_survives_a_restart_and_exports(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any, selected: MainWindow
) -> None:
    window = selected  # the three contracts added and selected

    # Review these… opens the Review tab on the selected files
    action = window.findChild(QAction, "reviewSelectedAction")
    assert action is not None and action.isEnabled()
    menu = window.files_panel.build_menu(window.files_panel.selected())
    assert action in menu.actions(), "Review these… is in the files' context menu"
    review_menu = window.findChild(QMenu, "reviewMenu")
    assert action in review_menu.actions()
    action.trigger()
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert tabs.currentWidget() is window.review_panel
    qtbot.waitUntil(lambda: grid(window).model().rowCount() == 3, timeout=WAIT)
    model = grid(window).model()
    assert sorted(model.index(r, 0).data() for r in range(3)) == sorted(CONTRACTS)

    # an empty question is refused with a clear message; nothing is added
    qtbot.mouseClick(window.findChild(QWidget, "addQuestionButton"), Qt.MouseButton.LeftButton)
    assert "empty" in label(window, "reviewMessage")
    add_question(window, qtbot, "What is the notice period?", AnswerType.NUMBER)
    add_question(window, qtbot, "Is remote work allowed?", AnswerType.YES_NO)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "File",
        "What is the notice period?",
        "Is remote work allowed?",
    ]
    qtbot.waitUntil(lambda: "$" in label(window, "reviewCost"), timeout=WAIT)
    before = label(window, "reviewCost")
    assert "as a batch" in before and "6 requests" in before

    # run as a batch: one request errors; the batch goes slowly enough to be seen in progress
    sandbox.batches.pace = 0.6
    sandbox.faults.set("batch_request:erroredx1")
    qtbot.mouseClick(window.findChild(QWidget, "runReviewButton"), Qt.MouseButton.LeftButton)
    progress = re.compile(r"in progress: ([1-5]) of 6")
    qtbot.waitUntil(lambda: progress.search(label(window, "reviewStatus")) is not None, timeout=WAIT)
    assert CellState.QUEUED in states(window)

    # restart mid-batch: the new window picks the batch up again and reads its results
    window.close()
    window.composition.shutdown()
    again = open_window(windows, tmp_path, sandbox, qtbot)
    qtbot.mouseClick(again.findChild(QWidget, "reviewToolButton"), Qt.MouseButton.LeftButton)
    assert again.findChild(QTabWidget, "mainTabs").currentWidget() is again.review_panel
    qtbot.waitUntil(lambda: grid(again).model().rowCount() == 3, timeout=WAIT)
    assert grid(again).model().columnCount() == 3, "the questions are in the catalog"
    qtbot.waitUntil(
        lambda: all(not s.pending for s in states(again)) and CellState.EMPTY not in states(again),
        timeout=WAIT,
    )
    final = states(again)
    assert final.count(CellState.ERRORED) == 1 and sum(s.done for s in final) == 5
    assert (
        "ended: 6 of 6" in label(again, "reviewStatus")
        or "5 answered" in label(again, "reviewStatus")
        or ("answered" in label(again, "reviewStatus"))
    )
    qtbot.waitUntil(lambda: "Cost $" in label(again, "reviewCost"), timeout=WAIT)
    assert "if run interactively" in label(again, "reviewCost")

    # choose an answered cell: its answer and citations; a citation opens the document beside the grid
    view, gm = grid(again), grid(again).model()
    answered = next(
        gm.index(r, c)
        for r in range(3)
        for c in (1, 2)
        if (cell := gm.index(r, c).data(CELL_ROLE)) is not None and cell.citations
    )
    view.setCurrentIndex(answered)
    detail = again.review_panel.detail
    assert "Sources" in detail.text.toHtml()
    detail.text.anchorClicked.emit(QUrl("cite:1"))
    pane = again.findChild(QWidget, "reviewSourceViewer")
    assert pane is not None
    qtbot.waitUntil(pane.isVisible, timeout=WAIT)
    name = gm.index(answered.row(), 0).data()
    qtbot.waitUntil(lambda: name in pane.title.text(), timeout=WAIT)

    # re-run the errored cell (now): it gets its answer
    errored = next(
        gm.index(r, c)
        for r in range(3)
        for c in (1, 2)
        if gm.index(r, c).data(CELL_ROLE).state is CellState.ERRORED
    )
    view.setCurrentIndex(errored)
    rerun = again.findChild(QWidget, "reviewRerunCellButton")
    assert rerun.isEnabled()
    qtbot.mouseClick(rerun, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: gm.index(errored.row(), errored.column()).data(CELL_ROLE).state.done, timeout=WAIT
    )

    # export CSV and XLSX, and read them back
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"review{suffix}"
        with qtbot.waitSignal(again.review_panel.exported, timeout=WAIT):
            again.review_panel.export(path)
        assert path.exists()
    with (tmp_path / "review.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "File" and "What is the notice period?" in rows[0]
    assert sorted(r[0] for r in rows[1:]) == sorted(CONTRACTS)
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "review.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "File" and "Is remote work allowed?" in values[0]
    assert sorted(v[0] for v in values[1:4]) == sorted(CONTRACTS)
    shown = {gm.index(r, 0).data(): gm.index(r, 1).data(CELL_ROLE).value for r in range(3)}
    column = rows[0].index("What is the notice period?")
    assert {r[0]: r[column] for r in rows[1:]} == shown, "the CSV holds the grid's values"
