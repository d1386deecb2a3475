"""The ``files`` table: one row per uploaded (or adopted) file, stable across renewals."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from assistant.catalog.file_rows import COLUMNS as _COLUMNS
from assistant.catalog.file_rows import INSERT as _INSERT
from assistant.catalog.file_rows import file_record as _file
from assistant.catalog.file_sync import DuplicateFileId, FileSync
from assistant.catalog.records import FileOrigin, FileRecord, FileState, PendingUpload
from assistant.catalog.schema import now, to_ts

__all__ = ["Files"]


class Files(FileSync):
    """The file methods of ``Store`` (the reconcile and upload bookkeeping are ``FileSync``'s)."""

    def add_file(
        self,
        *,
        file_id: str,
        filename: str,
        mime_type: str,
        size_bytes: int,
        sha256: str | None = None,
        local_path: str | None = None,
        uploaded_at: datetime | None = None,
        expires_at: datetime | None = None,
        origin: FileOrigin = FileOrigin.APP,
        state: FileState = FileState.ACTIVE,
    ) -> FileRecord:
        with self._tx() as db:
            cur = db.execute(
                _INSERT,
                (
                    file_id,
                    filename,
                    mime_type,
                    size_bytes,
                    sha256,
                    local_path,
                    to_ts(uploaded_at or now()),
                    to_ts(expires_at),
                    str(state),
                    str(origin),
                ),
            )
            row_id = cur.lastrowid
        record = self.get_file(int(row_id or 0))
        assert record is not None
        return record

    def get_file(self, row_id: int) -> FileRecord | None:
        return self._one_file("id = ?", (row_id,))

    def file_by_file_id(self, file_id: str) -> FileRecord | None:
        return self._one_file("file_id = ?", (file_id,))

    def find_active_by_sha256(self, sha256: str) -> FileRecord | None:
        """The newest active row this app uploaded as its own with these bytes (what dedupe may reuse):
        never an adopted row nor a leftover (a renewal's old file), which are not the user's upload."""
        return self._one_file(
            "sha256 = ? AND state = 'active' AND origin = 'app' AND leftover_of IS NULL "
            "ORDER BY uploaded_at DESC LIMIT 1",
            (sha256,),
        )

    def _one_file(self, where: str, params: Sequence[object]) -> FileRecord | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM files WHERE {where}", params)
        return _file(rows[0]) if rows else None

    def list_files(self, states: Iterable[FileState] | None = None) -> list[FileRecord]:
        """Newest first; only those in ``states`` when given."""
        if states is None:
            rows = self._query(f"SELECT {_COLUMNS} FROM files ORDER BY uploaded_at DESC, id DESC")
        else:
            wanted = [str(s) for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self._query(
                f"SELECT {_COLUMNS} FROM files WHERE state IN ({marks}) ORDER BY uploaded_at DESC, id DESC",
                wanted,
            )
        return [_file(r) for r in rows]

    def set_file_state(self, row_id: int, state: FileState) -> None:
        with self._tx() as db:
            db.execute("UPDATE files SET state = ? WHERE id = ?", (str(state), row_id))

    def touch_files(self, row_ids: Iterable[int], when: datetime | None = None) -> None:
        stamp = to_ts(when or now())
        with self._tx() as db:
            db.executemany("UPDATE files SET last_used_at = ? WHERE id = ?", [(stamp, i) for i in row_ids])

    def replace_file_id(
        self,
        row_id: int,
        *,
        file_id: str,
        uploaded_at: datetime,
        expires_at: datetime | None,
        size_bytes: int | None = None,
        sha256: str | None = None,
        pending: PendingUpload | None = None,
    ) -> FileRecord:
        """Renewal: the same catalog row (so every conversation keeps it) points at a new remote file.

        The old remote id is remembered (a listing that still shows it never adopts it); ``pending``
        (the renewal's pending upload) ends in the same transaction. DuplicateFileId when another row
        holds ``file_id``."""
        with self._tx() as db:
            other = db.execute(
                f"SELECT {_COLUMNS} FROM files WHERE file_id = ? AND id != ?", (file_id, row_id)
            ).fetchall()
            if other:
                raise DuplicateFileId(file_id, _file(other[0]))
            db.execute(
                "INSERT OR IGNORE INTO retired_file_ids (file_id, row_id, retired_at) "
                "SELECT file_id, id, ? FROM files WHERE id = ? AND file_id != ?",
                (to_ts(now()), row_id, file_id),
            )
            if pending is not None:
                db.execute("DELETE FROM pending_uploads WHERE id = ?", (pending.id,))
            db.execute(
                "UPDATE files SET file_id = ?, uploaded_at = ?, expires_at = ?, state = 'active', "
                "size_bytes = COALESCE(?, size_bytes), sha256 = COALESCE(?, sha256) WHERE id = ?",
                (file_id, to_ts(uploaded_at), to_ts(expires_at), size_bytes, sha256, row_id),
            )
        return self._required_file(row_id)

    def set_source_info(
        self,
        row_id: int,
        *,
        source_sha256: str | None,
        source_size: int | None,
        source_mtime: float | None,
        kept_path: str | None,
        original_name: str | None = None,
        warnings: Sequence[str] = (),
        filename: str | None = None,
        mime_type: str | None = None,
        source_kind: str | None = None,
        page_starts: Sequence[int] = (),
    ) -> FileRecord:
        """Record what the source was when it was prepared, the kept copy, and what the user was told.

        ``filename``/``mime_type`` change only when given (a refreshed source may upload differently).
        """
        with self._tx() as db:
            db.execute(
                "UPDATE files SET source_sha256 = ?, source_size = ?, source_mtime = ?, kept_path = ?, "
                "original_name = ?, warnings = ?, filename = COALESCE(?, filename), "
                "mime_type = COALESCE(?, mime_type), source_kind = ?, page_starts = ? WHERE id = ?",
                (
                    source_sha256,
                    source_size,
                    source_mtime,
                    kept_path,
                    original_name,
                    json.dumps(list(warnings), ensure_ascii=False),
                    filename,
                    mime_type,
                    source_kind,
                    json.dumps(list(page_starts)) if page_starts else None,
                    row_id,
                ),
            )
        return self._required_file(row_id)

    def _required_file(self, row_id: int) -> FileRecord:
        record = self.get_file(row_id)
        if record is None:
            raise KeyError(row_id)
        return record

    def set_kept_path(self, row_id: int, kept_path: str | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE files SET kept_path = ? WHERE id = ?", (kept_path, row_id))
