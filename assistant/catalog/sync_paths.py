"""The ``sync_paths`` table: the sync state of every path seen in a set's linked folder (issue 12), the
per-set summary and storage. Blocking catalog calls: run them in workers.

The folder-sync engine (``assistant.folders``) is the writer of scan results (``write_sync``); the UI
reads states, summaries and storage, and reports upload outcomes through the engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from assistant.catalog.db import Database
from assistant.catalog.file_rows import COLUMNS as _FILE_COLUMNS
from assistant.catalog.file_rows import file_record
from assistant.catalog.records import FileRecord, FileState
from assistant.catalog.schema import now, req_ts, to_ts
from assistant.catalog.set_records import (
    PathSync,
    SetStorage,
    SetSummary,
    SkipReason,
    SyncState,
    SyncStatus,
)

__all__ = ["RowPlace", "SyncPaths", "SyncWrite"]

_COLUMNS = "set_id, path, status, reason, message, permanent, file_row_id, size, mtime, sha256, updated_at"
_F = ", ".join("f." + c.strip() for c in _FILE_COLUMNS.split(","))
_WEEK = timedelta(days=7)
# when one row is listed by several paths of a set, the state shown for the row: the most telling
_RANK = {
    SyncStatus.FAILED: 0,
    SyncStatus.UPLOADING: 1,
    SyncStatus.WAITING: 2,
    SyncStatus.SYNCED: 3,
    SyncStatus.MISSING: 4,
    SyncStatus.SKIPPED: 5,
}


@dataclass(frozen=True)
class RowPlace:
    """What a scan needs of a catalog row: its state and where its source was."""

    id: int
    state: FileState
    local_path: str | None


@dataclass(frozen=True)
class SyncWrite:
    """One path's new state in one set (what ``write_sync`` stores); ``None`` figures keep the old."""

    set_id: int
    path: Path | str
    state: SyncState
    row_id: int | None = None
    size: int | None = None
    mtime: float | None = None
    sha256: str | None = None


def _path_sync(row: sqlite3.Row) -> PathSync:
    return PathSync(
        set_id=row["set_id"],
        path=Path(row["path"]),
        state=SyncState(
            SyncStatus(row["status"]),
            SkipReason(row["reason"]) if row["reason"] else None,
            row["message"],
            bool(row["permanent"]),
        ),
        row_id=row["file_row_id"],
        size=row["size"],
        mtime=row["mtime"],
        sha256=row["sha256"],
        updated_at=req_ts(row["updated_at"]),
    )


class SyncPaths(Database):
    """The sync-state methods of ``Store``."""

    def sync_paths(self, set_id: int) -> list[PathSync]:
        """Every path of the set's folder that has a state, by path."""
        rows = self._query(f"SELECT {_COLUMNS} FROM sync_paths WHERE set_id = ? ORDER BY path", (set_id,))
        return [_path_sync(r) for r in rows]

    def sync_index(self, set_id: int) -> dict[str, PathSync]:
        """The set's paths as ``sync_paths``, keyed by the path's text (for a scan)."""
        rows = self._query(f"SELECT {_COLUMNS} FROM sync_paths WHERE set_id = ?", (set_id,))
        return {r["path"]: _path_sync(r) for r in rows}

    def row_places(self) -> dict[int, RowPlace]:
        """Every row's state and source path, in one query (for a scan)."""
        rows = self._query("SELECT id, state, local_path FROM files")
        return {r["id"]: RowPlace(r["id"], FileState(r["state"]), r["local_path"]) for r in rows}

    def paths_synced_as(self, path: Path | str) -> list[PathSync]:
        """The states of one path in every set that sees it (overlapping folders)."""
        rows = self._query(f"SELECT {_COLUMNS} FROM sync_paths WHERE path = ? ORDER BY set_id", (str(path),))
        return [_path_sync(r) for r in rows]

    def write_sync(
        self,
        writes: Sequence[SyncWrite],
        forget: Iterable[tuple[int, Path]] = (),
        relocate: Iterable[tuple[int, str]] = (),
    ) -> None:
        """Store new states (one transaction, for a whole scan), drop the ``(set_id, path)`` in
        ``forget``, and point the rows in ``relocate`` (row id, path) at their source's new place (a file
        moved inside a linked folder). A synced path's row joins the set."""
        stamp = to_ts(now())
        with self._tx() as db:
            db.executemany("UPDATE files SET local_path = ? WHERE id = ?", [(p, r) for r, p in relocate])
            db.executemany(
                "DELETE FROM sync_paths WHERE set_id = ? AND path = ?", [(s, str(p)) for s, p in forget]
            )
            db.executemany(
                f"INSERT INTO sync_paths ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (set_id, path) DO UPDATE SET status = excluded.status, "
                "reason = excluded.reason, "
                "message = excluded.message, permanent = excluded.permanent, "
                "file_row_id = COALESCE(excluded.file_row_id, file_row_id), "
                "size = COALESCE(excluded.size, size), mtime = COALESCE(excluded.mtime, mtime), "
                "sha256 = COALESCE(excluded.sha256, sha256), updated_at = excluded.updated_at",
                [
                    (
                        w.set_id,
                        str(w.path),
                        str(w.state.status),
                        None if w.state.reason is None else str(w.state.reason),
                        w.state.message,
                        int(w.state.permanent),
                        w.row_id,
                        w.size,
                        w.mtime,
                        w.sha256,
                        stamp,
                    )
                    for w in writes
                ],
            )
            db.executemany(
                "INSERT OR IGNORE INTO set_files (set_id, file_row_id, added_at) VALUES (?, ?, ?)",
                [
                    (w.set_id, w.row_id, stamp)
                    for w in writes
                    if w.row_id is not None and w.state.status is SyncStatus.SYNCED
                ],
            )

    def sync_states(self, set_id: int) -> dict[int, SyncState]:
        """Row id -> its state in the set. A row added by hand (no path in the folder) is synced."""
        states = {row_id: SyncState(SyncStatus.SYNCED) for row_id in self._member_ids(set_id)}
        from_paths: dict[int, SyncState] = {}
        for entry in self.sync_paths(set_id):
            if entry.row_id is None:
                continue
            old = from_paths.get(entry.row_id)
            if old is None or _RANK[entry.state.status] < _RANK[old.status]:
                from_paths[entry.row_id] = entry.state
        states.update(from_paths)
        return states

    def _member_ids(self, set_id: int) -> list[int]:
        rows = self._query("SELECT file_row_id FROM set_files WHERE set_id = ?", (set_id,))
        return [r["file_row_id"] for r in rows]

    def set_summary(self, set_id: int) -> SetSummary:
        """Counts per state: every path of the folder once, plus rows added by hand (synced)."""
        return self.set_summaries([set_id])[set_id]

    def set_summaries(self, set_ids: Iterable[int] | None = None) -> dict[int, SetSummary]:
        """``set_summary`` of these sets (every set when None) in two queries: for the list of sets."""
        wanted = (
            [r["id"] for r in self._query("SELECT id FROM document_sets")]
            if set_ids is None
            else list(set_ids)
        )
        counts: dict[int, dict[str, int]] = {i: {} for i in wanted}
        for r in self._query("SELECT set_id, status, COUNT(*) AS n FROM sync_paths GROUP BY set_id, status"):
            if r["set_id"] in counts:
                counts[r["set_id"]][r["status"]] = r["n"]
        by_hand = {
            r["set_id"]: r["n"]
            for r in self._query(
                "SELECT m.set_id, COUNT(*) AS n FROM set_files m WHERE NOT EXISTS "
                "(SELECT 1 FROM sync_paths p WHERE p.set_id = m.set_id AND p.file_row_id = m.file_row_id) "
                "GROUP BY m.set_id"
            )
        }
        return {
            i: SetSummary(
                synced=c.get("synced", 0) + by_hand.get(i, 0),
                waiting=c.get("waiting", 0),
                uploading=c.get("uploading", 0),
                failed=c.get("failed", 0),
                skipped=c.get("skipped", 0),
                missing=c.get("missing", 0),
            )
            for i, c in counts.items()
        }

    def file_sync_states(self) -> dict[int, SyncState]:
        """Row id -> its most telling state over every set that syncs it from a folder (failed before
        uploading before waiting before synced before missing): the files table unfiltered. Rows no
        folder syncs are not in it."""
        states: dict[int, SyncState] = {}
        for r in self._query(f"SELECT {_COLUMNS} FROM sync_paths WHERE file_row_id IS NOT NULL"):
            entry = _path_sync(r)
            assert entry.row_id is not None
            old = states.get(entry.row_id)
            if old is None or _RANK[entry.state.status] < _RANK[old.status]:
                states[entry.row_id] = entry.state
        return states

    def set_storage(self, set_id: int, at: datetime | None = None) -> SetStorage:
        """What the set holds on the server: active files, their bytes, those expiring within 7 days."""
        when = at or now()
        rows = self._query(
            f"SELECT {_F} FROM files f JOIN set_files m ON m.file_row_id = f.id "
            "WHERE m.set_id = ? AND f.state = 'active'",
            (set_id,),
        )
        records = [file_record(r) for r in rows]
        soon = sorted(
            (r for r in records if r.expires_at is not None and r.expires_at - when <= _WEEK),
            key=lambda r: (r.expires_at, r.id),
        )
        return SetStorage(set_id, len(records), sum(r.size_bytes for r in records), tuple(soon))

    def missing_records(self, set_id: int) -> list[FileRecord]:
        """The remote copies of the set's files deleted or moved locally (for clean-up; never deleted by
        the sync itself): rows whose paths are all missing, still active on the server."""
        rows = self._query(
            f"SELECT DISTINCT {_F} FROM files f JOIN sync_paths p ON p.file_row_id = f.id "
            "WHERE p.set_id = ? AND p.status = 'missing' AND f.state = 'active' AND NOT EXISTS "
            "(SELECT 1 FROM sync_paths q WHERE q.file_row_id = f.id AND q.status != 'missing') "
            "ORDER BY f.id",
            (set_id,),
        )
        return [file_record(r) for r in rows]

    def forget_missing(self, set_id: int, row_ids: Iterable[int] | None = None) -> None:
        """Forget the set's missing paths (all, or those of ``row_ids``), e.g. after clean-up deleted
        their remote copies or the person chose to keep them; the rows stay in the set unless removed."""
        if row_ids is None:
            with self._tx() as db:
                db.execute("DELETE FROM sync_paths WHERE set_id = ? AND status = 'missing'", (set_id,))
            return
        with self._tx() as db:
            db.executemany(
                "DELETE FROM sync_paths WHERE set_id = ? AND status = 'missing' AND file_row_id = ?",
                [(set_id, r) for r in row_ids],
            )

    def active_hashes(self) -> dict[str, int]:
        """SHA-256 (of the uploaded bytes, and of the source) -> the newest active row this app uploaded
        with it: what a new path with the same content is linked to instead of uploading again."""
        rows = self._query(
            "SELECT id, sha256, source_sha256 FROM files WHERE state = 'active' AND origin = 'app' "
            "AND leftover_of IS NULL ORDER BY uploaded_at, id"
        )
        found: dict[str, int] = {}
        for r in rows:
            for digest in (r["sha256"], r["source_sha256"]):
                if digest:
                    found[digest] = r["id"]
        return found

    def paths_with_hash(self, sha256: str, statuses: Iterable[SyncStatus]) -> list[PathSync]:
        """Paths (any set) whose content had this hash when judged, in these states."""
        wanted = [str(s) for s in statuses]
        marks = ",".join("?" * len(wanted))
        rows = self._query(
            f"SELECT {_COLUMNS} FROM sync_paths WHERE sha256 = ? AND status IN ({marks})", (sha256, *wanted)
        )
        return [_path_sync(r) for r in rows]

    def row_seen_elsewhere(self, row_id: int, set_ids: Iterable[int]) -> bool:
        """Whether a set other than ``set_ids`` lists ``row_id`` at a path that is not missing."""
        others = list(set_ids)
        marks = ",".join("?" * len(others)) or "NULL"
        rows = self._query(
            f"SELECT 1 FROM sync_paths WHERE file_row_id = ? AND status != 'missing' "
            f"AND set_id NOT IN ({marks}) LIMIT 1",
            (row_id, *others),
        )
        return bool(rows)
