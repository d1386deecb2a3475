"""The ``conversations`` table and ``conversation_files`` (which catalog rows each one has attached)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from assistant.catalog.db import Database
from assistant.catalog.records import Conversation
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["Conversations"]

_COLUMNS = "id, title, model, created_at, updated_at, set_id"
_LINK = "INSERT OR IGNORE INTO conversation_files (conversation_id, file_row_id, position) VALUES (?, ?, ?)"


def _conversation(row: sqlite3.Row, file_ids: Sequence[int]) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        model=row["model"],
        created_at=req_ts(row["created_at"]),
        updated_at=req_ts(row["updated_at"]),
        file_ids=tuple(file_ids),
        set_id=row["set_id"],
    )


class Conversations(Database):
    """The conversation methods of ``Store``. Files are catalog row ids, kept in attach order."""

    def create_conversation(
        self, title: str, model: str, file_ids: Sequence[int] = (), *, set_id: int | None = None
    ) -> Conversation:
        """A new conversation with ``file_ids`` attached; ``set_id``: the document set it is on."""
        stamp = to_ts(now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO conversations (title, model, created_at, updated_at, set_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (title, model, stamp, stamp, set_id),
            )
            conv_id = int(cur.lastrowid or 0)
            db.executemany(_LINK, [(conv_id, f, i) for i, f in enumerate(file_ids)])
        conv = self.get_conversation(conv_id)
        assert conv is not None
        return conv

    def _conversation_files(self, conv_id: int) -> tuple[int, ...]:
        rows = self._query(
            "SELECT file_row_id FROM conversation_files WHERE conversation_id = ? ORDER BY position, rowid",
            (conv_id,),
        )
        return tuple(r["file_row_id"] for r in rows)

    def get_conversation(self, conv_id: int) -> Conversation | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM conversations WHERE id = ?", (conv_id,))
        return _conversation(rows[0], self._conversation_files(conv_id)) if rows else None

    def list_conversations(self, search: str | None = None) -> list[Conversation]:
        """Recently updated first; only those whose title contains ``search`` when given."""
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self._query(
                f"SELECT {_COLUMNS} FROM conversations "
                "WHERE title LIKE ? ESCAPE '\\' ORDER BY updated_at DESC, id DESC",
                (f"%{escaped}%",),
            )
        else:
            rows = self._query(f"SELECT {_COLUMNS} FROM conversations ORDER BY updated_at DESC, id DESC")
        links: dict[int, list[int]] = {}
        for link in self._query(
            "SELECT conversation_id, file_row_id FROM conversation_files ORDER BY position, rowid"
        ):
            links.setdefault(link["conversation_id"], []).append(link["file_row_id"])
        return [_conversation(r, links.get(r["id"], ())) for r in rows]

    def rename_conversation(self, conv_id: int, title: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?",
                (title, to_ts(now()), conv_id),
            )

    def set_conversation_model(self, conv_id: int, model: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE conversations SET model = ? WHERE id = ?", (model, conv_id))

    def delete_conversation(self, conv_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conv_id,))

    def set_conversation_files(self, conv_id: int, file_ids: Sequence[int]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM conversation_files WHERE conversation_id = ?", (conv_id,))
            db.executemany(_LINK, [(conv_id, f, i) for i, f in enumerate(file_ids)])

    def attach_files(self, conv_id: int, file_ids: Sequence[int]) -> None:
        current = list(self._conversation_files(conv_id))
        self.set_conversation_files(conv_id, current + [f for f in file_ids if f not in current])

    def detach_file(self, conv_id: int, file_row_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "DELETE FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                (conv_id, file_row_id),
            )

    def conversations_using(self, file_row_id: int) -> list[int]:
        rows = self._query(
            "SELECT conversation_id FROM conversation_files WHERE file_row_id = ? ORDER BY conversation_id",
            (file_row_id,),
        )
        return [r["conversation_id"] for r in rows]

    def replace_conversation_file(self, conv_id: int, old_row_id: int, new_row_id: int) -> None:
        """Put ``new_row_id`` where ``old_row_id`` was attached (if the new one is already attached, the
        old one is just detached)."""
        with self._tx() as db:
            present = db.execute(
                "SELECT 1 FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                (conv_id, new_row_id),
            ).fetchone()
            if present or old_row_id == new_row_id:
                if old_row_id != new_row_id:
                    db.execute(
                        "DELETE FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                        (conv_id, old_row_id),
                    )
                return
            db.execute(
                "UPDATE conversation_files SET file_row_id = ? WHERE conversation_id = ? AND file_row_id = ?",
                (new_row_id, conv_id, old_row_id),
            )
