"""The review window tests' shared setup: contracts added and selected in a window, a review of them
with its questions, and a window with that review answered (three contracts, a number and a yes/no
question, run now)."""

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
NOTICE = ("What is the notice period?", AnswerType.NUMBER)
REMOTE = ("Is remote work allowed?", AnswerType.YES_NO)


def add_and_select(window: MainWindow, tmp_path: Path, qtbot: Any, contracts: dict[str, str]) -> None:
    """Writes ``contracts`` (name: text) to files, adds them, and selects them all in the files table."""
    for name, text in contracts.items():
        (tmp_path / name).write_text(text + "\n", "utf-8")
    window.add_paths([tmp_path / n for n in contracts])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == len(contracts), timeout=WAIT)
    window.files_panel.table.selectAll()


def review_selected(window: MainWindow, qtbot: Any, rows: int, *questions: tuple[str, AnswerType]) -> None:
    """Review these… on the selected files (``rows`` of them), then each question added."""
    window.review.review_selected()
    qtbot.waitUntil(lambda: grid(window).model().rowCount() == rows, timeout=WAIT)
    for text, answer in questions:
        add_question(window, qtbot, text, answer)


@pytest.fixture
def selected(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    """A window with the three contracts added and selected."""
    window = open_window(windows, tmp_path, sandbox, qtbot)
    add_and_select(window, tmp_path, qtbot, CONTRACTS)
    return window


@pytest.fixture
def answered(selected: MainWindow, qtbot: Any) -> MainWindow:
    """Three contracts, a number question and a yes/no one, run now and answered."""
    window = selected
    review_selected(window, qtbot, 3, NOTICE, REMOTE)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "runReviewNowButton").isEnabled(), timeout=WAIT)
    qtbot.mouseClick(window.findChild(QWidget, "runReviewNowButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(s.done for s in states(window)), timeout=WAIT)
    return window
