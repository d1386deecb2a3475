"""The chat pane against the in-process sandbox over real HTTP: ask, stop, failure and retry,
conversations, export, batching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.api.chat import TextDelta
from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, Store, TurnState
from assistant.ui.chat import ChatPanel

from .conftest import REPORT_TEXT, Env, settle, wait_idle

QUESTION = "How much did the restoration cost and who paid?"


def _type_and_send(qtbot: QtBot, panel: ChatPanel, text: str) -> None:
    panel.composer.input.setFocus()
    qtbot.keyClicks(panel.composer.input, text)
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)


def _text(panel: ChatPanel) -> str:
    return panel.transcript.document().toPlainText()


def test_ask_streams_a_rendered_answer_with_a_citation_from_the_document(
    qtbot: QtBot, make_panel: Callable[..., ChatPanel], runner: TaskRunner, store: Store, report: FileRecord
) -> None:
    panel = make_panel()
    panel.set_attached_files([report])
    assert [c.record.id for c in panel.composer.chips] == [report.id]

    _type_and_send(qtbot, panel, QUESTION)
    assert panel.is_streaming
    assert panel.composer.text() == ""  # sent: the box is free for the next question
    settle(qtbot, panel)
    conv = panel.current_conversation()
    assert conv is not None and conv.file_ids == (report.id,)
    wait_idle(qtbot, panel, runner)

    (turn,) = store.list_turns(conv.id)
    assert turn.question == QUESTION and turn.state is TurnState.COMPLETE
    assert turn.citations and turn.usage is not None and turn.cost_usd is not None
    cited = turn.citations[0]
    assert cited.cited_text.strip() and cited.cited_text.strip() in REPORT_TEXT

    shown = _text(panel)
    assert QUESTION in shown
    assert "[1]" in shown  # the numbered mark, inline and in the sources
    assert "Sources" in shown and cited.cited_text.split()[0] in shown
    assert f"chars {cited.start}–{cited.end}" in shown
    assert "*" not in shown.split("Here is what", 1)[-1].split("\n")[0]  # Markdown rendered, not raw
    assert "Tokens: " in shown and "cache write" in shown and "$" in shown
    assert panel.totals_label.text().startswith("Total $")
    assert f"cite:{turn.id}:1" in panel.transcript.document().toHtml()

    # clicking the mark asks the window to open the local copy (a text file: no page)
    with qtbot.waitSignal(panel.citing.source_requested) as opened:
        panel.transcript.anchorClicked.emit(QUrl(f"cite:{turn.id}:1"))
    record = opened.args[0].record
    assert record is not None and record.id == report.id and opened.args[0].citation.kind == "char"

    # copy an answer
    copied = panel.copy_answer(turn.id)
    assert QApplication.clipboard().text() == copied and "2.4 million" in copied
    assert "[1]" in copied and "[^1]" not in copied  # the marks, as a reader sees them

    # a second question reads the documents from the cache: the pane says so, and what it saved
    _type_and_send(qtbot, panel, "Who was the last resident keeper?")
    wait_idle(qtbot, panel, runner)
    second = store.list_turns(conv.id)[1]
    assert second.usage is not None and second.usage.cache_read_input_tokens > 0
    assert "cache read" in _text(panel) and "caching saved $" in _text(panel)
    assert "caching saved $" in panel.totals_label.text()
    shown = _text(panel)

    # the same conversation shown again from the store reads the same, marks in the same places
    again = make_panel()
    assert again.current_conversation() is not None and again.current_conversation().id == conv.id
    assert _text(again) == shown


def test_stop_keeps_the_partial_answer_marked_incomplete(qtbot: QtBot, env: Env) -> None:
    make_panel, runner, store, report = env.make_panel, env.runner, env.store, env.report
    sandbox = env.sandbox
    sandbox.tokens_per_second = 15
    panel = make_panel()
    panel.set_attached_files([report])
    _type_and_send(qtbot, panel, QUESTION)
    qtbot.waitUntil(lambda: "restoration" in _text(panel).split(QUESTION, 1)[1], timeout=20_000)
    assert panel.is_streaming and panel.composer.stop_button.isEnabled()

    qtbot.mouseClick(panel.composer.stop_button, Qt.MouseButton.LeftButton)
    assert not panel.is_streaming  # at once, without waiting for the worker
    assert not panel.composer.stop_button.isEnabled() and panel.composer.send_button.isEnabled()
    shown = _text(panel)
    assert "Stopped — this answer is incomplete." in shown
    assert "400,000 euros" not in shown.split("Sources")[0]  # the answer really was cut short

    wait_idle(qtbot, panel, runner)
    conv = panel.current_conversation()
    assert conv is not None
    (turn,) = store.list_turns(conv.id)
    assert turn.state is TurnState.INCOMPLETE
    assert "restoration" in turn.answer and "400,000 euros" not in turn.answer

    reloaded = make_panel()
    assert "Stopped — this answer is incomplete." in _text(reloaded)
    assert "restoration" in _text(reloaded)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, when a window is shown
def test_escape_stops_the_stream(qtbot: QtBot, env: Env) -> None:
    make_panel, runner, report = env.make_panel, env.runner, env.report
    sandbox = env.sandbox
    sandbox.tokens_per_second = 15
    panel = make_panel()
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    panel.set_attached_files([report])
    _type_and_send(qtbot, panel, QUESTION)
    qtbot.waitUntil(lambda: "restoration" in _text(panel).split(QUESTION, 1)[1], timeout=20_000)
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Escape)
    assert not panel.is_streaming
    assert "Stopped — this answer is incomplete." in _text(panel)
    wait_idle(qtbot, panel, runner)
    first = panel.current_conversation()
    assert first is not None

    # Ctrl+N: a new, empty conversation, with the question box focused
    panel.conversations.list.setFocus()
    with qtbot.waitSignal(panel.conversation_changed):
        qtbot.keyClick(panel.conversations.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    second = panel.current_conversation()
    assert second is not None and second.id != first.id and second.title == "New conversation"
    assert _text(panel) == ""
    assert panel.composer.input.hasFocus()


def test_a_dropped_connection_shows_the_error_and_retry_succeeds(qtbot: QtBot, env: Env) -> None:
    make_panel, runner, store, report = env.make_panel, env.runner, env.store, env.report
    sandbox = env.sandbox
    sandbox.faults.set("stream:drop-stream=8x1")
    panel = make_panel()
    panel.set_attached_files([report])
    _type_and_send(qtbot, panel, QUESTION)
    wait_idle(qtbot, panel, runner)

    shown = _text(panel)
    assert "⚠ Failed:" in shown and "connection" in shown.lower()
    assert "Retry" in shown
    assert panel.composer.text() == QUESTION  # the question is never lost
    conv = panel.current_conversation()
    assert conv is not None
    (failed,) = store.list_turns(conv.id)
    assert failed.state is TurnState.FAILED and failed.question == QUESTION and failed.error
    assert f"retry:{failed.id}" in panel.transcript.document().toHtml()

    panel.transcript.anchorClicked.emit(QUrl(f"retry:{failed.id}"))
    assert panel.is_streaming
    assert panel.composer.text() == ""  # the kept question went out again
    wait_idle(qtbot, panel, runner)
    (turn,) = store.list_turns(conv.id)
    assert turn.state is TurnState.COMPLETE and turn.question == QUESTION
    assert "400,000 euros" in turn.answer
    shown = _text(panel)
    assert "Failed" not in shown and "400,000 euros" in shown


def test_not_connected_keeps_the_question(
    qtbot: QtBot, make_panel: Callable[..., ChatPanel], store: Store, report: FileRecord
) -> None:
    panel = make_panel(with_chat=False)
    panel.set_attached_files([report])
    _type_and_send(qtbot, panel, "Anything there?")
    assert not panel.is_streaming
    assert panel.composer.text() == "Anything there?"
    assert "Not connected" in panel.composer.warning.text()
    qtbot.waitUntil(lambda: panel.is_settled, timeout=20_000)
    assert [store.list_turns(c.id) for c in store.list_conversations()] == [[]], "nothing saved to send"


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, when the question box shows
def test_conversations_new_rename_delete_search_persist(
    qtbot: QtBot,
    make_panel: Callable[..., ChatPanel],
    store: Store,
    catalog_path: Path,
    report: FileRecord,
) -> None:
    panel = make_panel()
    panel.set_attached_files([report])
    panel.new_conversation()
    settle(qtbot, panel)
    first = panel.current_conversation()
    assert first is not None and first.title == "New conversation" and first.file_ids == (report.id,)
    panel.new_conversation()  # an empty new conversation is reused, not piled up
    settle(qtbot, panel)
    assert len(store.list_conversations()) == 1

    # rename in place, as F2 / double-click editing does
    item = panel.conversations.item_for(first.id)
    assert item is not None
    item.setText("Budget questions")
    panel.new_conversation_action.trigger()  # Ctrl+N (the key itself: see the Esc test)
    settle(qtbot, panel)
    second = panel.current_conversation()
    assert second is not None and second.id != first.id
    panel.rename_conversation(second.id, "The lamp")
    panel.new_conversation()  # reused: "The lamp" is named but empty -> a third one
    settle(qtbot, panel)
    third = panel.current_conversation()
    assert third is not None and third.id not in (first.id, second.id)
    assert sorted(panel.conversations.titles()) == ["Budget questions", "New conversation", "The lamp"]

    # delete asks first (non-blocking), then deletes
    panel.conversations.list.setCurrentItem(panel.conversations.item_for(third.id))
    panel.conversations.delete_action.trigger()
    box = panel.findChild(QMessageBox, "deleteConversationBox")
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, panel)
    assert sorted(panel.conversations.titles()) == ["Budget questions", "The lamp"]

    panel.conversations.search.setText("lamp")
    settle(qtbot, panel)
    assert panel.conversations.titles() == ["The lamp"]
    panel.conversations.search.setText("")
    settle(qtbot, panel)
    assert len(panel.conversations.titles()) == 2

    # a new panel on the same data dir (the catalog reopened) sees the same
    store.close()
    with Store.open(catalog_path) as reopened:
        again = make_panel(reopened)
        assert sorted(again.conversations.titles()) == ["Budget questions", "The lamp"]
        again.conversations.search.setText("BUDGET")
        settle(qtbot, again)
        assert again.conversations.titles() == ["Budget questions"]
        listed = {c.title: c for c in reopened.list_conversations()}
        assert listed["Budget questions"].file_ids == (report.id,)
        again.shutdown()


def test_export_markdown(qtbot: QtBot, env: Env, tmp_path: Path) -> None:
    make_panel, runner, store, report = env.make_panel, env.runner, env.store, env.report
    panel = make_panel()
    panel.set_attached_files([report])
    panel.ask(QUESTION)
    wait_idle(qtbot, panel, runner)
    conv = panel.current_conversation()
    assert conv is not None
    (turn,) = store.list_turns(conv.id)

    with qtbot.waitSignal(panel.exporter.exported) as exported:  # written in a worker
        panel.export_markdown(tmp_path / "export.md")
    target = exported.args[0]
    assert target == tmp_path / "export.md"
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# {conv.title}\n")
    assert f"> {QUESTION}" in text
    assert "`lighthouse-report.txt`" in text
    assert "[^1-1]" in text  # the mark, as a footnote reference
    body = text.split("### Answer", 1)[1].split("\n[^1-1]:", 1)[0]
    assert "[^1-1]" in body  # referenced in the answer itself, where it was shown, not only defined
    first_words = " ".join(turn.citations[0].cited_text.split()[:5])
    assert f"[^1-1]: “{first_words}" in text
    assert "lighthouse-report.txt, chars" in text
    assert "Tokens: " in text and "$" in text


def test_many_small_text_events_make_few_document_updates(qtbot: QtBot, env: Env) -> None:
    make_panel, runner, report, sandbox = env.make_panel, env.runner, env.report, env.sandbox
    sandbox.tokens_per_second = 2  # the real answer barely moves while we feed the pane
    panel = make_panel()
    panel.set_attached_files([report])
    with qtbot.waitSignal(panel.answer.turn_known, timeout=20_000):
        panel.ask(QUESTION)
    updates_before = panel.transcript.document_updates
    events = 0
    batcher = panel.answer.batcher
    for group in range(8):
        for i in range(250):
            panel.answer.feed_current([TextDelta(f"w{group}_{i} ")])  # one event per bridge batch
            events += 1
        qtbot.waitUntil(lambda: not batcher.pending, timeout=5000)
    updates = panel.transcript.document_updates - updates_before
    assert events == 2000
    # each group is ~2,000 characters: at most two ticks (a tick shows at most 1,500), never one per event
    assert updates <= 2 * 8 + 4
    assert "w7_249" in _text(panel)
    panel.stop()
    wait_idle(qtbot, panel, runner)


def test_model_picker_lists_the_models_and_keys_send(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel()
    picker = panel.composer.model_picker
    assert picker.objectName() == "modelPicker"
    qtbot.waitUntil(lambda: picker.count() > 1, timeout=10_000)
    ids = [picker.itemData(i) for i in range(picker.count())]
    assert "claude-haiku-5-5" in ids and "claude-opus-5-5" in ids
    assert panel.composer.current_model() == "claude-sonnet-5-5"  # the default model setting
    assert picker.itemText(picker.findData("claude-opus-5-5")) == "Claude Opus 5.5"

    # Shift+Enter is a new line; Ctrl+Enter sends, with the model picked
    picker.setCurrentIndex(picker.findData("claude-haiku-5-5"))
    box = panel.composer.input
    box.setFocus()
    qtbot.keyClicks(box, "Who paid")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "for the lamp?")
    assert box.toPlainText() == "Who paid\nfor the lamp?" and not panel.is_streaming
    panel.set_attached_files([env.report])
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.is_streaming
    wait_idle(qtbot, panel, env.runner)
    conv = panel.current_conversation()
    assert conv is not None and conv.model == "claude-haiku-5-5"
    (turn,) = env.store.list_turns(conv.id)
    assert turn.model == "claude-haiku-5-5" and turn.question == "Who paid\nfor the lamp?"


def test_removing_a_chip_detaches_the_file(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel()
    panel.new_conversation()
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    conv = panel.current_conversation()
    assert conv is not None and conv.file_ids == (env.report.id,)
    (chip,) = panel.composer.chips
    with qtbot.waitSignal(panel.attachments_changed) as changed:
        qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert changed.args == [[]]
    assert panel.composer.chips == []
    stored = env.store.get_conversation(conv.id)
    assert stored is not None and stored.file_ids == ()


def test_files_larger_than_the_model_context_are_flagged_before_sending(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    from assistant.api.files import FileService

    big = tmp_path / "big.txt"
    line = "The lighthouse keeper wrote in the log about wind, rain and the lamp on the tower.\n"
    big.write_text(line * 16_000, encoding="utf-8")  # well over 200,000 tokens
    record = FileService(client, env.store, retention_seconds=86_400).upload(big).record
    panel = env.make_panel()
    picker = panel.composer.model_picker
    qtbot.waitUntil(lambda: picker.count() > 1, timeout=10_000)
    assert panel.current_conversation() is None
    picker.setCurrentIndex(picker.findData("claude-haiku-5-5"))  # 200,000 tokens of context
    panel.set_attached_files([record])  # attaching starts a conversation: there is something to count
    settle(qtbot, panel)
    conv = panel.current_conversation()
    assert conv is not None and conv.file_ids == (record.id,) and conv.model == "claude-haiku-5-5"
    warning = panel.composer.warning
    qtbot.waitUntil(lambda: warning.isVisibleTo(panel), timeout=20_000)
    assert "more than Claude Haiku 5.5 can read" in warning.text(), "the model as the picker names it"
    tokens = panel.context_check.tokens
    assert tokens is not None and tokens > 200_000
    # sending anyway is refused here, not by the API: no turn, the question is kept
    _type_and_send(qtbot, panel, "What did the keeper write?")
    assert not panel.is_streaming and panel.composer.text() == "What did the keeper write?"
    assert warning.isVisibleTo(panel) and warning.text().endswith("Your question is kept.")
    assert env.store.list_turns(conv.id) == []

    picker.setCurrentIndex(picker.findData("claude-sonnet-5-5"))  # 1,000,000 tokens
    qtbot.waitUntil(lambda: not warning.isVisibleTo(panel), timeout=20_000)
    qtbot.waitUntil(lambda: not env.runner.running, timeout=20_000)


def test_a_pdf_citation_opens_the_local_copy_at_its_page(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    from assistant.api.files import FileService
    from tests.helpers_pdf import make_pdf

    pdf = tmp_path / "harbour.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                ["The harbour guide.", "It lists the piers and the opening hours of the harbour office."],
                ["The lighthouse lamp was replaced in March 2023.", "Its beam reaches twenty-two miles."],
            ]
        )
    )
    record = FileService(client, env.store, retention_seconds=86_400).upload(pdf).record
    panel = env.make_panel()
    panel.set_attached_files([record])
    panel.ask("When was the lighthouse lamp replaced?")
    wait_idle(qtbot, panel, env.runner)
    conv = panel.current_conversation()
    assert conv is not None
    (turn,) = env.store.list_turns(conv.id)
    assert turn.state is TurnState.COMPLETE
    number, citation = next((n, c) for n, c in enumerate(turn.citations, start=1) if c.start == 2)
    assert citation.kind == "page" and "March 2023" in citation.cited_text
    assert "harbour.pdf, p. 2" in _text(panel)
    with qtbot.waitSignal(panel.citing.source_requested) as opened:
        panel.transcript.anchorClicked.emit(QUrl(f"cite:{turn.id}:{number}"))
    opened_record, cited = opened.args[0].record, opened.args[0].citation
    assert opened_record.id == record.id and opened_record.local_path == str(pdf) and cited.start == 2


def test_a_stored_answer_reloads_with_its_marks_where_they_streamed(qtbot: QtBot, env: Env) -> None:
    from dataclasses import replace

    panel = env.make_panel()
    panel.set_attached_files([env.report])
    panel.ask("When was the lamp replaced and when did the last keeper leave?")
    wait_idle(qtbot, panel, env.runner)
    conv = panel.current_conversation()
    assert conv is not None
    (turn,) = env.store.list_turns(conv.id)
    assert len(turn.citations) >= 2 and all(c.answer_offset is not None for c in turn.citations)
    streamed = _text(panel)
    streamed_html = panel.transcript.document().toHtml()

    # Real Claude paraphrases: the cited text (the document's words) is not in the answer. Give the
    # stored citations such text: the marks still come back where they streamed, from their offsets.
    paraphrased = tuple(replace(c, cited_text=f"not in the answer {n}") for n, c in enumerate(turn.citations))
    env.store.finish_turn(turn.id, state=turn.state, answer=turn.answer, citations=paraphrased)
    again = env.make_panel()
    assert again.current_conversation() is not None and again.current_conversation().id == conv.id
    answer_part = _text(again).split("Sources")[0]
    assert answer_part == streamed.split("Sources")[0]
    assert f"cite:{turn.id}:1" in streamed_html
    assert f"cite:{turn.id}:1" in again.transcript.document().toHtml()

    # without offsets (a row saved before they were recorded) the search cannot find them: the marks
    # move to the end; this is what the offsets fix
    legacy = tuple(replace(c, answer_offset=None) for c in paraphrased)
    env.store.finish_turn(turn.id, state=turn.state, answer=turn.answer, citations=legacy)
    old = env.make_panel()
    assert _text(old).split("Sources")[0] != answer_part
