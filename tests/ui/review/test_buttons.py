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
