"""Offline is the local sandbox, never a paid Claude model; online names the model as the picker does
(issue 10, item 2 and item 11's Settings), through the real window against the sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from assistant.catalog import TurnState, Usage
from assistant.paths import Paths
from assistant.ui.main_window import MainWindow
from tests.support import Windows, sandbox_keys

WAIT = 20_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _ready(window: MainWindow, qtbot: Any, files: int) -> MainWindow:
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.files_model.rowCount() == files, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(window.chat_panel.context_check.models), timeout=WAIT)  # the list is in
    qtbot.waitUntil(lambda: window.chat_panel.is_settled, timeout=WAIT)
    return window


def _offline(windows: Windows, data_dir: Path, qtbot: Any) -> MainWindow:
    window = windows.build(sandbox_keys(with_key=False), data_dir, "--sandbox")
    return _ready(window, qtbot, files=2)  # the two samples


def _ask(window: MainWindow, qtbot: Any, name: str, question: str) -> None:
    record = next(r for r in window.files_model.records() if r.filename == name)
    window.files_panel.select_ids({record.id})
    QTest.mouseClick(window.files_panel.ask_button, Qt.MouseButton.LeftButton)
    chat = window.chat_panel
    qtbot.waitUntil(lambda: [r.id for r in chat.attached_files()] == [record.id], timeout=WAIT)
    qtbot.keyClicks(window.findChild(QWidget, "chatInput"), question)
    with qtbot.waitSignal(chat.busy_changed, timeout=WAIT, check_params_cb=lambda busy: not busy):
        QTest.mouseClick(window.findChild(QWidget, "sendButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not chat.is_rendering and chat.is_settled, timeout=WAIT)


def _picker_texts(window: MainWindow) -> list[str]:
    picker = window.findChild(QComboBox, "modelPicker")
    return [picker.itemText(i) for i in range(picker.count())]


def _export(window: MainWindow, qtbot: Any, target: Path) -> str:
    """Export through the window: the Export button, the save dialog given ``target``, Save."""
    chat = window.chat_panel
    QTest.mouseClick(chat.export_button, Qt.MouseButton.LeftButton)
    dialog = chat.findChild(QFileDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(chat.exporter.exported, timeout=WAIT):
        dialog.selectFile(str(target))
        dialog.accept()
    return target.read_text("utf-8")


def _settings_model(window: MainWindow) -> QComboBox:
    window.commands.settings_action.trigger()
    dialog = window.findChild(QWidget, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    field = dialog.model
    assert isinstance(field, QComboBox)
    return field


def test_offline_answers_come_from_the_local_sandbox_and_cost_nothing(
    windows: Windows, tmp_path: Path, qtbot: Any
) -> None:
    window = _offline(windows, tmp_path / "app", qtbot)
    assert _picker_texts(window) == ["Local sandbox"], "no Opus, Sonnet or Haiku offline"
    assert "not Claude" in window.findChild(QComboBox, "modelPicker").toolTip()

    _ask(window, qtbot, "solar-maintenance-guide.pdf", "How often should the panels be cleaned?")
    chat = window.chat_panel
    transcript = window.findChild(QWidget, "transcript").toPlainText()
    assert "twice a year" in transcript
    footer = next(line for line in transcript.splitlines() if line.startswith("Tokens:"))
    assert "Local sandbox" in footer
    for text in (transcript, chat.totals_label.text(), chat.totals_label.toolTip()):
        assert "$" not in text and "claude-" not in text.lower(), text
    assert "no charge" in chat.totals_label.text()
    turn = window.ctx.store.list_turns(chat.current_conversation().id)[0]
    assert turn.model == "local-sandbox" and turn.cost_usd is None, "recorded as the sandbox's, unpriced"
    tip = chat.conversations.list.item(0).toolTip()
    assert "Local sandbox" in tip and "claude-" not in tip

    exported = _export(window, qtbot, tmp_path / "offline.md")
    assert "Answers: local sandbox (offline; quoted passages, not Claude)" in exported
    assert "twice a year" in exported
    assert "claude-" not in exported.lower() and "Claude Sonnet" not in exported and "$" not in exported

    field = _settings_model(window)
    assert field.currentText() == "Local sandbox" and not field.isEnabled()
    field.window().close()


def test_offline_conversations_made_before_stay_labelled_offline(
    windows: Windows, tmp_path: Path, qtbot: Any
) -> None:
    """A conversation the offline catalog kept from before (recorded as claude-sonnet-5-5 with a price)
    still shows as the local sandbox, free; asking again in it asks the sandbox's own model."""
    from assistant.catalog import Store

    data = Paths.resolve(str(tmp_path / "app")).ensure().data / "offline"
    data.mkdir(parents=True, exist_ok=True)
    old = Store.open(data / "catalog.sqlite3")
    conv = old.create_conversation("Old panels", "claude-sonnet-5-5")
    turn = old.start_turn(conv.id, "How often?", "claude-sonnet-5-5")
    old.finish_turn(
        turn.id, state=TurnState.COMPLETE, answer="Twice a year.", usage=Usage(1200, 40), cost_usd=0.094
    )
    old.close()

    window = _offline(windows, tmp_path / "app", qtbot)
    chat = window.chat_panel
    qtbot.waitUntil(lambda: "Twice a year." in window.findChild(QWidget, "transcript").toPlainText())
    transcript = window.findChild(QWidget, "transcript").toPlainText()
    assert "Local sandbox" in transcript
    assert "$" not in transcript and "claude-" not in transcript and "$" not in chat.totals_label.text()
    assert _picker_texts(window) == ["Local sandbox"], "the old conversation's model is not offered"
    exported = _export(window, qtbot, tmp_path / "old.md")
    assert "Answers: local sandbox" in exported and "claude-" not in exported and "$" not in exported


def test_online_footer_totals_settings_and_export_name_the_model(
    windows: Windows, sandbox: Any, tmp_path: Path, qtbot: Any
) -> None:
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    (tmp_path / "pier.txt").write_text("The pier was rebuilt in 1998 after the storm.\n", "utf-8")
    window.add_paths([tmp_path / "pier.txt"])
    _ready(window, qtbot, files=1)
    picker = window.findChild(QComboBox, "modelPicker")
    assert picker.currentText() == "Claude Sonnet 5.5" and picker.isEnabled()
    assert "Claude Opus 5.5" in _picker_texts(window)

    _ask(window, qtbot, "pier.txt", "When was the pier rebuilt?")
    chat = window.chat_panel
    transcript = window.findChild(QWidget, "transcript").toPlainText()
    footer = next(line for line in transcript.splitlines() if line.startswith("Tokens:"))
    assert "$" in footer and "Claude Sonnet 5.5" in footer and "claude-sonnet-5-5" not in footer
    assert chat.totals_label.text().startswith("Total $")

    exported = _export(window, qtbot, tmp_path / "online.md")
    assert "Answers: Claude Sonnet 5.5 (`claude-sonnet-5-5`)" in exported
    assert "Answers: local sandbox" not in exported and "$" in exported

    field = _settings_model(window)
    assert field.currentText() == "Claude Sonnet 5.5" and field.isEnabled()
    field.setCurrentIndex(field.findText("Claude Haiku 5.5"))
    assert field.window().values().default_model == "claude-haiku-5-5", "the name shown, the id saved"
    field.window().close()
