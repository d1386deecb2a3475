"""Document sets and watched folders through the real window, against the sandbox (issue 12): create a
set from a selection, ask about it, link a folder, add, change and delete a file in it, and restart
with changes made while the app was closed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QWidget

from assistant.catalog import FileRecord, FileState
from assistant.folders import SyncConfig
from assistant.ui.cleanup import CleanupDialog
from assistant.ui.files_model import RECORD_ROLE, Col
from assistant.ui.main_window import MainWindow
from assistant.ui.sets.model import SET_ROLE
from tests.support import Windows, sandbox_keys

WAIT = 20_000
FAST = SyncConfig(settle_seconds=0.3, debounce_seconds=0.1, max_delay_seconds=1.0, rescan_seconds=600.0)
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def build(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    window.sets.sync_config = FAST  # before start (after the first paint)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    window.show()
    qtbot.waitExposed(window)
    return window


def set_rows(window: MainWindow) -> list[str]:
    model = window.sets.model
    return [str(model.index(r).data()) for r in range(model.rowCount())]


def shown_names(window: MainWindow) -> set[str]:
    proxy = window.files_panel.proxy
    return {str(proxy.index(r, Col.NAME).data()) for r in range(proxy.rowCount())}


def row_named(window: MainWindow, name: str) -> FileRecord | None:
    return next((r for r in window.files_model.records() if r.filename == name), None)


def sync_text(window: MainWindow, name: str) -> str:
    record = row_named(window, name)
    if record is None:
        return ""
    model = window.files_model
    return str(model.index(model.row_of(record.id), Col.SYNC).data())


def remote_ids(sandbox: Any) -> set[str]:
    return {f.id for f in sandbox.files.page(1000, None, None)[0]}


def choose_set(window: MainWindow, qtbot: Any, name: str) -> None:
    view = window.sets.sidebar.view
    row = next(i for i, text in enumerate(set_rows(window)) if text.startswith(name + "\n"))
    rect = view.visualRect(window.sets.model.index(row))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    qtbot.waitUntil(lambda: view.currentIndex().row() == row, timeout=WAIT)


def drop_rows_on_set(window: MainWindow, records: list[FileRecord], name: str) -> None:
    """Drag these rows of the files table onto the named set and drop them (the table's own drag data)."""
    proxy, view = window.files_panel.proxy, window.sets.sidebar.view
    ids = {r.id for r in records}
    indexes = [
        proxy.index(r, 0) for r in range(proxy.rowCount()) if proxy.index(r, 0).data(RECORD_ROLE).id in ids
    ]
    mime = proxy.mimeData(indexes)
    row = next(i for i, text in enumerate(set_rows(window)) if text.startswith(name + "\n"))
    pos = QPointF(view.visualRect(window.sets.model.index(row)).center())
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (
        QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, buttons, mods),
        QDragMoveEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, buttons, mods),
        QDropEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods),
    ):
        QApplication.sendEvent(view.viewport(), event)


def ask(window: MainWindow, qtbot: Any, question: str) -> None:
    chat = window.chat_panel
    box = window.findChild(QWidget, "chatInput")
    box.clear()
    qtbot.keyClicks(box, question)
    with qtbot.waitSignal(chat.busy_changed, timeout=WAIT, check_params_cb=lambda busy: not busy):
        window.findChild(QPushButton, "sendButton").click()


def touch(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    later = time.time() + 2  # a new mtime even on coarse clocks
    os.utime(path, (later, later))


def test_a_set_from_the_selection_asked_about_and_kept_in_sync_with_a_folder(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = build(windows, tmp_path, sandbox, qtbot)
    store, chat = window.ctx.store, window.chat_panel
    for name in ("alpha.txt", "beta.txt", "gamma.txt"):
        (tmp_path / name).write_text(f"{name} says the supplier pays within 30 days.\n", "utf-8")
    window.add_paths([tmp_path / n for n in ("alpha.txt", "beta.txt", "gamma.txt")])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 3, timeout=WAIT)
    alpha, beta = row_named(window, "alpha.txt"), row_named(window, "beta.txt")
    assert alpha is not None and beta is not None

    # a set from the selection: Sets (the sidebar is shut while there is none), +, a name, Create
    assert window.sets.splitter.sizes()[0] == 0, "no set yet: the table keeps its room"
    qtbot.mouseClick(window.findChild(QWidget, "setsToggleButton"), Qt.MouseButton.LeftButton)
    assert window.sets.splitter.sizes()[0] > 0
    window.files_panel.select_ids({alpha.id, beta.id})
    qtbot.mouseClick(window.findChild(QWidget, "newSetButton"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "setNameDialog")
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.findChild(QLineEdit, "setNameEdit"), "Contracts")
    qtbot.keyClick(dialog.findChild(QLineEdit, "setNameEdit"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Contracts\n2 files" in set_rows(window), timeout=WAIT)
    assert set_rows(window)[0] == "All files\n3 files"
    assert window.sets.sidebar.current() is not None, "the new set is chosen"
    qtbot.waitUntil(lambda: shown_names(window) == {"alpha.txt", "beta.txt"}, timeout=WAIT)
    contracts = store.set_by_name("Contracts")
    assert contracts is not None and set(store.set_file_ids(contracts.id)) == {alpha.id, beta.id}

    # Ask about this set: its files in one click; the conversation remembers the set
    qtbot.mouseClick(window.findChild(QWidget, "askSetButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: {r.id for r in chat.attached_files()} == {alpha.id, beta.id}, timeout=WAIT)
    qtbot.waitUntil(lambda: chat.is_settled, timeout=WAIT)
    conversation = chat.current_conversation()
    assert conversation is not None
    qtbot.waitUntil(lambda: store.get_conversation(conversation.id).set_id == contracts.id, timeout=WAIT)
    ask(window, qtbot, "When does the supplier pay?")

    # a row dragged from All files onto the set joins it, and the set's conversation picks it up
    gamma = row_named(window, "gamma.txt")
    assert gamma is not None
    choose_set(window, qtbot, "All files")
    drop_rows_on_set(window, [gamma], "Contracts")
    qtbot.waitUntil(lambda: gamma.id in store.set_file_ids(contracts.id), timeout=WAIT)
    qtbot.waitUntil(lambda: gamma.id in {r.id for r in chat.attached_files()}, timeout=WAIT)
    assert chat.transcript.notes[-1] == "1 file added to the set was attached"
    choose_set(window, qtbot, "Contracts")

    # link a folder through the dialog
    folder = tmp_path / "watched"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: main\n", "utf-8")
    qtbot.mouseClick(window.findChild(QWidget, "linkFolderButton"), Qt.MouseButton.LeftButton)
    link = window.findChild(QDialog, "linkFolderDialog")
    assert link is not None and ".git/" in link.findChild(QWidget, "linkFolderIgnore").toPlainText()
    link.findChild(QLineEdit, "linkFolderPath").setText(str(folder))
    next(b for b in link.findChildren(QPushButton) if b.text() == "Link and sync").click()
    qtbot.waitUntil(lambda: store.set_by_name("Contracts").folder == folder.absolute(), timeout=WAIT)
    header = window.files_panel.table.horizontalHeader()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Col.SYNC), timeout=WAIT)

    # a new file: uploaded within seconds, in the set, synced; the set's conversation picks it up
    touch(folder / "new terms.txt", "The new terms: payment within 10 days.\n")
    qtbot.waitUntil(lambda: sync_text(window, "new terms.txt") == "synced", timeout=WAIT)
    added = row_named(window, "new terms.txt")
    assert added is not None and added.id in store.set_file_ids(contracts.id)
    assert "new terms.txt" in shown_names(window)
    qtbot.waitUntil(lambda: added.id in {r.id for r in chat.attached_files()}, timeout=WAIT)
    assert chat.transcript.notes[-1] == "1 file added to the set was attached"
    qtbot.waitUntil(lambda: "Contracts\n4 synced" in set_rows(window), timeout=WAIT)
    assert not any(r.filename == "HEAD" for r in store.list_files()), ".git/ is ignored"

    # changed: uploaded again into the same row (a new file id), and the conversation keeps working
    old_file_id = added.file_id
    touch(folder / "new terms.txt", "The new terms, revised: payment within 5 days.\n")
    qtbot.waitUntil(lambda: store.get_file(added.id).file_id != old_file_id, timeout=WAIT)
    qtbot.waitUntil(lambda: sync_text(window, "new terms.txt") == "synced", timeout=WAIT)
    ask(window, qtbot, "And under the revised terms?")
    turn = store.list_turns(conversation.id)[-1]
    assert turn.state.value == "complete", turn
    assert store.get_conversation(conversation.id).set_id == contracts.id

    # deleted locally: marked, offered for clean-up; the remote copy stays until confirmed
    swapped = store.get_file(added.id)
    (folder / "new terms.txt").unlink()
    qtbot.waitUntil(lambda: sync_text(window, "new terms.txt") == "not in folder", timeout=WAIT)
    assert swapped.file_id in remote_ids(sandbox)
    assert store.get_file(added.id).state is FileState.ACTIVE
    qtbot.waitUntil(lambda: "1 not in folder" in window.sets.model.index(1).data(), timeout=WAIT)
    button = window.findChild(QWidget, "linkFolderButton")
    assert button.text() == "Sync status…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "syncDetailsDialog") is not None, timeout=WAIT)
    details = window.findChild(QDialog, "syncDetailsDialog")
    clean = details.findChild(QPushButton, "cleanupMissingButton")
    assert clean.isEnabled() and "1 file no longer in the folder" in clean.text()
    clean.click()
    qtbot.waitUntil(lambda: window.findChild(CleanupDialog) is not None, timeout=WAIT)
    cleanup = window.findChild(CleanupDialog)
    assert [r.id for r in cleanup.chosen()] == [added.id], "offered, ticked only once the person asks"
    cleanup.reject()
    assert swapped.file_id in remote_ids(sandbox), "nothing deleted without the person's yes"
    view = window.sets.model.index(1).data(SET_ROLE)
    assert view is not None and view.name == "Contracts"


def test_changes_made_while_the_app_was_closed_are_synced_at_start(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    touch(folder / "kept.txt", "Kept: the first version.\n")
    touch(folder / "gone.txt", "Gone soon.\n")
    window = build(windows, tmp_path, sandbox, qtbot)
    store = window.ctx.store
    doc_set = window.create_set("Logs")
    assert doc_set.name == "Logs"
    window.watch_folder("Logs", folder)
    qtbot.waitUntil(lambda: any(t.startswith("Logs\n") for t in set_rows(window)), timeout=WAIT)
    choose_set(window, qtbot, "Logs")  # its Sync column shows
    qtbot.waitUntil(lambda: sync_text(window, "kept.txt") == "synced", timeout=WAIT)
    qtbot.waitUntil(lambda: sync_text(window, "gone.txt") == "synced", timeout=WAIT)
    kept, gone = row_named(window, "kept.txt"), row_named(window, "gone.txt")
    assert kept is not None and gone is not None
    window.close()
    windows.close_all()

    touch(folder / "kept.txt", "Kept: the second version, changed while closed.\n")
    (folder / "gone.txt").unlink()
    touch(folder / "arrived.txt", "Arrived while the app was closed.\n")

    window = build(windows, tmp_path, sandbox, qtbot)
    store = window.ctx.store
    qtbot.waitUntil(lambda: any(t.startswith("Logs\n") for t in set_rows(window)), timeout=WAIT)
    assert window.sets.splitter.sizes()[0] > 0, "sets from an earlier run: the sidebar is open"
    choose_set(window, qtbot, "Logs")
    qtbot.waitUntil(lambda: sync_text(window, "arrived.txt") == "synced", timeout=WAIT)
    qtbot.waitUntil(lambda: store.get_file(kept.id).file_id != kept.file_id, timeout=WAIT)
    qtbot.waitUntil(lambda: sync_text(window, "gone.txt") == "not in folder", timeout=WAIT)
    assert store.get_file(gone.id).state is FileState.ACTIVE, "kept remotely until the person says"
    assert gone.file_id in remote_ids(sandbox)
    logs = store.set_by_name("Logs")
    assert logs is not None
    assert {kept.id, gone.id, row_named(window, "arrived.txt").id} <= set(store.set_file_ids(logs.id))
