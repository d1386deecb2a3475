"""Selecting only selects; attaching is explicit (issue 10, items 1, 4, 5): through the real window, with
real clicks and keys, against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from assistant.catalog import FileRecord
from assistant.ui.chat.composer import Chip
from assistant.ui.files_model import RECORD_ROLE, Col
from assistant.ui.main_window import MainWindow
from tests.support import Windows, sandbox_keys

WAIT = 20_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def window(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    built = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: built.session.services is not None, timeout=WAIT)
    for name in ("alpha.txt", "beta.txt", "gamma.txt"):
        (tmp_path / name).write_text(f"{name} has its own words.\n", "utf-8")
    built.add_paths([tmp_path / n for n in ("alpha.txt", "beta.txt", "gamma.txt")])
    qtbot.waitUntil(lambda: built.files_model.rowCount() == 3, timeout=WAIT)
    built.files_panel.table.sortByColumn(Col.NAME, Qt.SortOrder.AscendingOrder)
    built.show()
    qtbot.waitExposed(built)
    return built


def row_center(window: MainWindow, row: int) -> QPoint:
    table = window.files_panel.table
    return table.visualRect(window.files_panel.proxy.index(row, Col.NAME)).center()


def click_row(
    window: MainWindow, row: int, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    table = window.files_panel.table
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, row_center(window, row))


def ids(records: list[FileRecord]) -> list[int]:
    return [r.id for r in records]


def marked(window: MainWindow) -> list[str]:
    """The names the table marks as in the current conversation (bold, with the dot)."""
    proxy = window.files_panel.proxy
    out = []
    for row in range(proxy.rowCount()):
        idx = proxy.index(row, Col.NAME)
        font = idx.data(Qt.ItemDataRole.FontRole)
        if isinstance(font, QFont) and font.bold():
            assert idx.data(Qt.ItemDataRole.DecorationRole) is not None
            assert "In the current conversation" in idx.data(Qt.ItemDataRole.ToolTipRole)
            out.append(idx.data())
        else:
            assert idx.data(Qt.ItemDataRole.DecorationRole) is None
    return out


def settle(window: MainWindow, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: window.chat_panel.is_settled, timeout=WAIT)


def test_clicks_and_arrows_only_select_and_ask_about_these_attaches(window: MainWindow, qtbot: Any) -> None:
    chat, table, store = window.chat_panel, window.files_panel.table, window.ctx.store
    alpha, beta, gamma = (window.files_panel.proxy.index(r, 0).data(RECORD_ROLE) for r in range(3))
    assert [alpha.filename, beta.filename, gamma.filename] == ["alpha.txt", "beta.txt", "gamma.txt"]
    assert not window.files_panel.ask_button.isEnabled(), "nothing selected: nothing to ask about"

    click_row(window, 0)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    settle(window, qtbot)
    assert ids(window.files_panel.selected()) == [beta.id, gamma.id]
    assert chat.attached_files() == [], "selecting never attaches"
    assert store.list_conversations() == [], "nor starts a conversation"
    assert marked(window) == []
    assert window.findChild(QWidget, "noFilesHint").isVisibleTo(chat)

    qtbot.keyClick(
        table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: marked(window) == ["beta.txt", "gamma.txt"], timeout=WAIT)
    assert ids(chat.attached_files()) == [beta.id, gamma.id]
    assert len(store.list_conversations()) == 1
    assert chat.composer.input.hasFocus(), "the composer takes the focus to type the question"

    # another click only selects: the conversation keeps its files, the marks stay where they were
    click_row(window, 0)
    settle(window, qtbot)
    assert ids(window.files_panel.selected()) == [alpha.id]
    assert ids(chat.attached_files()) == [beta.id, gamma.id]
    assert marked(window) == ["beta.txt", "gamma.txt"]

    # the button adds the selected file to those already attached
    QTest.mouseClick(window.files_panel.ask_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: marked(window) == ["alpha.txt", "beta.txt", "gamma.txt"], timeout=WAIT)
    assert ids(chat.attached_files()) == [beta.id, gamma.id, alpha.id]
    assert len(store.list_conversations()) == 1, "no new conversation entries"

    # the chat's attachments never move the selection: removing a chip leaves the selection alone
    click_row(window, 1)
    chip = next(c for c in chat.composer.findChildren(Chip) if c.record.id == gamma.id)
    QTest.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: marked(window) == ["alpha.txt", "beta.txt"], timeout=WAIT)
    assert ids(window.files_panel.selected()) == [beta.id]


def test_selecting_a_file_to_delete_it_does_not_attach_it(window: MainWindow, qtbot: Any) -> None:
    chat, table = window.chat_panel, window.files_panel.table
    click_row(window, 2)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    dialog = window.findChild(QWidget, "cleanupDialog")
    assert dialog is not None and dialog.isVisible()
    assert [r.filename for r in dialog.chosen()] == ["gamma.txt"]
    dialog.close()
    settle(window, qtbot)
    assert chat.attached_files() == [] and window.ctx.store.list_conversations() == []
    assert marked(window) == []


def test_clean_up_offers_the_selected_files_unticked_and_delete_selected_ticks_them(
    window: MainWindow, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QToolButton, QTreeWidget

    click_row(window, 0)
    click_row(window, 1, Qt.KeyboardModifier.ShiftModifier)
    assert [r.filename for r in window.files_panel.selected()] == ["alpha.txt", "beta.txt"]
    QTest.mouseClick(window.findChild(QToolButton, "cleanupButton"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QWidget, "cleanupDialog")
    assert dialog is not None and dialog.isVisible()
    assert sorted(r.filename for r in dialog.plan.group("selected").records) == ["alpha.txt", "beta.txt"]
    assert not dialog.group_ticked("selected"), "the selection is offered, never pre-ticked"
    assert dialog.chosen() == [] and not dialog.delete_button.isEnabled()
    assert dialog.total_label.text() == "Nothing ticked."

    tree = dialog.findChild(QTreeWidget, "cleanupTree")
    tree.setFocus()
    tree.setCurrentItem(dialog._group_items["selected"])
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # the person ticks the group
    assert dialog.group_ticked("selected")
    assert dialog.delete_button.isEnabled() and dialog.delete_button.text() == "Delete 2 files"
    dialog.close()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "cleanupDialog") is None, timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)

    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # "Delete selected": these are the ones to go
    dialog = window.findChild(QWidget, "cleanupDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.group_ticked("selected")
    assert sorted(r.filename for r in dialog.chosen()) == ["alpha.txt", "beta.txt"]
    assert dialog.delete_button.text() == "Delete 2 files"


def test_tab_leaves_the_tables_and_arrows_move_inside(window: MainWindow, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    chat, table = window.chat_panel, window.files_panel.table
    click_row(window, 0)
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # arrows move inside the table
    assert [r.filename for r in window.files_panel.selected()] == ["beta.txt"]
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and focused is not table, "Tab leaves the files table"
    assert [r.filename for r in window.files_panel.selected()] == ["beta.txt"], "Tab moved no row"
    settle(window, qtbot)
    assert chat.attached_files() == [] and marked(window) == []

    window.upload_panel.set_open(True)  # idle, the queue folds away: open it (the status bar's toggle)
    uploads = window.upload_panel.view
    assert uploads.model().rowCount() == 3
    QTest.mouseClick(
        uploads.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        uploads.visualRect(uploads.model().index(0, 0)).center(),
    )
    assert uploads.hasFocus()
    qtbot.keyClick(uploads, Qt.Key.Key_Down)
    assert uploads.currentIndex().row() == 1
    qtbot.keyClick(uploads, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not uploads, "Tab leaves the upload table"
    assert uploads.currentIndex().row() == 1
