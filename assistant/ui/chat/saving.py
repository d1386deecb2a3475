"""What the chat controller's jobs write for a question: the question saved (before anything is queued
or sent), and the files the API said are gone marked.

Plain functions run in a worker (inside a ``CatalogJobs`` job), never on the GUI thread. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.catalog import Conversation, FileRecord, FileState, Store, TurnState
from assistant.ui.chat.snapshot import (
    DEFAULT_TITLE,
    Cursor,
    Files,
    Prepared,
    files_of,
    read_files,
    title_from,
)

__all__ = ["Asked", "mark_gone", "save_question"]


@dataclass(frozen=True)
class Asked:
    """A question as the pane sent it."""

    question: str
    model: str
    file_ids: tuple[int, ...]  # the attached files
    retry_of: int = 0  # the turn asked again (0: a new question)
    ticket: int = 0


def save_question(
    store: Store, cursor: Cursor, asked: Asked, search: str | None
) -> tuple[Prepared, tuple[Conversation, ...]]:
    """Check the files; save the question's conversation and the question as a new turn.

    A new question renames an unnamed conversation after itself and saves the model and files (a
    conversation is made if there is none); a retry changes none of that, and its old turn is deleted
    only once the new one is saved. Gone files refuse the question: nothing is saved. Also returns
    the conversations listed again (after a new question)."""
    question, ids, retry_of = asked.question, asked.file_ids, asked.retry_of
    fresh = read_files(store, ids)
    gone = tuple(r for r in fresh if not r.is_active)
    conv = store.get_conversation(cursor.conversation_id) if cursor.conversation_id else None
    if gone or (retry_of and conv is None):
        return Prepared(question, conv, files_of(store, cursor, fresh), gone, retry_of, asked.ticket), ()
    convs: tuple[Conversation, ...] = ()
    if conv is None:
        conv = store.create_conversation(title_from(question), asked.model, list(ids))
        cursor.conversation_id = conv.id
    elif not retry_of:
        if conv.title == DEFAULT_TITLE:
            store.rename_conversation(conv.id, title_from(question))
        if conv.model != asked.model:
            store.set_conversation_model(conv.id, asked.model)
        if ids != conv.file_ids:
            store.set_conversation_files(conv.id, list(ids))
    if not retry_of:
        cursor.file_ids = ids
        conv = store.get_conversation(conv.id) or conv
        convs = tuple(store.list_conversations(search))
    turn = store.start_turn(conv.id, question, conv.model)
    if retry_of:
        store.delete_turn(retry_of)
    files = files_of(store, cursor, fresh)
    return Prepared(question, conv, files, (), retry_of, asked.ticket, turn), convs


def mark_gone(
    store: Store, cursor: Cursor, said: str, state: FileState, turn_id: int
) -> tuple[list[FileRecord], Files | None, bool]:
    """The attached files the API's message names, marked ``state``; with some gone, the failed empty
    turn is dropped (the question was not sent). Returns (marked, the files read again or None when
    none of the attached files is gone, whether the turn was dropped)."""
    conv = store.get_conversation(cursor.conversation_id) if cursor.conversation_id else None
    if conv is None:
        return [], None, False
    marked = []
    for record in read_files(store, conv.file_ids):
        if record.is_active and record.file_id and record.file_id in said:
            store.set_file_state(record.id, state)
            marked.append(store.get_file(record.id) or record)
    files = files_of(store, cursor, read_files(store, conv.file_ids))
    if not files.gone:
        return marked, None, False  # not one of the attached files: the failure stays shown
    turn = store.get_turn(turn_id) if turn_id else None
    dropped = turn is not None and turn.state is TurnState.FAILED and not turn.answer
    if turn is not None and dropped:
        store.delete_turn(turn.id)
    return marked, files, dropped
