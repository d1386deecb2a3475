"""The source pane's room (issue 13, review items 1 and 2): opened, the files side yields for it and
gets its width back when it closes; the width the person gives it is kept: closed and opened again,
and after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.catalog import CitationKind
from assistant.ui.main_window import MainWindow
from tests.support import REPORT_TEXT, Windows
from tests.ui.test_source_pane import WAIT, ask, click_citation, first, open_window, upload

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _cite(window: MainWindow, qtbot: Any) -> Any:
    turn = ask(window, qtbot, "How much did the restoration cost, who paid, and when was the lamp replaced?")
    number, _ = first(turn, CitationKind.CHAR)
    return click_citation(window, qtbot, turn, number)


def test_the_width_given_to_the_pane_is_kept_closed_and_after_a_restart(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = open_window(windows, tmp_path, sandbox, qtbot)
    report = tmp_path / "report.txt"
    report.write_text(REPORT_TEXT, "utf-8")
    upload(window, qtbot, report)
    files_before = window.splitter.sizes()[0]
    pane = _cite(window, qtbot)
    chat = window.chat_panel.splitter
    mine = chat.indexOf(pane)
    assert window.splitter.sizes()[0] < files_before, "the files side yields to the pane"

    # the person drags the pane's edge: 430 px wide
    chat.moveSplitter(pane.x() - chat.handleWidth() + pane.width() - 430, mine)
    qtbot.waitUntil(lambda: pane.width() == 430, timeout=WAIT)

    # closed: the files side gets its width back; opened again: 430 px
    pane.close_button.click()
    qtbot.waitUntil(lambda: abs(window.splitter.sizes()[0] - files_before) <= 1, timeout=WAIT)  # Qt rounds
    pane = _cite(window, qtbot)
    qtbot.waitUntil(lambda: pane.width() == 430, timeout=WAIT)

    # a restart (closed with the pane open): the files side as it was, the pane 430 px when opened
    window.close()
    window = open_window(windows, tmp_path, sandbox, qtbot)
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 1, timeout=WAIT)
    assert abs(window.splitter.sizes()[0] - files_before) <= 1
    assert not window.source.pane.isVisible()
    pane = _cite(window, qtbot)
    qtbot.waitUntil(lambda: pane.width() == 430, timeout=WAIT)
