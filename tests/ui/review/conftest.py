"""A window with a review answered (three contracts, a number and a yes/no question, run now)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from assistant.review import AnswerType
from assistant.ui.main_window import MainWindow
from tests.support import Windows
from tests.ui.review.test_review_window import CONTRACTS, add_question, grid, open_window, states

WAIT = 30_000


@pytest.fixture
def answered(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    """Three contracts, a number question and a yes/no one, run now and answered."""
    window = open_window(windows, tmp_path, sandbox, qtbot)
    for name, text in CONTRACTS.items():
        (tmp_path / name).write_text(text + "\n", "utf-8")
    window.add_paths([tmp_path / n for n in CONTRACTS])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 3, timeout=WAIT)
    window.files_panel.table.selectAll()
    window.review.review_selected()
    qtbot.waitUntil(lambda: grid(window).model().rowCount() == 3, timeout=WAIT)
    add_question(window, qtbot, "What is the notice period?", AnswerType.NUMBER)
    add_question(window, qtbot, "Is remote work allowed?", AnswerType.YES_NO)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "runReviewNowButton").isEnabled(), timeout=WAIT)
    qtbot.mouseClick(window.findChild(QWidget, "runReviewNowButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(s.done for s in states(window)), timeout=WAIT)
    return window
