"""The key dialog, the upload queue's cancel and retry, paste, the context menu and the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import null
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from assistant.secrets import KeyStore
from assistant.settings import Settings
from assistant.ui.controllers.uploads import JobState
from assistant.ui.main_window import MainWindow
from tests.support import SANDBOX_KEY, MemoryKeyring, Windows, sandbox_keys

WAIT = 20_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def start(tmp_path: Path, sandbox: Any, windows: Windows) -> Callable[..., MainWindow]:
    def make(store: KeyStore) -> MainWindow:
        return windows.build(store, tmp_path / "app", sandbox=sandbox)

    return make


def _key_dialog(window: MainWindow, qtbot: Any) -> Any:
    qtbot.waitUntil(lambda: window.findChild(QWidget, "keyDialog") is not None, timeout=WAIT)
    dialog = window.findChild(QWidget, "keyDialog")
    assert dialog.isVisible()
    return dialog


def test_a_key_is_checked_then_stored_in_the_keyring(
    start: Callable[..., MainWindow], qtbot: Any, sandbox: Any
) -> None:
    keyring = MemoryKeyring()
    window = start(KeyStore(environ={}, backend=keyring))
    dialog = _key_dialog(window, qtbot)  # no key anywhere: the first-run dialog asks
    assert "none" in window.status.key_label.text().lower()

    qtbot.keyClicks(dialog.key_edit, "sk-ant-wrong-key-1234")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "did not accept" in dialog.message.text(), timeout=WAIT)
    assert keyring.items == {}, "a key the API refuses is not stored"
    assert "sk-ant-wrong" not in dialog.message.text()

    dialog.key_edit.clear()
    qtbot.keyClicks(dialog.key_edit, SANDBOX_KEY)
    with qtbot.waitSignal(dialog.key_saved, timeout=WAIT):
        dialog.save_button.click()
    assert list(keyring.items.values()) == [SANDBOX_KEY]
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    assert "stored in" in window.status.key_label.text()
    assert "MemoryKeyring" in window.status.key_label.text()
    qtbot.waitUntil(lambda: window.status.connection_label.text().startswith("● Connected"), timeout=WAIT)


def test_without_a_keyring_the_key_is_kept_for_the_session_only(
    start: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = start(KeyStore(environ={}, backend=null.Keyring()))
    dialog = _key_dialog(window, qtbot)
    qtbot.keyClicks(dialog.key_edit, SANDBOX_KEY)
    with qtbot.waitSignal(dialog.key_saved, timeout=WAIT) as saved:
        dialog.save_button.click()
    status = saved.args[0]
    assert not status.remembered
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    assert window.status.key_label.text() == "Key: this session only"
    assert "no keyring" in window.status.key_label.toolTip().lower()


def test_a_failed_upload_says_why_and_retries_and_a_waiting_one_cancels(
    start: Callable[..., MainWindow], qtbot: Any, sandbox: Any, tmp_path: Path
) -> None:
    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    window.composition.settings = window.ctx.settings = Settings(concurrent_uploads=1)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("The first document talks about apples.\n", "utf-8")
    second.write_text("The second document talks about pears.\n", "utf-8")

    sandbox.faults.set("upload:drop-upload=10")  # every upload's connection is cut
    window.add_paths([first, second])
    queue = window.upload_queue
    jobs = queue.jobs()
    assert [j.state for j in jobs][1] is JobState.QUEUED, "one at a time: the second waits"
    queue.cancel(jobs[1].id)
    assert jobs[1].state is JobState.CANCELLED
    qtbot.waitUntil(lambda: jobs[0].finished, timeout=60_000)
    assert jobs[0].state is JobState.FAILED
    assert "connection" in jobs[0].message.lower() or "network" in jobs[0].message.lower()
    assert window.files_model.rowCount() == 0
    qtbot.waitUntil(lambda: "1 failed" in window.upload_panel.title.text(), timeout=WAIT)
    assert window.upload_panel.retry_button.isEnabled()

    sandbox.faults.clear()
    window.upload_panel.retry_button.click()  # retries the failed and the cancelled one
    qtbot.waitUntil(lambda: all(j.state is JobState.DONE for j in jobs), timeout=WAIT)
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)  # rows land in batches
    assert sorted(r.filename for r in window.files_model.records()) == ["first.txt", "second.txt"]


def test_paste_files_and_the_context_menu(
    start: Callable[..., MainWindow], qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    doc = tmp_path / "pasted.md"
    doc.write_text("# Pasted\n\nPasted from a file manager.\n", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(doc))])
    QGuiApplication.clipboard().setMimeData(mime)
    window.files_panel.table.setFocus()
    qtbot.keyClick(window.files_panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 1, timeout=WAIT)
    record = window.files_model.records()[0]
    window.files_panel.select_ids({record.id})
    assert window.chat_panel.attached_files() == [], "selecting only selects"
    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(
        table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert [r.id for r in window.chat_panel.attached_files()] == [record.id]

    menu = window.files_panel.build_menu([record])
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == [
        "Ask about this file",
        "&Review these…",  # the review's action (issue 11)
        "Copy file id",
        "Show local copy",
        "Renew (upload again, fresh expiry)",
        "Re-upload and swap (local file changed)",
        "Delete…",
    ]
    next(a for a in menu.actions() if a.text() == "Copy file id").trigger()
    assert QGuiApplication.clipboard().text() == record.file_id
    renew = next(a for a in menu.actions() if a.text().startswith("Renew"))
    assert renew.isEnabled(), "uploaded by this app from a file that is still there: it can be renewed"
    renew.trigger()
    qtbot.waitUntil(lambda: window.files_model.records()[0].file_id != record.file_id, timeout=WAIT)
    renewed = window.files_model.records()[0]
    assert renewed.id == record.id, "the same catalog row (conversations keep it)"
    assert [f.id for f in sandbox.files.page(100, None, None)[0]] == [renewed.file_id], "the old one went"
    record = renewed
    menu = window.files_panel.build_menu([record])
    next(a for a in menu.actions() if a.text() == "Delete…").trigger()
    dialog = window.findChild(QWidget, "cleanupDialog")
    assert dialog is not None and dialog.isVisible(), "delete asks first"
    assert [r.filename for r in dialog.chosen()] == ["pasted.md"]
    assert not dialog.group_ticked("expired")
    dialog.reject()
    assert window.files_model.rowCount() == 1, "nothing deleted without confirmation"


def test_settings_are_validated_saved_and_used(
    start: Callable[..., MainWindow], qtbot: Any, tmp_path: Path
) -> None:
    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    dialog = window.open_settings()
    dialog.base_url.setText("http://example.com")
    dialog._save()
    assert dialog.error.isVisible() and "https" in dialog.error.text()
    dialog.base_url.setText(window.ctx.settings.base_url)
    dialog.concurrency.setValue(5)
    dialog.never.setChecked(True)
    dialog._save()
    saved = Settings.load(tmp_path / "app" / "config" / "settings.json")
    assert saved.concurrent_uploads == 5 and saved.retention_days is None
    assert window.composition.settings.concurrent_uploads == 5


def test_try_it_offline_from_the_key_dialog(start: Callable[..., MainWindow], qtbot: Any) -> None:
    window = start(KeyStore(environ={}, backend=MemoryKeyring()))
    dialog = _key_dialog(window, qtbot)
    assert dialog.offline_button.text() == "Try it offline"
    root = window.composition
    dialog.offline_button.click()
    offline = root.window
    assert offline is not window and offline.session.offline
    assert offline.isVisible() and not window.isVisible()
    qtbot.waitUntil(lambda: offline.files_model.rowCount() == 2, timeout=WAIT)
    assert offline.banner.isVisible() and "not from Claude" in offline.banner.text()
    assert offline.status.key_label.text() == "Key: sandbox (offline)"


def test_a_key_saved_while_offline_switches_to_the_api(
    qtbot: Any, tmp_path: Path, sandbox: Any, windows: Windows
) -> None:
    keyring = MemoryKeyring()
    window = windows.build(
        KeyStore(environ={}, backend=keyring), tmp_path / "app", "--sandbox", sandbox=sandbox
    )
    root = window.composition
    assert window.session.offline
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)
    dialog = window.open_key_dialog()
    assert dialog.offline_button.text() == "Keep using the sandbox"
    qtbot.keyClicks(dialog.key_edit, SANDBOX_KEY)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: root.window is not window, timeout=WAIT)
    online = root.window
    assert not online.session.offline and not online.banner.isVisible()
    assert list(keyring.items.values()) == [SANDBOX_KEY]
    qtbot.waitUntil(lambda: online.status.connection_label.text().startswith("● Connected"), timeout=WAIT)
    assert online.files_model.rowCount() == 0, "the sandbox samples stay in the offline catalog"


def test_delete_key_asks_before_deleting_the_selected_files(
    start: Callable[..., MainWindow], qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    doc = tmp_path / "gone-soon.txt"
    doc.write_text("To be deleted with the Delete key.\n", "utf-8")
    window.add_paths([doc])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 1, timeout=WAIT)
    table = window.files_panel.table
    window.files_panel.select_ids({window.files_model.records()[0].id})
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    dialog = window.findChild(QWidget, "cleanupDialog")
    assert dialog is not None and dialog.isVisible()
    assert [r.filename for r in dialog.chosen()] == ["gone-soon.txt"]
    assert len(sandbox.files.page(100, None, None)[0]) == 1
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 0, timeout=WAIT)
    assert sandbox.files.page(100, None, None)[0] == []
    assert doc.exists(), "the local file is never touched"


def test_first_run_with_a_key_already_in_the_keyring_goes_online(
    qtbot: Any, tmp_path: Path, sandbox: Any, windows: Windows
) -> None:
    keyring = MemoryKeyring()
    keyring.set_password("document-assistant", "api-key", SANDBOX_KEY)
    # the API address from the settings file (not --base-url, which would mean "online" by itself)
    Settings(base_url=sandbox.base_url).save(tmp_path / "app" / "config" / "settings.json")
    window = windows.build(KeyStore(environ={}, backend=keyring), tmp_path / "app")
    root = window.composition
    assert window.session.offline, "a first run starts on the sandbox"
    qtbot.waitUntil(lambda: root.window is not window, timeout=WAIT)
    online = root.window
    assert not online.session.offline
    qtbot.waitUntil(lambda: online.status.connection_label.text().startswith("● Connected"), timeout=WAIT)
    assert "stored in" in online.status.key_label.text()


def test_the_chats_attachments_never_move_the_selection_nor_detach_hidden_ones(
    start: Callable[..., MainWindow], qtbot: Any, tmp_path: Path
) -> None:
    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    for name in ("alpha.txt", "beta.txt"):
        (tmp_path / name).write_text(f"{name} has its own words.\n", "utf-8")
    window.add_paths([tmp_path / "alpha.txt", tmp_path / "beta.txt"])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)
    alpha, beta = sorted(window.files_model.records(), key=lambda r: r.filename)
    chat = window.chat_panel
    window.files_panel.select_ids({alpha.id, beta.id})  # the person picks both and asks: both attached
    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert {r.id for r in chat.attached_files()} == {alpha.id, beta.id}

    window.files_panel.search.setText("alpha")  # beta is filtered out of view
    window.files_panel.select_ids(set())
    chat.attachments_changed.emit([alpha, beta])  # e.g. the conversation was opened again
    assert window.files_panel.selected() == [], "the chat's attachments never hijack the selection"
    assert {r.id for r in chat.attached_files()} == {alpha.id, beta.id}, "nothing detached"
    window.files_panel.select_ids({alpha.id})  # selecting the visible one detaches nothing either
    assert {r.id for r in chat.attached_files()} == {alpha.id, beta.id}, "nothing detached"


def test_upload_dialogs_for_files_and_a_folder(
    start: Callable[..., MainWindow], qtbot: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = start(sandbox_keys())
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    folder = tmp_path / "picked"
    (folder / "inner").mkdir(parents=True)
    (folder / "one.txt").write_text("One.\n", "utf-8")
    (folder / "inner" / "two.md").write_text("# Two\n", "utf-8")
    (tmp_path / "three.txt").write_text("Three.\n", "utf-8")

    window.commands.upload_folder_action.trigger()
    dialog = window.findChild(QFileDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.fileMode() == QFileDialog.FileMode.Directory
    dialog.fileSelected.emit(str(folder))  # what choosing the folder in the dialog reports
    dialog.close()
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)

    window.commands.upload_action.trigger()
    files_dialog = next(d for d in window.findChildren(QFileDialog) if d.isVisible())
    assert files_dialog.fileMode() == QFileDialog.FileMode.ExistingFiles
    files_dialog.filesSelected.emit([str(tmp_path / "three.txt")])
    files_dialog.close()
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 3, timeout=WAIT)
    assert sorted(r.filename for r in window.files_model.records()) == ["one.txt", "three.txt", "two.md"]


def test_the_key_dialog_takes_typing_pasting_and_enter_and_its_buttons_differ(
    qtbot: Any, tmp_path: Path, sandbox: Any, windows: Windows
) -> None:
    from PySide6.QtWidgets import QApplication, QPushButton

    window = windows.build(
        KeyStore(environ={}, backend=MemoryKeyring()), tmp_path / "app", "--sandbox", sandbox=sandbox
    )
    root = window.composition
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # API key…
    dialog = _key_dialog(window, qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.key_edit, timeout=WAIT)
    texts = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()]
    assert sorted(texts) == ["Check and save", "Keep using the sandbox"], "one way to close, named"

    QGuiApplication.clipboard().setText(SANDBOX_KEY[:10])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), SANDBOX_KEY[10:])
    assert dialog.key_edit.text() == SANDBOX_KEY, "pasting and typing reach the key field"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter checks and saves
    qtbot.waitUntil(lambda: root.window is not window, timeout=WAIT)
    assert not root.window.session.offline


def test_the_key_dialog_online_offers_three_different_actions(
    start: Callable[..., MainWindow], qtbot: Any
) -> None:
    from PySide6.QtWidgets import QApplication, QPushButton

    window = start(KeyStore(environ={}, backend=MemoryKeyring()))
    dialog = _key_dialog(window, qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.key_edit, timeout=WAIT)
    qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)  # nothing typed: Enter does nothing
    assert dialog.isVisible() and dialog.message.text() != "Checking the key…"
    texts = sorted(b.text().replace("&", "") for b in dialog.findChildren(QPushButton) if b.isVisible())
    assert texts == ["Cancel", "Check and save", "Try it offline"]
