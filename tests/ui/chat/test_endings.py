"""The pane says how an answer ended, as it happened, against the sandbox's faults over real HTTP: cut
at the length limit (with Continue), overloaded mid-stream, a stream that ends before
``message_stop``, a whole Message instead of a stream; a question sent while every shared worker is
busy is saved at once; a retry keeps the old turn until its question is saved again."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from assistant.api.chat import ChatService
from assistant.api.errors import CancelToken
from assistant.catalog import Store, TurnState
from assistant.ui.chat import ChatPanel
from assistant.ui.chat.asking import CONTINUE_QUESTION
from assistant.ui.chat.format import conversation_markdown
from assistant.ui.chat.saving import Asked, save_question
from assistant.ui.chat.snapshot import Cursor

from .conftest import MODEL, Env, wait_idle

QUESTION = "How much did the restoration cost and who paid?"
STOPPED = "Stopped — this answer is incomplete."


def _send(qtbot: QtBot, panel: ChatPanel, text: str) -> None:
    panel.composer.input.setFocus()
    qtbot.keyClicks(panel.composer.input, text)
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)


def _text(panel: ChatPanel) -> str:
    return panel.transcript.document().toPlainText()


def _turns(panel: ChatPanel, store: Store) -> list[Any]:
    conv = panel.current_conversation()
    assert conv is not None
    return store.list_turns(conv.id)


def test_an_answer_cut_at_the_length_limit_says_so_and_continue_goes_on(
    qtbot: QtBot, env: Env, client: Any
) -> None:
    panel = env.make_panel()
    panel.set_chat_service(ChatService(client, env.store, max_tokens=12, save_interval=0.2))
    panel.set_attached_files([env.report])
    _send(qtbot, panel, QUESTION)
    wait_idle(qtbot, panel, env.runner)
    (cut,) = _turns(panel, env.store)
    assert cut.state is TurnState.COMPLETE and cut.stop_reason == "max_tokens"
    shown = _text(panel)
    assert "The answer reached the length limit — Continue" in shown and STOPPED not in shown
    assert f"continue:{cut.id}" in panel.transcript.document().toHtml()
    assert "reached the length limit" in _text(env.make_panel())  # read again from the catalog
    conv = panel.current_conversation()
    assert conv is not None
    assert "reached the length limit" in conversation_markdown(conv, [cut])  # and exported so

    panel.set_chat_service(ChatService(client, env.store, max_tokens=1024, save_interval=0.2))
    panel.transcript.anchorClicked.emit(QUrl(f"continue:{cut.id}"))
    assert panel.is_streaming
    wait_idle(qtbot, panel, env.runner)
    first, going_on = _turns(panel, env.store)
    assert first.id == cut.id and going_on.question == CONTINUE_QUESTION
    assert going_on.state is TurnState.COMPLETE and going_on.stop_reason == "end_turn"


def test_overloaded_mid_stream_says_so_and_offers_retry(qtbot: QtBot, env: Env) -> None:
    env.sandbox.faults.set("stream:error-stream=6x1")
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    _send(qtbot, panel, QUESTION)
    wait_idle(qtbot, panel, env.runner)
    (failed,) = _turns(panel, env.store)
    shown = _text(panel)
    assert "⚠ Failed: The API became overloaded while answering" in shown
    assert "refused" not in shown and STOPPED not in shown
    assert f"retry:{failed.id}" in panel.transcript.document().toHtml()
    assert failed.state is TurnState.FAILED and failed.answer  # what arrived is kept


def test_a_stream_that_ends_early_is_a_failure_with_retry_not_a_stop(qtbot: QtBot, env: Env) -> None:
    env.sandbox.faults.set("stream:end-stream=6x1")
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    _send(qtbot, panel, QUESTION)
    wait_idle(qtbot, panel, env.runner)
    (failed,) = _turns(panel, env.store)
    shown = _text(panel)
    assert "⚠ Failed:" in shown and "ended before the answer was complete" in shown
    assert STOPPED not in shown and "Retry" in shown
    panel.transcript.anchorClicked.emit(QUrl(f"retry:{failed.id}"))
    wait_idle(qtbot, panel, env.runner)
    (turn,) = _turns(panel, env.store)
    assert turn.state is TurnState.COMPLETE and "400,000 euros" in turn.answer


def test_a_whole_message_instead_of_a_stream_is_shown_as_the_answer(qtbot: QtBot, env: Env) -> None:
    env.sandbox.faults.set("stream:json-streamx1")
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    _send(qtbot, panel, QUESTION)
    wait_idle(qtbot, panel, env.runner)
    (turn,) = _turns(panel, env.store)
    shown = _text(panel)
    assert STOPPED not in shown and "Failed" not in shown
    assert turn.state is TurnState.COMPLETE and "400,000 euros" in shown.split(QUESTION, 1)[1]


def test_a_question_sent_while_every_worker_is_busy_is_saved_at_once(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    qtbot.waitUntil(lambda: panel.is_settled)
    gate = threading.Event()
    running = threading.Semaphore(0)

    def busy(_token: CancelToken) -> None:
        running.release()
        gate.wait(30)

    blockers = [env.runner.task(busy, name="busy").start() for _ in range(4)]  # every shared thread
    for _ in blockers:
        assert running.acquire(timeout=10)
    try:
        _send(qtbot, panel, QUESTION)
        assert panel.composer.text() == ""
        # no shared thread is free, yet the question reaches the catalog
        qtbot.waitUntil(lambda: bool(env.store.list_conversations()), timeout=10_000)
        conv = env.store.list_conversations()[0]
        qtbot.waitUntil(lambda: bool(env.store.list_turns(conv.id)), timeout=10_000)
        (saved,) = env.store.list_turns(conv.id)
        assert saved.question == QUESTION and saved.state is TurnState.STREAMING
    finally:
        gate.set()
    wait_idle(qtbot, panel, env.runner)
    (turn,) = env.store.list_turns(conv.id)
    assert turn.id == saved.id and turn.state is TurnState.COMPLETE


def test_stopped_while_saving_leaves_no_question_behind(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    _send(qtbot, panel, QUESTION)
    panel.stop()  # before the worker has saved it
    wait_idle(qtbot, panel, env.runner)
    qtbot.waitUntil(lambda: panel.is_settled)
    assert panel.composer.text() == QUESTION
    for conv in env.store.list_conversations():
        assert all(t.state is not TurnState.STREAMING for t in env.store.list_turns(conv.id))
        assert [t.question for t in env.store.list_turns(conv.id)] == []


def test_a_retry_keeps_the_old_turn_until_its_question_is_saved_again(
    store: Store, catalog_path: Path
) -> None:
    record = store.add_file(file_id="file_a", filename="a.txt", mime_type="text/plain", size_bytes=3)
    conv = store.create_conversation("t", MODEL, [record.id])
    old = store.start_turn(conv.id, QUESTION, MODEL)
    store.finish_turn(old.id, state=TurnState.FAILED, answer="", error="The connection dropped.")
    other = sqlite3.connect(str(catalog_path))  # a catalog that takes no new turn (a full disk, say)
    other.execute("CREATE TRIGGER no_turns BEFORE INSERT ON turns BEGIN SELECT RAISE(ABORT, 'full'); END")
    other.close()
    with pytest.raises(sqlite3.DatabaseError):
        save_question(
            store, Cursor(conv.id, (record.id,)), Asked(QUESTION, MODEL, (record.id,), old.id), None
        )
    assert [t.id for t in store.list_turns(conv.id)] == [old.id]
