"""How a ``files`` row is read and written: its columns, the insert, and the record it reads as."""

from __future__ import annotations

import json
import sqlite3

from assistant.catalog.records import FileOrigin, FileRecord, FileState
from assistant.catalog.schema import from_ts, req_ts

__all__ = ["COLUMNS", "INSERT", "file_record"]

COLUMNS = (
    "id, file_id, filename, mime_type, size_bytes, sha256, local_path, uploaded_at, expires_at, "
    "last_used_at, state, origin, source_sha256, source_size, source_mtime, kept_path, original_name, "
    "warnings, revision, leftover_of, source_kind, page_starts"
)

INSERT = (
    "INSERT INTO files (file_id, filename, mime_type, size_bytes, sha256, local_path, uploaded_at, "
    "expires_at, state, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def file_record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(
        id=row["id"],
        file_id=row["file_id"],
        filename=row["filename"],
        mime_type=row["mime_type"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        local_path=row["local_path"],
        uploaded_at=req_ts(row["uploaded_at"]),
        expires_at=from_ts(row["expires_at"]),
        last_used_at=from_ts(row["last_used_at"]),
        state=FileState(row["state"]),
        origin=FileOrigin(row["origin"]),
        source_sha256=row["source_sha256"],
        source_size=row["source_size"],
        source_mtime=row["source_mtime"],
        kept_path=row["kept_path"],
        original_name=row["original_name"],
        warnings=_warnings(row["warnings"]),
        revision=row["revision"],
        leftover_of=row["leftover_of"],
        source_kind=row["source_kind"],
        page_starts=_starts(row["page_starts"]),
    )


def _starts(text: str | None) -> tuple[int, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(int(n) for n in value) if isinstance(value, list) else ()


def _warnings(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(w) for w in value) if isinstance(value, list) else ()
