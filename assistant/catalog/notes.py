"""The ``conversation_notes`` table: what the transcript said about a conversation between its turns
("2 files added to the set were attached"), kept so that it is shown in its place when the
conversation is opened again, and after a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.catalog.db import Database
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["ConversationNote", "ConversationNotes"]


@dataclass(frozen=True)
class ConversationNote:
    """``after_turn_id``: the conversation's last turn when the note was made (0: none yet); the note
    is shown after that turn and before any later one."""

    id: int
    conversation_id: int
    after_turn_id: int
    text: str
    created_at: datetime


class ConversationNotes(Database):
    """The conversation-note methods of ``Store``."""

    def add_conversation_note(self, conversation_id: int, text: str) -> ConversationNote:
        """Keep ``text`` after the conversation's turns so far."""
        stamp = to_ts(now())
        with self._tx() as db:
            row = db.execute(
                "SELECT COALESCE(MAX(id), 0) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            after = int(row[0])
            cur = db.execute(
                "INSERT INTO conversation_notes (conversation_id, after_turn_id, text, created_at) "
                "VALUES (?, ?, ?, ?)",
                (conversation_id, after, text, stamp),
            )
            note_id = int(cur.lastrowid or 0)
        assert stamp is not None
        return ConversationNote(note_id, conversation_id, after, text, req_ts(stamp))

    def conversation_notes(self, conversation_id: int) -> list[ConversationNote]:
        """The conversation's notes, oldest first."""
        rows = self._query(
            "SELECT id, conversation_id, after_turn_id, text, created_at FROM conversation_notes "
            "WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        )
        return [
            ConversationNote(
                r["id"], r["conversation_id"], r["after_turn_id"], r["text"], req_ts(r["created_at"])
            )
            for r in rows
        ]
