"""A set is what a review runs over (issues 11 and 12): "Review this set…" in the sets sidebar's context
menu, and in the Ask button's menu beside it, opens the Review tab on the set's active files, the way
"Review these…" does for the selected files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView, QTabWidget, QToolButton

from assistant.ui.main_window import MainWindow
from assistant.ui.sets.model import SET_ROLE
from tests.support import Windows
from tests.ui.sets.test_sets_window import WAIT, build, choose_set, row_named, set_rows

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def grid_names(window: MainWindow) -> list[str]:
    view = window.findChild(QTableView, "reviewGrid")
    assert view is not None
    model = view.model()
    return sorted(str(model.index(r, 0).data()) for r in range(model.rowCount()))


def review_tab_open(window: MainWindow) -> bool:
    tabs = window.findChild(QTabWidget, "mainTabs")
    return tabs is not None and tabs.currentWidget() is window.review_panel


def test_review_this_set_opens_the_review_tab_on_the_sets_files(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = build(windows, tmp_path, sandbox, qtbot)
    names = ("north.txt", "south.txt", "west.txt")
    for name in names:
        (tmp_path / name).write_text(f"{name}: the lease ends in March.\n", "utf-8")
    window.add_paths([tmp_path / n for n in names])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 3, timeout=WAIT)
    north, south = row_named(window, "north.txt"), row_named(window, "south.txt")
    assert north is not None and south is not None
    window.create_set("Leases", [north, south])
    qtbot.waitUntil(lambda: any(r.startswith("Leases\n") for r in set_rows(window)), timeout=WAIT)
    window.sets.show_sidebar()
    choose_set(window, qtbot, "Leases")

    # the context menu of the set's row
    sidebar = window.sets.sidebar
    row = next(i for i, text in enumerate(set_rows(window)) if text.startswith("Leases\n"))
    menu = sidebar.build_menu(window.sets.model.index(row).data(SET_ROLE), has_selection=False)
    item = next((a for a in menu.actions() if a.objectName() == "reviewSetAction"), None)
    assert item is not None and item.text() == "Review this set…" and item.isEnabled()
    assert not review_tab_open(window)
    item.trigger()
    qtbot.waitUntil(lambda: review_tab_open(window), timeout=WAIT)
    qtbot.waitUntil(lambda: grid_names(window) == ["north.txt", "south.txt"], timeout=WAIT)

    # the same from the Ask button's menu, once the person is back on the chat
    tabs = window.findChild(QTabWidget, "mainTabs")
    tabs.setCurrentIndex(0)
    ask = window.findChild(QToolButton, "askSetButton")
    assert ask is not None and ask.menu() is not None
    beside = ask.menu().findChild(QAction, "reviewSetButtonAction") or next(
        a for a in ask.menu().actions() if a.objectName() == "reviewSetButtonAction"
    )
    beside.trigger()
    qtbot.waitUntil(lambda: review_tab_open(window), timeout=WAIT)
    assert grid_names(window) == ["north.txt", "south.txt"]
