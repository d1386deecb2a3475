"""The conversation list opens where it helps (issue 10, item 8): closed with one conversation or in
a narrow pane (the transcript keeps the room), open by itself with two or more in a wide pane; the
header's Conversations button and Ctrl+Shift+L open and close it, and that choice then holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from assistant.ui.chat.drawer import WIDE_ENOUGH

from .conftest import Env, wait_idle

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")  # a shown pane


def test_the_list_opens_with_two_conversations_in_a_wide_pane_and_on_request(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel()
    panel.show()
    qtbot.waitExposed(panel)
    panel.resize(WIDE_ENOUGH + 140, 700)
    panel.set_attached_files([env.report])
    panel.ask("When was the lamp replaced?")
    wait_idle(qtbot, panel, env.runner)
    button, listing = panel.conversations_button, panel.conversations
    assert not listing.isVisible(), "one conversation: no list beside it"
    assert button.text() == "Conversations (1)" and not button.isChecked()

    panel.new_conversation()
    panel.ask("Who was the last keeper?")
    wait_idle(qtbot, panel, env.runner)
    qtbot.waitUntil(listing.isVisible, timeout=10_000)
    assert button.text() == "Conversations (2)" and button.isChecked()

    panel.resize(WIDE_ENOUGH - 200, 700)  # a narrow pane: the transcript keeps the room
    qtbot.waitUntil(lambda: not listing.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: panel.transcript.width() >= panel.width() - 40, timeout=5_000)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # asked for: it opens, narrow or not
    qtbot.waitUntil(listing.isVisible, timeout=5_000)
    panel.resize(WIDE_ENOUGH - 180, 700)
    qtbot.wait(50)
    assert listing.isVisible(), "the person's choice holds when the pane is resized"
    QTest.keyClick(
        panel, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: not listing.isVisible(), timeout=5_000)
    assert not button.isChecked()
