"""Keeping the ``files`` rows true while uploads, renewals, deletes and refreshes run side by side.

The rule (schema 4): every write to a row stamps it with the next value of one counter (``files_clock``,
by trigger). A reconcile reads the counter before its listing and, in ``apply_reconcile``'s one
transaction, changes only rows whose stamp is not newer (and none an operation is working on: ``busy``).
An upload is recorded as pending before it is sent (``begin_upload``) and its row is written in the same
transaction that ends the pending record (``record_upload``), so a listing that already holds the new
file never adopts it as someone else's. The remote ids a row held before a renewal are remembered
(``retired_file_ids``) and never adopted either. Standard library only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.catalog.db import Database
from assistant.catalog.file_rows import COLUMNS, INSERT, file_record
from assistant.catalog.records import FileOrigin, FileRecord, FileState, NewFile, PendingUpload, RemoteUpdate
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["PENDING_SLACK", "DuplicateFileId", "FileSync", "SyncApplied", "matches_pending"]

PENDING_SLACK = timedelta(minutes=2)
"""A server file matches a pending upload if created no earlier than this before the upload began
(room for a difference between this computer's clock and the server's)."""


class DuplicateFileId(Exception):
    """The server answered an upload with a file id another catalog row already holds."""

    def __init__(self, file_id: str, existing: FileRecord) -> None:
        super().__init__(f"file id {file_id} is already in the catalog (row {existing.id})")
        self.file_id = file_id
        self.existing = existing


@dataclass(frozen=True)
class SyncApplied:
    """What ``apply_reconcile`` changed: updated row ids, adopted rows, and this app's own uploads found
    again (pending uploads whose answer was lost, or cut by a crash)."""

    updated: frozenset[int]
    adopted: tuple[FileRecord, ...]
    recovered: tuple[FileRecord, ...]


def matches_pending(pending: PendingUpload, filename: str, size: int, created_at: datetime) -> bool:
    return (
        pending.filename == filename
        and pending.size_bytes == size
        and created_at >= pending.started_at - PENDING_SLACK
    )


def _pending(row: sqlite3.Row) -> PendingUpload:
    return PendingUpload(
        id=row["id"],
        filename=row["filename"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        mime_type=row["mime_type"],
        local_path=row["local_path"],
        started_at=req_ts(row["started_at"]),
        row_id=row["row_id"],
    )


class FileSync(Database):
    """The bookkeeping half of the file methods of ``Store``."""

    def files_clock(self) -> int:
        """The change stamp the next write to a file row will exceed (read before a listing)."""
        return int(self._query("SELECT value FROM file_clock WHERE id = 1")[0][0])

    # ------------------------------------------------------------ pending uploads

    def begin_upload(
        self,
        *,
        filename: str,
        size_bytes: int,
        sha256: str,
        mime_type: str,
        local_path: str | None,
        started_at: datetime | None = None,
        row_id: int | None = None,
    ) -> PendingUpload:
        stamp = started_at or now()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO pending_uploads (filename, size_bytes, sha256, mime_type, local_path, "
                "started_at, row_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (filename, size_bytes, sha256, mime_type, local_path, to_ts(stamp), row_id),
            )
        return PendingUpload(
            int(cur.lastrowid or 0), filename, size_bytes, sha256, mime_type, local_path, stamp, row_id
        )

    def end_upload(self, pending_id: int) -> None:
        """The upload is known not to be on the server (refused, cancelled mid-body, not found)."""
        with self._tx() as db:
            db.execute("DELETE FROM pending_uploads WHERE id = ?", (pending_id,))

    def is_retired_file_id(self, file_id: str) -> bool:
        """Whether a row held this remote id before a renewal (this app's, never someone else's)."""
        return bool(self._query("SELECT 1 FROM retired_file_ids WHERE file_id = ?", (file_id,)))

    def pending_uploads(self) -> list[PendingUpload]:
        return [_pending(r) for r in self._query("SELECT * FROM pending_uploads ORDER BY id")]

    def record_upload(
        self,
        pending: PendingUpload,
        *,
        file_id: str,
        filename: str,
        mime_type: str,
        size_bytes: int,
        uploaded_at: datetime,
        expires_at: datetime | None,
    ) -> FileRecord:
        """A new upload's row, written in the transaction that ends its pending record.

        A row a reconcile adopted for this very file (no hash, the same size) becomes this app's; any
        other row with the id raises DuplicateFileId (the pending record stays: Refresh finds the file).
        """
        with self._tx() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM files WHERE file_id = ?", (file_id,)).fetchall()
            if rows:
                existing = file_record(rows[0])
                if not (
                    existing.origin is FileOrigin.ADOPTED
                    and existing.sha256 is None
                    and existing.leftover_of is None
                    and existing.size_bytes == size_bytes
                ):
                    raise DuplicateFileId(file_id, existing)
                db.execute(
                    "UPDATE files SET origin = 'app', sha256 = ?, local_path = ?, state = 'active', "
                    "expires_at = ? WHERE id = ?",
                    (pending.sha256, pending.local_path, to_ts(expires_at), existing.id),
                )
                row_id = existing.id
            else:
                cur = db.execute(
                    INSERT,
                    (
                        file_id,
                        filename,
                        mime_type,
                        size_bytes,
                        pending.sha256,
                        pending.local_path,
                        to_ts(uploaded_at),
                        to_ts(expires_at),
                        str(FileState.ACTIVE),
                        str(FileOrigin.APP),
                    ),
                )
                row_id = int(cur.lastrowid or 0)
            db.execute("DELETE FROM pending_uploads WHERE id = ?", (pending.id,))
            out = db.execute(f"SELECT {COLUMNS} FROM files WHERE id = ?", (row_id,)).fetchall()
        return file_record(out[0])

    def add_leftover(
        self,
        *,
        file_id: str,
        filename: str,
        mime_type: str,
        size_bytes: int,
        sha256: str | None,
        uploaded_at: datetime,
        expires_at: datetime | None,
        leftover_of: int,
        warning: str,
    ) -> FileRecord | None:
        """A file this app left on the server (a renewal's old file whose delete failed): a row Clean up
        offers. None if the catalog already has a row with that id."""
        with self._tx() as db:
            cur = db.execute(
                f"{INSERT} ON CONFLICT(file_id) DO NOTHING",
                (
                    file_id,
                    filename,
                    mime_type,
                    size_bytes,
                    sha256,
                    None,
                    to_ts(uploaded_at),
                    to_ts(expires_at),
                    str(FileState.ACTIVE),
                    str(FileOrigin.ADOPTED),
                ),
            )
            if not cur.rowcount:
                return None
            row_id = int(cur.lastrowid or 0)
            db.execute(
                "UPDATE files SET leftover_of = ?, warnings = json_array(?) WHERE id = ?",
                (leftover_of, warning, row_id),
            )
            db.execute("DELETE FROM retired_file_ids WHERE file_id = ?", (file_id,))
            rows = db.execute(f"SELECT {COLUMNS} FROM files WHERE id = ?", (row_id,)).fetchall()
        return file_record(rows[0])

    # ------------------------------------------------------------ reconcile

    def apply_remote(self, updates: Iterable[RemoteUpdate], adopted: Iterable[NewFile]) -> list[FileRecord]:
        """Apply a reconcile in one transaction, judging every row; returns the adopted rows."""
        return list(self.apply_reconcile(updates, adopted).adopted)

    def apply_reconcile(
        self,
        updates: Iterable[RemoteUpdate],
        found: Iterable[NewFile],
        *,
        since: int | None = None,
        busy: Collection[int] = (),
        inflight: Collection[int] = (),
        stale: Collection[int] = (),
    ) -> SyncApplied:
        """Apply a reconcile in one transaction.

        ``updates`` change only rows not stamped after ``since`` (the clock read before the listing) and
        not in ``busy`` (rows an operation is working on). ``found``: remote files the catalog did not
        hold when read; one whose id a row holds now, or held before a renewal, is skipped; one that
        matches a pending upload in ``inflight`` is left to its uploader; one that matches another
        pending upload is this app's own (its answer was lost, or a crash cut it): recorded as such.
        Pending uploads in ``stale`` (no longer being sent before the listing began, so a file they
        stored would be in it) that match nothing were never stored: they end here.
        """
        updated: set[int] = set()
        adopted: list[int] = []
        recovered: list[int] = []
        with self._tx() as db:
            for u in updates:
                if u.id in busy:
                    continue
                sql = "UPDATE files SET state = ?, expires_at = ? WHERE id = ?"
                params: tuple[object, ...] = (str(u.state), to_ts(u.expires_at), u.id)
                if since is not None:
                    sql += " AND revision <= ?"
                    params = (*params, since)
                if db.execute(sql, params).rowcount:
                    updated.add(u.id)
            pending = [_pending(r) for r in db.execute("SELECT * FROM pending_uploads ORDER BY id")]
            unclaimed = [p for p in pending if p.id not in inflight]
            for n in sorted(found, key=lambda f: f.uploaded_at):
                if db.execute(
                    "SELECT 1 FROM files WHERE file_id = ? UNION ALL "
                    "SELECT 1 FROM retired_file_ids WHERE file_id = ?",
                    (n.file_id, n.file_id),
                ).fetchone():
                    continue
                if any(
                    matches_pending(p, n.filename, n.size_bytes, n.uploaded_at)
                    for p in pending
                    if p.id in inflight
                ):
                    continue
                mine = next(
                    (p for p in unclaimed if matches_pending(p, n.filename, n.size_bytes, n.uploaded_at)),
                    None,
                )
                origin = FileOrigin.ADOPTED if mine is None or mine.row_id is not None else FileOrigin.APP
                cur = db.execute(
                    INSERT,
                    (
                        n.file_id,
                        n.filename,
                        n.mime_type,
                        n.size_bytes,
                        mine.sha256 if mine is not None else n.sha256,
                        mine.local_path if origin is FileOrigin.APP and mine is not None else n.local_path,
                        to_ts(n.uploaded_at),
                        to_ts(n.expires_at),
                        str(n.state),
                        str(origin),
                    ),
                )
                row_id = int(cur.lastrowid or 0)
                if mine is None:
                    adopted.append(row_id)
                    continue
                unclaimed.remove(mine)
                db.execute("DELETE FROM pending_uploads WHERE id = ?", (mine.id,))
                if mine.row_id is not None:  # a renewal's new file, cut before it was swapped in
                    db.execute(
                        "UPDATE files SET leftover_of = ?, warnings = json_array(?) WHERE id = ?",
                        (mine.row_id, _UNFINISHED_RENEWAL, row_id),
                    )
                recovered.append(row_id)
            db.executemany(
                "DELETE FROM pending_uploads WHERE id = ?", [(p.id,) for p in unclaimed if p.id in stale]
            )
        return SyncApplied(frozenset(updated), self._rows(adopted), self._rows(recovered))

    def _rows(self, row_ids: list[int]) -> tuple[FileRecord, ...]:
        out: list[FileRecord] = []
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT {COLUMNS} FROM files WHERE id IN ({marks}) ORDER BY id", chunk)
            out += [file_record(r) for r in rows]
        return tuple(out)


_UNFINISHED_RENEWAL = (
    "Left on the server by a renewal that was cut short (the app stopped before it finished): this app "
    "uploaded it, nothing uses it. Clean up offers it."
)
