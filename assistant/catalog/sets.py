"""The ``document_sets``, ``set_files`` and ``watched_folders`` tables: sets, membership, linked folders,
and the set a conversation was started on (issue 12). Blocking catalog calls: run them in workers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from assistant.catalog.db import Database
from assistant.catalog.file_rows import COLUMNS as _FILE_COLUMNS
from assistant.catalog.file_rows import file_record
from assistant.catalog.records import FileRecord, FileState
from assistant.catalog.schema import now, req_ts, to_ts
from assistant.catalog.set_records import DEFAULT_IGNORE_PATTERNS, DocumentSet, SetError

__all__ = ["Sets"]

_SELECT = (
    "SELECT s.id, s.name, s.instructions, s.created_at, w.path, w.ignore_patterns "
    "FROM document_sets s LEFT JOIN watched_folders w ON w.set_id = s.id"
)


def _set(row: sqlite3.Row) -> DocumentSet:
    patterns = json.loads(row["ignore_patterns"]) if row["ignore_patterns"] else []
    return DocumentSet(
        id=row["id"],
        name=row["name"],
        instructions=row["instructions"],
        created_at=req_ts(row["created_at"]),
        folder=Path(row["path"]) if row["path"] is not None else None,
        ignore_patterns=tuple(str(p) for p in patterns),
    )


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise SetError("A set needs a name. Type one and try again.")
    return clean


def _clean_patterns(patterns: Sequence[str]) -> list[str]:
    return [p.strip() for p in patterns if p.strip() and not p.strip().startswith("#")]


class Sets(Database):
    """The set methods of ``Store``. Deleting a set never deletes its files."""

    # -- sets ---------------------------------------------------------------------------------------
    def create_set(self, name: str, instructions: str = "", file_ids: Sequence[int] = ()) -> DocumentSet:
        """A new set holding ``file_ids``. SetError when the name (case-insensitive) is taken."""
        clean = _clean_name(name)
        stamp = to_ts(now())
        try:
            with self._tx() as db:
                cur = db.execute(
                    "INSERT INTO document_sets (name, instructions, created_at) VALUES (?, ?, ?)",
                    (clean, instructions, stamp),
                )
                set_id = int(cur.lastrowid or 0)
                db.executemany(
                    "INSERT OR IGNORE INTO set_files (set_id, file_row_id, added_at) VALUES (?, ?, ?)",
                    [(set_id, f, stamp) for f in file_ids],
                )
        except sqlite3.IntegrityError as exc:
            raise SetError(f"There is already a set named “{clean}”. Choose another name.") from exc
        return self.required_set(set_id)

    def get_set(self, set_id: int) -> DocumentSet | None:
        rows = self._query(f"{_SELECT} WHERE s.id = ?", (set_id,))
        return _set(rows[0]) if rows else None

    def required_set(self, set_id: int) -> DocumentSet:
        """The set, or SetError saying it no longer exists."""
        found = self.get_set(set_id)
        if found is None:
            raise SetError("This set no longer exists (it was deleted).")
        return found

    def set_by_name(self, name: str) -> DocumentSet | None:
        rows = self._query(f"{_SELECT} WHERE s.name = ? COLLATE NOCASE", (" ".join(name.split()),))
        return _set(rows[0]) if rows else None

    def list_sets(self) -> list[DocumentSet]:
        """Every set, by name (case-insensitive)."""
        return [_set(r) for r in self._query(f"{_SELECT} ORDER BY s.name COLLATE NOCASE, s.id")]

    def rename_set(self, set_id: int, name: str) -> DocumentSet:
        clean = _clean_name(name)
        try:
            with self._tx() as db:
                db.execute("UPDATE document_sets SET name = ? WHERE id = ?", (clean, set_id))
        except sqlite3.IntegrityError as exc:
            raise SetError(f"There is already a set named “{clean}”. Choose another name.") from exc
        return self.required_set(set_id)

    def set_instructions(self, set_id: int, instructions: str) -> DocumentSet:
        """Instructions for every conversation on the set ("" for none): a system block of their own."""
        with self._tx() as db:
            db.execute("UPDATE document_sets SET instructions = ? WHERE id = ?", (instructions, set_id))
        return self.required_set(set_id)

    def delete_set(self, set_id: int) -> list[int]:
        """Delete the set, its folder link and sync states; its conversations stay (set None). The files
        stay too: the row ids it held are returned, for the caller to offer clean-up if asked."""
        held = self.set_file_ids(set_id)
        with self._tx() as db:
            db.execute("DELETE FROM document_sets WHERE id = ?", (set_id,))
        return held

    # -- membership ---------------------------------------------------------------------------------
    def add_to_set(self, set_id: int, file_ids: Iterable[int]) -> None:
        self.required_set(set_id)
        stamp = to_ts(now())
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO set_files (set_id, file_row_id, added_at) VALUES (?, ?, ?)",
                [(set_id, f, stamp) for f in file_ids],
            )

    def remove_from_set(self, set_id: int, file_ids: Iterable[int]) -> None:
        """Take rows out of the set (the files themselves stay)."""
        with self._tx() as db:
            db.executemany(
                "DELETE FROM set_files WHERE set_id = ? AND file_row_id = ?", [(set_id, f) for f in file_ids]
            )

    def set_file_ids(self, set_id: int) -> list[int]:
        """The set's row ids, in the order they were added."""
        rows = self._query(
            "SELECT file_row_id FROM set_files WHERE set_id = ? ORDER BY added_at, file_row_id", (set_id,)
        )
        return [r["file_row_id"] for r in rows]

    def set_records(self, set_id: int, states: Iterable[FileState] | None = None) -> list[FileRecord]:
        """The set's records, newest upload first; only those in ``states`` when given."""
        rows = self._query(
            f"SELECT {', '.join('f.' + c.strip() for c in _FILE_COLUMNS.split(','))} FROM files f "
            "JOIN set_files m ON m.file_row_id = f.id WHERE m.set_id = ? "
            "ORDER BY f.uploaded_at DESC, f.id DESC",
            (set_id,),
        )
        records = [file_record(r) for r in rows]
        if states is not None:
            wanted = set(states)
            records = [r for r in records if r.state in wanted]
        return records

    def sets_of_file(self, row_id: int) -> list[DocumentSet]:
        rows = self._query(
            f"{_SELECT} JOIN set_files m ON m.set_id = s.id WHERE m.file_row_id = ? "
            "ORDER BY s.name COLLATE NOCASE, s.id",
            (row_id,),
        )
        return [_set(r) for r in rows]

    def set_memberships(self) -> dict[int, tuple[int, ...]]:
        """Row id -> the ids of the sets holding it (one query, for filtering the files table)."""
        found: dict[int, list[int]] = {}
        for r in self._query("SELECT file_row_id, set_id FROM set_files ORDER BY set_id"):
            found.setdefault(r["file_row_id"], []).append(r["set_id"])
        return {k: tuple(v) for k, v in found.items()}

    # -- linked folders -----------------------------------------------------------------------------
    def link_folder(
        self, set_id: int, folder: Path | str, ignore_patterns: Sequence[str] | None = None
    ) -> DocumentSet:
        """Link the set to ``folder`` (made absolute; one folder per set: linking another replaces it and
        forgets the old folder's sync states). Linking the folder it already has changes nothing but the
        patterns when given. SetError when ``folder`` is not a folder. Another set may link the same or an
        overlapping folder: files are uploaded once and listed in both."""
        path = Path(folder).expanduser().absolute()
        if not path.is_dir():
            raise SetError(f"{path} is not a folder (or cannot be reached). Choose a folder to link.")
        current = self.required_set(set_id)
        patterns = _clean_patterns(DEFAULT_IGNORE_PATTERNS if ignore_patterns is None else ignore_patterns)
        if current.folder == path:
            if ignore_patterns is not None:
                return self.set_ignore_patterns(set_id, ignore_patterns)
            return current
        with self._tx() as db:
            db.execute("DELETE FROM sync_paths WHERE set_id = ?", (set_id,))
            db.execute(
                "INSERT OR REPLACE INTO watched_folders (set_id, path, ignore_patterns, linked_at) "
                "VALUES (?, ?, ?, ?)",
                (set_id, str(path), json.dumps(patterns, ensure_ascii=False), to_ts(now())),
            )
        return self.required_set(set_id)

    def unlink_folder(self, set_id: int) -> DocumentSet:
        """Stop syncing the set with its folder; its files stay in the set, the sync states go."""
        with self._tx() as db:
            db.execute("DELETE FROM watched_folders WHERE set_id = ?", (set_id,))
            db.execute("DELETE FROM sync_paths WHERE set_id = ?", (set_id,))
        return self.required_set(set_id)

    def set_ignore_patterns(self, set_id: int, patterns: Sequence[str]) -> DocumentSet:
        """Replace the linked folder's patterns (blank lines and "#" comments dropped)."""
        kept = _clean_patterns(patterns)
        with self._tx() as db:
            db.execute(
                "UPDATE watched_folders SET ignore_patterns = ? WHERE set_id = ?",
                (json.dumps(kept, ensure_ascii=False), set_id),
            )
        return self.required_set(set_id)

    def linked_sets(self) -> list[DocumentSet]:
        """The sets linked to a folder."""
        return [s for s in self.list_sets() if s.folder is not None]

    # -- conversations on a set ---------------------------------------------------------------------
    def set_conversation_set(self, conv_id: int, set_id: int | None) -> None:
        """Remember the set a conversation is on (None: on no set)."""
        with self._tx() as db:
            db.execute("UPDATE conversations SET set_id = ? WHERE id = ?", (set_id, conv_id))

    def conversation_set(self, conv_id: int) -> DocumentSet | None:
        rows = self._query("SELECT set_id FROM conversations WHERE id = ?", (conv_id,))
        if not rows or rows[0]["set_id"] is None:
            return None
        return self.get_set(int(rows[0]["set_id"]))

    def files_to_pick_up(self, conv_id: int) -> list[FileRecord]:
        """The active files of the conversation's set not attached to it yet (added to the set since),
        in the order they joined the set; empty when the conversation is on no set."""
        rows = self._query(
            f"SELECT {', '.join('f.' + c.strip() for c in _FILE_COLUMNS.split(','))} FROM conversations c "
            "JOIN set_files m ON m.set_id = c.set_id JOIN files f ON f.id = m.file_row_id "
            "WHERE c.id = ? AND f.state = 'active' AND f.id NOT IN "
            "(SELECT file_row_id FROM conversation_files WHERE conversation_id = c.id) "
            "ORDER BY m.added_at, f.id",
            (conv_id,),
        )
        return [file_record(r) for r in rows]
