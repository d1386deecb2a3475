"""A narrow files table keeps the name's room first (issues 11 and 12): with the Review tab's source
pane open on a 1024x700 screen the files side is at its least, and a name was cut to "epsi….txt" while
Expires and State kept their room. Now the other columns give way until the name reads, and come back
when the pane closes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTabWidget

from assistant.catalog import Citation, CitationKind
from assistant.ui.files_model import Col
from assistant.ui.main_window import MainWindow
from tests.support import Windows, sandbox_keys

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
WAIT = 20_000
NAME = "epsilon-report.txt"


def shown(window: MainWindow) -> set[int]:
    header = window.files_panel.table.horizontalHeader()
    return {c for c in range(header.count()) if not header.isSectionHidden(c)}


def name_reads(window: MainWindow) -> bool:
    """The name's cell shows it whole, and no column runs off the table's edge to make it so."""
    table = window.files_panel.table
    others = sum(table.columnWidth(c) for c in shown(window) if c != Col.NAME)
    seen = min(table.columnWidth(Col.NAME), table.viewport().width() - others)
    padding = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 8
    return seen - padding >= table.fontMetrics().horizontalAdvance(NAME)


def narrowed(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> tuple[MainWindow, set[int]]:
    """A 1024x700 window with a set, its file's citation open beside the Review tab; the columns
    shown before it opened."""
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    (tmp_path / NAME).write_text("Epsilon: the notice period is 30 days.\n", "utf-8")
    window.add_paths([tmp_path / NAME])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 1, timeout=WAIT)
    record = window.files_model.record(0)
    window.create_set("Reports", [record])  # reviewed as a set: the sets sidebar beside the table
    window.sets.show_sidebar()
    qtbot.waitUntil(lambda: window.sets.splitter.sizes()[0] > 0, timeout=WAIT)
    qtbot.wait(50)
    before = shown(window)
    assert {Col.NAME, Col.EXPIRES} <= before and name_reads(window)

    window.review.review([record])
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert tabs.currentWidget() is window.review_panel
    quote = Citation(CitationKind.CHAR, "the notice period is 30 days", 0, NAME, record.file_id, 9, 37, 0)
    source = window.review_panel.source
    source.open(record, (quote,), 1)
    assert source.pane is not None
    qtbot.waitUntil(lambda: source.pane is not None and source.pane.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] < 400, timeout=WAIT)  # the files side yielded
    qtbot.waitUntil(lambda: name_reads(window), timeout=WAIT)
    assert Col.STATE not in shown(window), "State gave its room to the name"

    return window, before


def test_the_name_keeps_its_room_beside_the_review_source_pane(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window, before = narrowed(tmp_path, sandbox, windows, qtbot)
    source = window.review_panel.source
    # the pane closes: the files side gets its width back, and the columns come back
    source.pane.close_button.click()
    qtbot.waitUntil(lambda: shown(window) == before, timeout=WAIT)
    assert name_reads(window)


def test_columns_that_gave_way_are_shown_again_at_the_next_start(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    """Closed while the source pane was open, the header's state was saved with the columns hidden for
    room: they stayed hidden at every later start, whatever the room."""
    window, _before = narrowed(tmp_path, sandbox, windows, qtbot)
    assert Col.STATE not in shown(window)
    window.close()  # closed while State had given way
    window.composition.shutdown()

    again = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: again.session.services is not None, timeout=WAIT)
    again.resize(1024, 700)
    again.show()
    qtbot.waitExposed(again)
    assert Col.STATE in shown(again), "a column hidden for room is not kept hidden"
