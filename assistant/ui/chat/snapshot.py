"""What the chat controller's jobs read from the catalog, and the records they hand back.

The functions here run in a worker (inside a ``CatalogJobs`` job), never on the GUI thread; the
records are small frozen dataclasses that cross to the GUI thread in a signal. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.catalog import Conversation, ConversationNote, FileRecord, Store, Turn
from assistant.catalog.identity import known_name
from assistant.catalog.rules import gone_files_for
from assistant.ui.chat.format import gone_reason

__all__ = [
    "DEFAULT_TITLE",
    "Cursor",
    "Files",
    "Listed",
    "Prepared",
    "Shown",
    "files_of",
    "not_sent_text",
    "read_files",
    "read_shown",
    "title_from",
]

DEFAULT_TITLE = "New conversation"


@dataclass(frozen=True)
class Files:
    """A conversation's attached files as the catalog has them, and those of them that are gone."""

    attached: tuple[FileRecord, ...]
    gone: tuple[FileRecord, ...]
    conversation: Conversation | None = None  # the conversation they are saved with, read again


@dataclass(frozen=True)
class Shown:
    """A conversation opened (None: none yet) with its turns, files and the notes between its turns."""

    conversation: Conversation | None
    turns: tuple[Turn, ...]
    files: Files
    notes: tuple[ConversationNote, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A question about to go out: saved in its conversation, or refused (gone files)."""

    question: str
    conversation: Conversation | None
    files: Files
    refused: tuple[FileRecord, ...]  # attached files that are gone: not sent
    retry_of: int = 0  # the turn asked again (0: a new question)
    ticket: int = 0  # the pane's number for this question (a stopped one's result is dropped)
    turn: Turn | None = None  # the question saved as a new turn (a retry's old turn is then deleted)


@dataclass
class Cursor:
    """The worker's side: which conversation the jobs so far left current (touched by jobs only)."""

    conversation_id: int = 0
    file_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Listed:
    conversations: tuple[Conversation, ...]
    shown: Shown | None = None
    files: Files | None = None


def not_sent_text(gone: tuple[FileRecord, ...] | list[FileRecord]) -> str:
    names = ", ".join(f"“{known_name(r)}” {gone_reason(r)}" for r in gone)
    return f"Not sent: {names}. Attach another file or remove it, then send again — your question is kept."


def title_from(question: str) -> str:
    line = " ".join(question.split())
    return line if len(line) <= 60 else line[:59].rstrip() + "…"


def read_files(store: Store, ids: tuple[int, ...] | list[int]) -> tuple[FileRecord, ...]:
    return tuple(r for r in (store.get_file(i) for i in ids) if r is not None)


def files_of(store: Store, cursor: Cursor, fresh: tuple[FileRecord, ...]) -> Files:
    conv = store.get_conversation(cursor.conversation_id) if cursor.conversation_id else None
    if conv is not None:
        return Files(fresh, tuple(gone_files_for(store, conv.id)), conv)
    return Files(fresh, tuple(r for r in fresh if not r.is_active))


def read_shown(store: Store, cursor: Cursor, conversation_id: int) -> Shown:
    conv = store.get_conversation(conversation_id) if conversation_id else None
    cursor.conversation_id = conv.id if conv is not None else 0
    if conv is None:
        fresh = read_files(store, cursor.file_ids)
        return Shown(None, (), files_of(store, cursor, fresh))
    cursor.file_ids = conv.file_ids
    fresh = read_files(store, conv.file_ids)
    turns, notes = tuple(store.list_turns(conv.id)), tuple(store.conversation_notes(conv.id))
    return Shown(conv, turns, files_of(store, cursor, fresh), notes)
