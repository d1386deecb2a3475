"""The Review tab's buttons follow what exists (issue 11 fixes, item 6): with no review yet nothing can
be run, re-run or exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from tests.support import Windows
from tests.ui.review.test_review_window import label, open_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_with_no_review_yet_nothing_can_be_run_re_run_or_exported(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = open_window(windows, tmp_path, sandbox, qtbot)
    window.review.show()
    qtbot.waitUntil(lambda: "Review these" in label(window, "reviewStatus"), timeout=30_000)
    assert label(window, "reviewTitle") == "No review yet"
    for name in (
        "reviewRerunFailedButton",
        "reviewRerunCellButton",
        "runReviewButton",
        "runReviewNowButton",
        "cancelReviewButton",
        "reviewExportButton",
    ):
        button = window.findChild(QWidget, name)
        assert button is not None and not button.isEnabled(), name


LONG = (
    "Cost $0.0412 · $0.0824 if run interactively (saved $0.0412) · to run: ≈ $0.0150 as a batch · "
    "$0.0300 if run now · 15 requests · 32.1k input tokens"
)


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_the_cost_line_is_read_whole_at_small_screens(
    size: tuple[int, int], tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QApplication, QLabel

    window = open_window(windows, tmp_path, sandbox, qtbot)
    window.review.show()
    window.resize(*size)
    panel = window.review_panel
    panel.cost.set_line(LONG, "how it is counted")
    cost = window.findChild(QLabel, "reviewCost")
    qtbot.waitUntil(cost.isVisible, timeout=5_000)
    QApplication.processEvents()
    qtbot.wait(50)
    assert cost.text() == LONG and "$" in cost.text()
    assert QLabel.text(cost) == LONG, "the label shows the whole line (nothing cut to …)"
    room = cost.contentsRect()
    if cost.wordWrap():
        assert cost.heightForWidth(cost.width()) <= cost.height() + 1, "every wrapped line has its room"
        assert cost.fontMetrics().height() * 3 > room.height(), "two lines at most"
    else:
        assert cost.fontMetrics().horizontalAdvance(LONG) <= room.width()
