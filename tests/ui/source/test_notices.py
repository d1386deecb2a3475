"""What the source pane says about a text (issue 13, review item 6): a passage no longer in the file,
and a long file shown as the lines around the passage, are said in the pane's notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from assistant.catalog import CitationKind
from assistant.ui.main_window import MainWindow
from assistant.ui.source.reading import WHOLE_TEXT
from tests.support import REPORT_TEXT
from tests.ui.test_source_pane import ask, click_citation, first, upload, window

__all__ = ["window"]  # the fixture
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
QUESTION = "How much did the restoration cost, who paid, and when was the lamp replaced?"


def test_a_passage_no_longer_in_the_file_is_said(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT_TEXT, "utf-8")
    upload(window, qtbot, report)
    turn = ask(window, qtbot, QUESTION)
    number, _ = first(turn, CitationKind.CHAR)
    report.write_text("Rewritten since: nothing of the old report is left here.\n", "utf-8")
    click_citation(window, qtbot, turn, number)
    notice = window.findChild(QLabel, "sourceNotice")
    assert notice.isVisible()
    assert "The cited passage was not found in the file" in notice.text()


def test_a_long_file_says_which_lines_it_shows(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    filler = "".join(f"{n:06d} inverter heartbeat ok\n" for n in range(WHOLE_TEXT // 25 + 2000))
    log = tmp_path / "station.log"
    log.write_text(filler + REPORT_TEXT, "utf-8")
    upload(window, qtbot, log)
    turn = ask(window, qtbot, QUESTION)
    number, _ = first(turn, CitationKind.CHAR)
    pane = click_citation(window, qtbot, turn, number)
    notice = window.findChild(QLabel, "sourceNotice")
    assert notice.isVisible()
    lines = filler.count("\n") + REPORT_TEXT.count("\n") + (0 if REPORT_TEXT.endswith("\n") else 1)
    assert f"of {lines:,}, around the passage." in notice.text(), notice.text()
    assert len(pane.text_view.toPlainText()) < WHOLE_TEXT  # only the lines around it are laid out
