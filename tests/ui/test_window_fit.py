"""The window fits its screen and its toolbar holds still (issue 10, items 8 and 11), through the real
window against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QToolButton

from assistant.ui.files_model import Col
from assistant.ui.main_window import MainWindow
from tests.support import Windows, sandbox_keys

WAIT = 20_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _build(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    return window


def test_a_size_saved_on_a_bigger_screen_is_brought_within_this_one(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = _build(windows, tmp_path, sandbox, qtbot)
    free = window.screen().availableGeometry()
    assert free.contains(window.frameGeometry()), "a first run fits the screen"
    window.setGeometry(QRect(free.x(), free.y(), free.width() * 2, free.height() * 2))  # a bigger screen's
    window.close()
    window.composition.shutdown()

    again = _build(windows, tmp_path, sandbox, qtbot)
    assert free.contains(again.frameGeometry()), (again.frameGeometry(), free)


def test_the_toolbar_holds_still_when_renew_counts_the_files(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = _build(windows, tmp_path, sandbox, qtbot)
    for name in ("alpha.txt", "beta.txt"):
        (tmp_path / name).write_text(f"{name} has its own words.\n", "utf-8")
    window.add_paths([tmp_path / "alpha.txt", tmp_path / "beta.txt"])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)
    window.show()
    qtbot.waitExposed(window)
    table, button = window.files_panel.table, window.findChild(QToolButton, "renewButton")
    renew = window.commands.renew_action
    table.selectRow(0)
    qtbot.waitUntil(renew.isEnabled, timeout=WAIT)
    one = (button.width(), window.findChild(QToolButton, "cleanupButton").x())
    table.selectAll()
    qtbot.waitUntil(lambda: "2 files" in renew.text(), timeout=WAIT)
    assert renew.text() == "Re&new 2 files", "the menu counts the files"
    assert "2 selected files" in renew.toolTip()
    assert button.text() == "Renew"
    assert (button.width(), window.findChild(QToolButton, "cleanupButton").x()) == one, "nothing shifts"
    assert table.horizontalHeader().isSectionHidden(Col.UPLOADED)  # (a small screen's first run)
    assert table.model().index(0, Col.NAME).data(Qt.ItemDataRole.DisplayRole)
