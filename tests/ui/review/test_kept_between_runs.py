"""The last open tab (Chat or Review) and the review on show are kept between runs (issue 11), in the
window's window.ini, through the real window against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTabWidget

from assistant.ui.main_window import MainWindow
from tests.support import Windows

from .test_review_window import WAIT, grid, open_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _restart(window: MainWindow, windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    window.close()
    window.composition.shutdown()
    return open_window(windows, tmp_path, sandbox, qtbot)


def _tabs(window: MainWindow) -> QTabWidget:
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert tabs is not None
    return tabs


def test_the_open_tab_and_the_review_on_show_are_kept(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = open_window(windows, tmp_path, sandbox, qtbot)
    names = ["alpha.txt", "beta.txt", "gamma.txt"]
    for name in names:
        (tmp_path / name).write_text(f"{name}: the notice period is 30 days.\n", "utf-8")
    window.add_paths([tmp_path / n for n in names])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 3, timeout=WAIT)
    records = sorted(window.files_model.records(), key=lambda r: r.filename)
    review = window.review
    review.review(records[:1])  # the older review: alpha only
    qtbot.waitUntil(lambda: grid(window).model().rowCount() == 1, timeout=WAIT)
    older = review.controller.review_id
    service = review.controller.service
    assert service is not None and older is not None
    newer = service.create_review("newer", "claude-sonnet-5-5", [r.id for r in records]).id
    review.controller.open_review(older)  # the older one on show, as the picker does
    qtbot.waitUntil(lambda: review.controller.review_id == older, timeout=WAIT)
    assert _tabs(window).currentWidget() is window.review_panel

    again = _restart(window, windows, tmp_path, sandbox, qtbot)
    assert _tabs(again).currentWidget() is again.review_panel, "the Review tab was open: it is again"
    qtbot.waitUntil(lambda: again.review.controller.review_id is not None, timeout=WAIT)
    assert again.review.controller.review_id == older != newer, "the review on show, not the newest"
    assert [grid(again).model().index(r, 0).data() for r in range(1)] == ["alpha.txt"]

    _tabs(again).setCurrentWidget(again.chat_panel)
    third = _restart(again, windows, tmp_path, sandbox, qtbot)
    assert _tabs(third).currentWidget() is third.chat_panel, "the Chat tab was open: it is again"
    qtbot.waitUntil(lambda: third.review.controller.review_id == older, timeout=WAIT)

    service = third.review.controller.service
    assert service is not None
    service.delete_review(older)  # gone since: the newest is shown instead, without a complaint
    fourth = _restart(third, windows, tmp_path, sandbox, qtbot)
    qtbot.waitUntil(lambda: fourth.review.controller.review_id == newer, timeout=WAIT)
    assert grid(fourth).model().rowCount() == 3
    assert not fourth.review_panel.message.isVisibleTo(fourth.review_panel)
