"""The chat pane and the life of its files, against the sandbox: files that are gone (said, flagged
before sending, replaced or removed), warnings on chips, and a conversation that keeps working across
a renewal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from assistant.api.files import FileService
from assistant.api.lifecycle import renew, upload_document
from assistant.catalog import FileOrigin, FileRecord, FileState, TurnState
from assistant.documents import prepare
from assistant.ui.chat import ChatPanel
from assistant.ui.chat.notice import ReplacementPicker

from .conftest import REPORT_TEXT, Env, settle, wait_idle

DAY = 86_400


def _text(panel: ChatPanel) -> str:
    return panel.transcript.document().toPlainText()


def _sandbox_now(sandbox: Any) -> datetime:
    return datetime.fromtimestamp(sandbox.clock.now(), UTC)


def _send(qtbot: QtBot, panel: ChatPanel, text: str) -> None:
    panel.composer.input.setFocus()
    panel.composer.set_text("")
    qtbot.keyClicks(panel.composer.input, text)
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)


def _button(panel: ChatPanel, name: str, index: int = 0) -> QPushButton:
    # only what is shown: a replaced list's buttons linger (hidden) until their deferred deletion
    buttons = [b for b in panel.gone_notice.findChildren(QPushButton, name) if b.isVisibleTo(panel)]
    assert len(buttons) > index, name
    return buttons[index]


def _upload(client: Any, store: Any, path: Path, text: str, retention_days: int) -> FileRecord:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return FileService(client, store, retention_seconds=retention_days * DAY).upload(path).record


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, when the picker shows
def test_an_expired_file_is_said_flagged_before_sending_and_replaced(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    store, sandbox, runner = env.store, env.sandbox, env.runner
    first_copy = REPORT_TEXT + "\nFirst copy.\n"
    old = _upload(client, store, tmp_path / "a" / "report.txt", first_copy, retention_days=2)
    panel = env.make_panel()
    panel.set_attached_files([old])
    panel.ask("How much did the restoration cost?")
    wait_idle(qtbot, panel, runner)
    conv = panel.current_conversation()
    assert conv is not None
    (first,) = store.list_turns(conv.id)
    assert first.state is TurnState.COMPLETE and first.citations
    assert not panel.gone_notice.isVisibleTo(panel)

    # Three days later the file has expired; the window reconciles and tells the pane.
    sandbox.clock.advance(3 * DAY)
    assert FileService(client, store).reconcile(now=_sandbox_now(sandbox)).expired == (old.id,)
    newer = _upload(client, store, tmp_path / "b" / "report.txt", REPORT_TEXT + "\nSecond copy.\n", 30)
    other = _upload(client, store, tmp_path / "keepers.txt", "Marta Quint left in 1987.\n", 30)
    with qtbot.waitSignal(panel.attachments_changed):
        panel.refresh_files()

    notice = panel.gone_notice
    assert notice.isVisibleTo(panel)
    assert old.expires_at is not None
    day = old.expires_at.astimezone()
    assert notice.message_texts() == [
        f"“report.txt” expired on {day.day} {day:%b} — it can't be used in questions any more."
    ]
    assert [r.id for r in panel.gone_files()] == [old.id]
    (chip,) = panel.composer.chips
    assert chip.label.font().strikeOut() and not chip.label.isEnabled()  # struck and greyed
    assert "expired on" in chip.toolTip() and "Attach another file or remove it" in chip.toolTip()
    panel.grab().save(str(tmp_path / "gone.png"))

    # Sending is refused before anything goes out: no API error, no new turn, the question is kept.
    _send(qtbot, panel, "Who paid for it?")
    assert not panel.is_streaming
    assert panel.composer.text() == "Who paid for it?"
    warning = panel.composer.warning
    assert warning.isVisibleTo(panel) and warning.text().startswith("Not sent: “report.txt” expired on")
    assert "your question is kept" in warning.text()
    panel.grab().save(str(tmp_path / "not-sent.png"))
    assert [t.id for t in store.list_turns(conv.id)] == [first.id]

    # Attach another…: the active files, a new upload of the same name first.
    with qtbot.waitSignal(panel.controller.replacements):  # the active files are read in a worker
        qtbot.mouseClick(_button(panel, "attachAnotherButton"), Qt.MouseButton.LeftButton)
    picker = panel.findChild(ReplacementPicker, "attachAnotherDialog")
    assert picker is not None and picker.isVisible()
    listed = [picker.list.item(i).text().split("  ·  ")[0] for i in range(picker.list.count())]
    assert listed == ["report.txt", "keepers.txt", "lighthouse-report.txt"]  # not the gone one
    picker.grab().save(str(tmp_path / "picker.png"))
    picker.filter.setText("keep")
    assert picker.list.currentItem().text().startswith("keepers.txt  ·  uploaded ")
    picker.filter.setText("")
    picker.select(newer.id)
    with qtbot.waitSignal(panel.attachments_changed) as changed:
        qtbot.mouseClick(picker.attach_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in changed.args[0]] == [newer.id]
    assert not picker.isVisible()
    stored = store.get_conversation(conv.id)
    assert stored is not None and stored.file_ids == (newer.id,)
    assert not notice.isVisibleTo(panel) and panel.gone_files() == []
    assert [c.record.id for c in panel.composer.chips] == [newer.id]
    assert not panel.composer.chips[0].label.font().strikeOut()
    assert other.id not in stored.file_ids

    # The kept question goes out now and is answered from the new file; the first turn is still there.
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)
    assert panel.is_streaming
    wait_idle(qtbot, panel, runner)
    turns = store.list_turns(conv.id)
    assert turns[0].id == first.id and len(turns) == 2
    assert turns[1].state is TurnState.COMPLETE and turns[1].question == "Who paid for it?"
    assert {c.file_id for c in turns[1].citations} == {newer.file_id}
    shown = _text(panel)
    assert "How much did the restoration cost?" in shown and "Who paid for it?" in shown
    assert not warning.isVisibleTo(panel)


def test_gone_files_can_be_removed_and_another_conversation_says_nothing(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    store, report = env.store, env.report
    doomed = _upload(client, store, tmp_path / "doomed.txt", "The pier was painted blue in 2020.\n", 30)
    pier = store.create_conversation("Pier", "claude-sonnet-5-5", [doomed.id, report.id])
    only_report = store.create_conversation("Report only", "claude-sonnet-5-5", [report.id])
    assert FileService(client, store).delete(doomed.id).ok  # deleted (say, by Clean up)

    panel = env.make_panel()
    assert panel.current_conversation() is not None and panel.current_conversation().id == only_report.id
    assert not panel.gone_notice.isVisibleTo(panel)  # nothing gone in this one

    item = panel.conversations.item_for(pier.id)
    assert item is not None
    with qtbot.waitSignal(panel.conversation_changed):
        panel.conversations.list.setCurrentItem(item)  # opening the other conversation
    assert panel.gone_notice.isVisibleTo(panel)
    assert panel.gone_notice.message_texts() == [
        "“doomed.txt” was deleted — it can't be used in questions any more."
    ]
    assert panel.composer.chips[0].label.text() == "doomed.txt (deleted)"

    # nothing else on the server to attach instead: the pane says so rather than show an empty list
    with qtbot.waitSignal(panel.controller.replacements) as offered:
        panel.pick_replacement(doomed)
    assert offered.args == [doomed, []]
    assert "No other file is on the server" in panel.composer.warning.text()

    with qtbot.waitSignal(panel.attachments_changed) as changed:
        qtbot.mouseClick(_button(panel, "removeGoneButton"), Qt.MouseButton.LeftButton)
    assert [r.id for r in changed.args[0]] == [report.id]
    assert not panel.gone_notice.isVisibleTo(panel)
    stored = store.get_conversation(pier.id)
    assert stored is not None and stored.file_ids == (report.id,)


def test_a_files_warnings_show_on_its_chip(qtbot: QtBot, env: Env) -> None:
    warned = env.store.set_source_info(
        env.report.id,
        source_sha256=None,
        source_size=None,
        source_mtime=None,
        kept_path=None,
        warnings=("no text layer: citations will not work",),
    )
    panel = env.make_panel()
    panel.set_attached_files([warned])
    (chip,) = panel.composer.chips
    assert chip.label.text() == "⚠ lighthouse-report.txt"
    assert "⚠ no text layer: citations will not work" in chip.toolTip()
    assert chip.label.isEnabled() and not chip.label.font().strikeOut()
    assert not panel.gone_notice.isVisibleTo(panel)


def test_a_conversation_keeps_working_across_a_renewal(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    store, sandbox, runner = env.store, env.sandbox, env.runner
    files = FileService(client, store, retention_seconds=30 * DAY)
    source = tmp_path / "harbour-report.txt"
    source.write_text(REPORT_TEXT, encoding="utf-8")
    rec = upload_document(files, store, prepare(source, cache_dir=tmp_path / "converted")).record
    panel = env.make_panel()
    panel.set_attached_files([rec])
    panel.ask("How much did the restoration cost?")
    wait_idle(qtbot, panel, runner)
    conv = panel.current_conversation()
    assert conv is not None
    (first,) = store.list_turns(conv.id)
    assert first.state is TurnState.COMPLETE and {c.file_id for c in first.citations} == {rec.file_id}

    sandbox.clock.advance(28 * DAY)  # two days left: the window offers Renew
    renewed = renew(files, store, rec.id)
    assert renewed.id == rec.id and renewed.file_id != rec.file_id
    # The pane is not told: its conversation refers to the catalog row, not to the remote id.
    panel.ask("Who paid for the restoration?")
    wait_idle(qtbot, panel, runner)
    turns = store.list_turns(conv.id)
    assert turns[0].id == first.id and len(turns) == 2
    second = turns[1]
    assert second.state is TurnState.COMPLETE and second.citations
    assert {c.file_id for c in second.citations} == {renewed.file_id}
    stored = store.get_conversation(conv.id)
    assert stored is not None and stored.file_ids == (rec.id,)

    # The history still shows the first turn, and its citation (of the old id) still opens the file.
    shown = _text(panel)
    assert "How much did the restoration cost?" in shown and "Who paid for the restoration?" in shown
    assert shown.count("Sources") == 2
    with qtbot.waitSignal(panel.citing.source_requested) as opened:
        panel.transcript.anchorClicked.emit(QUrl(f"cite:{first.id}:1"))
    assert opened.args[0].record is not None and opened.args[0].record.id == rec.id
    with qtbot.waitSignal(panel.citing.source_requested) as opened:
        panel.transcript.anchorClicked.emit(QUrl(f"cite:{second.id}:1"))
    assert opened.args[0].record is not None and opened.args[0].record.id == rec.id

    # shown again from the catalog: both turns, the chip names the renewed file, nothing is gone
    again = env.make_panel()
    assert again.current_conversation() is not None and again.current_conversation().id == conv.id
    assert _text(again) == shown
    assert [c.record.file_id for c in again.composer.chips] == [renewed.file_id]
    assert not again.gone_notice.isVisibleTo(again)


def test_a_file_deleted_elsewhere_is_found_out_on_sending_and_said(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    store, runner = env.store, env.runner
    gone = _upload(client, store, tmp_path / "pier.txt", "The pier was painted blue in 2020.\n", 30)
    panel = env.make_panel()
    panel.set_attached_files([gone, env.report])
    settle(qtbot, panel)
    client.files.delete(gone.file_id)  # deleted in the Console: the catalog still thinks it active
    conv = panel.current_conversation()
    assert conv is not None and panel.gone_files() == []

    with qtbot.waitSignal(panel.file_states_changed) as told:
        _send(qtbot, panel, "When was the pier painted?")
        wait_idle(qtbot, panel, runner)
    assert [(r.id, r.state) for r in told.args[0]] == [(gone.id, FileState.MISSING)]
    # treated as not sent: no failed turn left behind, the question is back, the notice says why
    assert store.list_turns(conv.id) == []
    assert "Failed" not in _text(panel)
    assert panel.composer.text() == "When was the pier painted?"
    assert panel.gone_notice.message_texts() == [
        "“pier.txt” is no longer on the server — it can't be used in questions any more."
    ]
    assert panel.composer.warning.text().startswith("Not sent: “pier.txt” is no longer on the server")

    # removing it lets the kept question go, answered from the file that is left
    with qtbot.waitSignal(panel.attachments_changed):
        qtbot.mouseClick(_button(panel, "removeGoneButton"), Qt.MouseButton.LeftButton)
    assert not panel.composer.warning.isVisibleTo(panel)
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)
    wait_idle(qtbot, panel, runner)
    (turn,) = store.list_turns(conv.id)
    assert turn.state is TurnState.COMPLETE and turn.question == "When was the pier painted?"


def test_a_gone_file_that_can_be_renewed_is_renewed_from_the_notice(
    qtbot: QtBot, env: Env, tmp_path: Path, client: Any
) -> None:
    store, sandbox, runner = env.store, env.sandbox, env.runner
    files = FileService(client, store, retention_seconds=30 * DAY)
    source = tmp_path / "harbour-report.txt"
    source.write_text(REPORT_TEXT + "\nHarbour copy.\n", encoding="utf-8")
    rec = upload_document(files, store, prepare(source, cache_dir=tmp_path / "converted")).record
    foreign = store.add_file(  # found remotely, not uploaded here: nothing to renew it from
        file_id="file_foreign",
        filename="foreign.txt",
        mime_type="text/plain",
        size_bytes=10,
        origin=FileOrigin.ADOPTED,
    )
    conv = store.create_conversation("Harbour", "claude-sonnet-5-5", [rec.id, foreign.id])
    sandbox.clock.advance(31 * DAY)
    files.reconcile(now=_sandbox_now(sandbox))
    assert {r.id: r.state for r in store.list_files()}[rec.id] is FileState.EXPIRED

    renewed: list[FileRecord] = []
    panel: ChatPanel

    def renew_in_a_worker(record: FileRecord) -> None:  # what the window does
        def done(result: object) -> None:
            assert isinstance(result, FileRecord)
            renewed.append(result)
            panel.refresh_files()

        runner.run(lambda token: renew(files, store, record.id), on_result=done, name="renew")

    panel = env.make_panel(renew=renew_in_a_worker)
    assert panel.current_conversation() is not None and panel.current_conversation().id == conv.id
    assert [r.id for r in panel.gone_files()] == [rec.id, foreign.id]
    renew_buttons = [
        b for b in panel.gone_notice.findChildren(QPushButton, "renewGoneButton") if b.isVisibleTo(panel)
    ]
    assert len(renew_buttons) == 1  # only for the file this app can upload again

    qtbot.mouseClick(renew_buttons[0], Qt.MouseButton.LeftButton)
    assert panel.composer.status.text() == "Renewing “harbour-report.txt”…"
    qtbot.waitUntil(lambda: [r.id for r in panel.gone_files()] == [foreign.id], timeout=20_000)
    (fresh,) = renewed
    assert fresh.id == rec.id and fresh.is_active and fresh.file_id != rec.file_id
    assert panel.composer.chips[0].record.file_id == fresh.file_id
    assert not panel.composer.chips[0].label.font().strikeOut()

    with qtbot.waitSignal(panel.attachments_changed):
        qtbot.mouseClick(_button(panel, "removeGoneButton"), Qt.MouseButton.LeftButton)
    assert not panel.gone_notice.isVisibleTo(panel)
    panel.ask("When was the lamp replaced?")
    wait_idle(qtbot, panel, runner)
    (turn,) = store.list_turns(conv.id)
    assert turn.state is TurnState.COMPLETE and {c.file_id for c in turn.citations} == {fresh.file_id}


def test_retrying_with_a_gone_file_is_refused_before_sending(qtbot: QtBot, env: Env) -> None:
    store, runner = env.store, env.runner
    env.sandbox.faults.set("stream:drop-stream=8x1")
    panel = env.make_panel()
    panel.set_attached_files([env.report])
    panel.ask("Who paid for the restoration?")
    wait_idle(qtbot, panel, runner)
    conv = panel.current_conversation()
    assert conv is not None
    (failed,) = store.list_turns(conv.id)
    assert failed.state is TurnState.FAILED
    panel.composer.set_text("")

    store.set_file_state(env.report.id, FileState.EXPIRED)  # as a reconcile would
    with qtbot.waitSignal(panel.controller.send_ready):  # the files' states are read again first
        panel.transcript.anchorClicked.emit(QUrl(f"retry:{failed.id}"))
    assert not panel.is_streaming
    assert panel.composer.text() == "Who paid for the restoration?"  # kept for when a file is there
    assert panel.composer.warning.text().startswith("Not sent: “lighthouse-report.txt” expired on")
    assert panel.gone_notice.isVisibleTo(panel)
    assert [t.id for t in store.list_turns(conv.id)] == [failed.id]


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform: the notice shows as a window
def test_many_gone_files_share_one_last_line(qtbot: QtBot) -> None:
    from assistant.ui.chat.notice import GoneFilesNotice

    when = datetime(2026, 11, 12, 12, 0, tzinfo=UTC)
    records = [
        FileRecord(
            i,
            f"file_{i}",
            f"part {i}.txt",
            "text/plain",
            10,
            None,
            None,
            when,
            when,
            None,
            FileState.EXPIRED,
            FileOrigin.APP,
        )
        for i in range(1, 6)
    ]
    notice = GoneFilesNotice()
    qtbot.addWidget(notice)
    notice.set_files(records)
    texts = notice.message_texts()
    assert len(texts) == 3  # two files said one by one, the other three together
    assert texts[0].startswith("“part 1.txt” expired on 12 Nov")
    assert texts[2] == (
        "3 more attached files can't be used any more either: “part 3.txt”, “part 4.txt”, “part 5.txt”."
    )
    removed: list[int] = []
    notice.remove.connect(lambda record: removed.append(record.id))
    buttons = notice.findChildren(QPushButton, "removeGoneButton")
    qtbot.mouseClick(buttons[-1], Qt.MouseButton.LeftButton)
    assert removed == [3, 4, 5]
    notice.set_files([])
    assert notice.isHidden() and notice.message_texts() == []
