"""A conversation on a set says in its transcript when it picked up files added to the set later, and
the note is kept (issue 12): opening the conversation again, and a restart, show it in its place,
between the turn before it and the turn after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QWidget

from assistant.ui.main_window import MainWindow
from tests.support import Windows
from tests.ui.sets.test_sets_window import WAIT, ask, build, choose_set, drop_rows_on_set, row_named, set_rows

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
NOTE = "1 file added to the set was attached"


def open_conversation(window: MainWindow, qtbot: Any, conversation_id: int) -> None:
    """Choose it in the conversation list, as a click would."""
    listing = window.findChild(QListWidget, "conversationList")
    assert listing is not None
    qtbot.waitUntil(
        lambda: any(
            listing.item(i).data(Qt.ItemDataRole.UserRole) == conversation_id for i in range(listing.count())
        ),
        timeout=WAIT,
    )
    item = next(
        listing.item(i)
        for i in range(listing.count())
        if listing.item(i).data(Qt.ItemDataRole.UserRole) == conversation_id
    )
    listing.setCurrentItem(item)
    chat = window.chat_panel
    qtbot.waitUntil(
        lambda: (c := chat.current_conversation()) is not None and c.id == conversation_id, timeout=WAIT
    )
    qtbot.waitUntil(lambda: chat.is_settled, timeout=WAIT)


def transcript_text(window: MainWindow) -> str:
    return str(window.chat_panel.transcript.toPlainText())


def note_in_its_place(window: MainWindow) -> bool:
    text = transcript_text(window)
    first, second = text.find("When does the lease end?"), text.find("And the deposit?")
    return 0 <= first < text.find(NOTE) < second


def test_the_note_of_files_picked_up_is_kept_in_its_place(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = build(windows, tmp_path, sandbox, qtbot)
    chat = window.chat_panel
    for name in ("lease.txt", "deposit.txt"):
        (tmp_path / name).write_text(f"{name}: the lease ends in March; the deposit is 2 months.\n", "utf-8")
    window.add_paths([tmp_path / "lease.txt", tmp_path / "deposit.txt"])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 2, timeout=WAIT)
    lease, deposit = row_named(window, "lease.txt"), row_named(window, "deposit.txt")
    assert lease is not None and deposit is not None
    window.create_set("Flat", [lease])
    qtbot.waitUntil(lambda: any(r.startswith("Flat\n") for r in set_rows(window)), timeout=WAIT)
    window.sets.show_sidebar()
    choose_set(window, qtbot, "Flat")
    qtbot.mouseClick(window.findChild(QWidget, "askSetButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: {r.id for r in chat.attached_files()} == {lease.id}, timeout=WAIT)
    qtbot.waitUntil(lambda: chat.is_settled, timeout=WAIT)
    conversation = chat.current_conversation()
    assert conversation is not None
    store = window.ctx.store
    qtbot.waitUntil(lambda: store.get_conversation(conversation.id).set_id is not None, timeout=WAIT)
    ask(window, qtbot, "When does the lease end?")

    # a file joins the set: the conversation picks it up and says so, then goes on
    choose_set(window, qtbot, "All files")
    drop_rows_on_set(window, [deposit], "Flat")
    qtbot.waitUntil(lambda: deposit.id in {r.id for r in chat.attached_files()}, timeout=WAIT)
    assert NOTE in transcript_text(window)
    qtbot.waitUntil(lambda: chat.is_settled, timeout=WAIT)
    ask(window, qtbot, "And the deposit?")
    assert note_in_its_place(window)

    # another conversation, then this one again: the note is still there, in its place
    chat.new_conversation()
    qtbot.waitUntil(
        lambda: (c := chat.current_conversation()) is None or c.id != conversation.id, timeout=WAIT
    )
    qtbot.waitUntil(lambda: NOTE not in transcript_text(window), timeout=WAIT)
    open_conversation(window, qtbot, conversation.id)
    qtbot.waitUntil(lambda: note_in_its_place(window), timeout=WAIT)
    assert chat.transcript.notes == [NOTE], "said once, not picked up again"

    # and after a restart
    window.close()
    windows.close_all()
    window = build(windows, tmp_path, sandbox, qtbot)
    open_conversation(window, qtbot, conversation.id)
    qtbot.waitUntil(lambda: note_in_its_place(window), timeout=WAIT)
    assert window.chat_panel.transcript.notes == [NOTE]
