"""Export as the user sees the grid (issue 11 fixes): rows in the grid's sort order, one message that says
what happened last, numbers as numbers in XLSX."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from assistant.review import CellState
from assistant.ui.main_window import MainWindow
from tests.ui.review.test_review_window import CONTRACTS, grid, label, states

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def export(window: MainWindow, qtbot: Any, path: Path) -> None:
    with qtbot.waitSignal(window.review_panel.exported, timeout=WAIT):
        window.review_panel.export(path)


def test_exports_list_the_rows_in_the_order_the_grid_shows(
    answered: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    view = grid(answered)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # File, Z to A
    shown = [view.model().index(r, 0).data() for r in range(3)]
    assert shown == sorted(CONTRACTS, reverse=True)
    for suffix in (".csv", ".xlsx", ".md"):
        export(answered, qtbot, tmp_path / f"sorted{suffix}")
    with (tmp_path / "sorted.csv").open(encoding="utf-8-sig", newline="") as f:
        assert [r[0] for r in list(csv.reader(f))[1:]] == shown
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "sorted.xlsx").active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == shown
    md = (tmp_path / "sorted.md").read_text("utf-8")
    assert [md.index(f"| {name} |") for name in shown] == sorted(md.index(f"| {name} |") for name in shown)

    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    export(answered, qtbot, tmp_path / "again.csv")
    with (tmp_path / "again.csv").open(encoding="utf-8-sig", newline="") as f:
        assert [r[0] for r in list(csv.reader(f))[1:]] == sorted(CONTRACTS)
    assert CellState.ANSWERED in states(answered)
    assert label(answered, "reviewStatus")


def test_an_export_leaves_one_message_of_what_happened_last(
    answered: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    panel = answered.review_panel
    export(answered, qtbot, tmp_path / "first.csv")
    assert "Exported to" in label(answered, "reviewStatus")
    panel.export(tmp_path / "grid.pdf")  # refused
    assert "suffixes" in label(answered, "reviewMessage") and panel.message.isVisible()
    assert "Exported to" not in label(answered, "reviewStatus"), "the old success is gone"
    export(answered, qtbot, tmp_path / "second.md")
    assert "second.md" in label(answered, "reviewStatus")
    assert not panel.message.isVisible(), "the old error is gone"
    blocked = tmp_path / "no-such-folder" / "third.csv"
    with qtbot.waitSignal(answered.review.controller.said, timeout=WAIT):
        panel.export(blocked)
    assert "third.csv" in label(answered, "reviewMessage")
    assert "Exported to" not in label(answered, "reviewStatus")
