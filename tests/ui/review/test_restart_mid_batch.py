"""A batch picked up after a restart (issue 11 fixes, item 1): while it runs the view says so: Cancel is
on, the Run buttons are off, and the cost line says what is in flight (not "every cell has its answer");
Cancel stops it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from assistant.review import CellState
from assistant.ui.main_window import MainWindow
from tests.support import Windows
from tests.ui.review.conftest import NOTICE, REMOTE, review_selected
from tests.ui.review.test_review_window import grid, label, open_window, states

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_a_batch_picked_up_after_a_restart_can_be_cancelled_and_says_it_runs(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any, selected: MainWindow
) -> None:
    window = selected
    review_selected(window, qtbot, 3, NOTICE, REMOTE)
    qtbot.waitUntil(lambda: "6 requests" in label(window, "reviewCost"), timeout=WAIT)

    sandbox.batches.pace = 3.0  # slow: the batch is still running after the restart
    qtbot.mouseClick(window.findChild(QWidget, "runReviewButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "in progress" in label(window, "reviewStatus"), timeout=WAIT)
    window.close()
    window.composition.shutdown()

    again = open_window(windows, tmp_path, sandbox, qtbot)
    again.review.show()
    qtbot.waitUntil(lambda: grid(again).model().rowCount() == 3, timeout=WAIT)
    qtbot.waitUntil(
        lambda: bool(re.search(r"in progress: \d of 6", label(again, "reviewStatus"))), timeout=WAIT
    )
    assert CellState.QUEUED in states(again)
    cancel = again.findChild(QWidget, "cancelReviewButton")
    qtbot.waitUntil(cancel.isEnabled, timeout=WAIT)
    assert not again.findChild(QWidget, "runReviewButton").isEnabled()
    assert not again.findChild(QWidget, "runReviewNowButton").isEnabled()
    qtbot.wait(1000)  # an estimate (if one were asked) has come back by now
    cost = label(again, "reviewCost")
    assert "every cell has its answer" not in cost
    assert "in flight" in cost.lower() and "6 requests" in cost, cost
    assert cancel.isEnabled(), "Cancel stays on while the batch runs"

    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not any(s.pending for s in states(again)), timeout=WAIT)
    assert CellState.CANCELED in states(again)
    qtbot.waitUntil(lambda: again.findChild(QWidget, "runReviewButton").isEnabled(), timeout=WAIT)
    assert not cancel.isEnabled()
