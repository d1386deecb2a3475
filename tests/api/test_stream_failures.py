"""How an answer ends, said as it happened: cut by the length limit, overloaded mid-stream, a stream that
ends before ``message_stop``, a whole Message where a stream was asked for; a retry that cannot save
its new turn keeps the old one. All against the sandbox's faults, over real HTTP."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from assistant.api.chat import ChatService, Done, Failed, Started, TextDelta
from assistant.api.files import FileService
from assistant.catalog import Store, TurnState

MODEL = "claude-sonnet-5-5"
QUESTION = "How much did the restoration cost and who paid?"


def _conversation(store: Store, files: FileService, report: Path) -> int:
    return store.create_conversation("Lighthouse", MODEL, [files.upload(report).record.id]).id


def test_an_answer_cut_by_max_tokens_keeps_its_stop_reason(
    client: Any, files: FileService, store: Store, report: Path
) -> None:
    chat = ChatService(client, store, max_tokens=12)
    conv = _conversation(store, files, report)
    done = list(chat.ask(conv, QUESTION))[-1]
    assert isinstance(done, Done) and done.stop_reason == "max_tokens"
    assert done.turn.stop_reason == "max_tokens"
    (saved,) = store.list_turns(conv)
    assert saved.state is TurnState.COMPLETE and saved.stop_reason == "max_tokens"
    full = list(ChatService(client, store, max_tokens=1024).ask(conv, QUESTION))[-1]
    assert isinstance(full, Done) and full.turn.stop_reason == "end_turn"


def test_overloaded_inside_a_stream_is_overloaded_and_retryable(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:error-stream=5x1")
    events = list(chat.ask(conv, QUESTION))
    failed = events[-1]
    assert isinstance(failed, Failed)
    assert failed.failure.kind == "overloaded" and failed.failure.retryable
    assert "refused" not in failed.failure.message and "overloaded" in failed.failure.message.lower()
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text and failed.turn.state is TurnState.FAILED and failed.turn.answer == text


def test_a_stream_that_ends_before_message_stop_is_a_failure_not_a_stop(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:end-stream=6x1")
    events = list(chat.ask(conv, QUESTION))
    failed = events[-1]
    assert isinstance(failed, Failed), events[-1]
    assert failed.failure.retryable and "ended before" in failed.failure.message
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    (saved,) = store.list_turns(conv)
    assert saved.state is TurnState.FAILED and saved.answer == text and saved.error


def test_a_whole_message_where_a_stream_was_asked_for_is_shown_as_the_answer(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:json-streamx1")
    events = list(chat.ask(conv, QUESTION))
    done = events[-1]
    assert isinstance(done, Done), done
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "2.4 million" in text and done.turn.answer == text
    assert done.turn.state is TurnState.COMPLETE and done.stop_reason == "end_turn"
    assert done.turn.citations and done.usage.output_tokens > 0


def test_retry_keeps_the_old_turn_when_the_new_one_cannot_be_saved(  # noqa: PLR0917
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any, paths: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:drop-stream=4x1")
    failed = list(chat.ask(conv, QUESTION))[-1]
    assert isinstance(failed, Failed)
    other = sqlite3.connect(str(paths.catalog))  # a catalog that takes no new turn (a full disk, say)
    other.execute("CREATE TRIGGER no_turns BEFORE INSERT ON turns BEGIN SELECT RAISE(ABORT, 'full'); END")
    other.close()
    with pytest.raises(sqlite3.DatabaseError):
        list(chat.retry(failed.turn.id))
    assert [t.id for t in store.list_turns(conv)] == [failed.turn.id]


def test_retry_saves_the_new_turn_then_drops_the_old(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:drop-stream=4x1")
    failed = list(chat.ask(conv, QUESTION))[-1]
    assert isinstance(failed, Failed)
    retried = chat.retry(failed.turn.id)
    started = next(retried)
    assert isinstance(started, Started) and started.turn.id != failed.turn.id
    assert [t.id for t in store.list_turns(conv)] == [started.turn.id]
    assert isinstance(list(retried)[-1], Done)
