"""Judging a scan: each path of each linked folder compared with its recorded state (size, mtime, hash),
and what follows: synced, skipped (why), failed (why), waiting to settle, a new upload (once per path
and per content, whatever the number of sets seeing it), a changed file, a file gone missing.

``scan_sets`` reads the catalog and the files; it writes nothing: the engine stores the outcome in one
transaction and hands out the work. Blocking: the engine's thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.catalog import DocumentSet, FileState, FolderHealth, FolderState, PathSync, Store
from assistant.catalog.set_records import SkipReason, SyncState, SyncStatus
from assistant.catalog.sync_paths import RowPlace, SyncWrite
from assistant.documents.errors import DocumentError, DocumentErrorKind
from assistant.documents.precheck import Precheck, precheck
from assistant.folders.ignore import IgnoreRules
from assistant.folders.listing import Listing, list_folder
from assistant.folders.model import ChangedItem, MissingItem, SyncConfig

__all__ = ["ScanOutcome", "ScanStopped", "Settle", "scan_sets"]

SETTLING = "Still being written: it is uploaded once its size and time stay still."
QUEUED = "Waiting for its turn in the upload queue."
CHANGED = "Changed here: its new version is being uploaded."
GONE = "Deleted or moved away on this computer. The copy on the server is kept until you clean it up."
NOW_FOLDER = "Replaced by a folder of the same name. The copy on the server is kept until you clean it up."
_SKIP = {
    DocumentErrorKind.UNSUPPORTED: SkipReason.UNSUPPORTED,
    DocumentErrorKind.TOO_LARGE: SkipReason.TOO_LARGE,
    DocumentErrorKind.EMPTY: SkipReason.EMPTY,
}
_KEPT = (SyncStatus.SYNCED, SyncStatus.SKIPPED, SyncStatus.FAILED)  # unchanged stat: nothing to judge


class ScanStopped(Exception):
    """The engine is stopping: the scan was left half-way, nothing of it is stored."""


class Settle:
    """When a file's size and mtime were first seen as they are (monotonic): ready once still long
    enough, or when its mtime is already ``seconds`` old (a file copied in long ago, or moved)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, tuple[int, int, float]] = {}

    def ready(self, path: str, st: os.stat_result, seconds: float) -> tuple[bool, float | None]:
        """(ready, when to look again)."""
        if seconds <= 0 or time.time() - st.st_mtime >= seconds:
            self._seen.pop(path, None)
            return True, None
        now = self._clock()
        key = (st.st_size, st.st_mtime_ns)
        seen = self._seen.get(path)
        if seen is None or seen[:2] != key:
            self._seen[path] = (*key, now)
            return False, now + seconds
        if now - seen[2] >= seconds:
            del self._seen[path]
            return True, None
        return False, seen[2] + seconds


@dataclass
class ScanOutcome:
    writes: list[SyncWrite] = field(default_factory=list)
    forget: list[tuple[int, Path]] = field(default_factory=list)
    uploads: dict[str, list[int]] = field(default_factory=dict)  # path -> sets, in order
    changed: dict[str, ChangedItem] = field(default_factory=dict)  # path -> the row to swap into, sets
    missing: list[MissingItem] = field(default_factory=list)
    folders: list[FolderState] = field(default_factory=list)
    relocate: list[tuple[int, str]] = field(default_factory=list)  # row -> its source's new path
    sets: set[int] = field(default_factory=set)
    next_look: float | None = None  # monotonic time a settling file is due again
    hashes: dict[str, str] = field(default_factory=dict)  # path -> sha256 of new uploads

    def write(self, w: SyncWrite) -> None:
        self.writes.append(w)
        self.sets.add(w.set_id)

    def look_at(self, when: float | None) -> None:
        if when is not None and (self.next_look is None or when < self.next_look):
            self.next_look = when


def _state_differs(k: PathSync | None, state: SyncState) -> bool:
    return k is None or k.state != state


def scan_sets(
    store: Store,
    sets: Sequence[DocumentSet],
    *,
    config: SyncConfig,
    settle: Settle,
    in_flight: Mapping[str, str | None],
    should_stop: Callable[[], bool] = lambda: False,
) -> ScanOutcome:
    """Judge every linked folder of ``sets``; ``in_flight``: paths handed out and not yet reported
    (path -> sha256), never handed out again until reported. ScanStopped (nothing judged counts) when
    ``should_stop`` says so between files."""
    scan = _Scan(store, config, settle, in_flight)
    out = scan.out
    judged: list[tuple[DocumentSet, Listing, dict[str, PathSync]]] = []
    for doc_set in sets:
        if doc_set.folder is None:
            continue
        listing = list_folder(doc_set.id, doc_set.folder, IgnoreRules(doc_set.ignore_patterns))
        if isinstance(listing, FolderState):
            out.folders.append(listing)
            continue
        unread = len(listing.unreadable)
        message = (
            f"{unread} subfolder{'s' if unread != 1 else ''} could not be read (permission denied?); their "
            "files keep their state."
            if unread
            else ""
        )
        out.folders.append(
            FolderState(doc_set.id, doc_set.folder, FolderHealth.WATCHING, message, tuple(listing.unreadable))
        )
        known = store.sync_index(doc_set.id)
        judged.append((doc_set, listing, known))
        ignored: dict[str, SyncState] = {}  # one state per pattern, shared by the paths it matches
        for path, pattern in listing.ignored.items():
            state = ignored.get(pattern)
            if state is None:
                state = ignored[pattern] = SyncState(
                    SyncStatus.SKIPPED, SkipReason.IGNORED, f"Matches the ignore pattern “{pattern}”."
                )
            if _state_differs(known.get(path), state):
                out.write(SyncWrite(doc_set.id, path, state))
        for path, st in listing.files.items():
            if should_stop():
                raise ScanStopped
            scan.judge(doc_set.id, path, st, known.get(path))
    scanned = [s.id for s, _, _ in judged]
    for doc_set, listing, known in judged:
        for path, k in known.items():
            if path in listing.files or path in listing.ignored or k.state.status is SyncStatus.MISSING:
                continue
            if any(Path(path).is_relative_to(u) for u in listing.unreadable):
                continue  # not listed, not gone
            out.sets.add(doc_set.id)
            if k.row_id is None or scan.row(k.row_id) is None:
                out.forget.append((doc_set.id, Path(path)))
            elif k.row_id in scan.present_rows or store.row_seen_elsewhere(k.row_id, scanned):
                out.forget.append((doc_set.id, Path(path)))  # moved: the row is listed at its new path
            else:
                why = NOW_FOLDER if os.path.isdir(path) else GONE
                out.write(SyncWrite(doc_set.id, path, SyncState(SyncStatus.MISSING, message=why)))
                out.missing.append(MissingItem(Path(path), k.row_id, (doc_set.id,)))
    return out


class _Scan:
    """One scan's context: the catalog's hashes, each file read at most once, contents on their way."""

    def __init__(
        self, store: Store, config: SyncConfig, settle: Settle, in_flight: Mapping[str, str | None]
    ) -> None:
        self.store = store
        self.config = config
        self.settle = settle
        self.in_flight = in_flight
        self.out = ScanOutcome()
        self.hashes = store.active_hashes()
        self.verdicts: dict[str, Precheck | DocumentError] = {}
        self.on_the_way: dict[str, str] = {sha: path for path, sha in in_flight.items() if sha}
        self.present_rows: set[int] = set()
        self._rows: dict[int, RowPlace] | None = None

    def row(self, row_id: int) -> RowPlace | None:
        if self._rows is None:  # every row at once: one query instead of one per file
            self._rows = self.store.row_places()
        return self._rows.get(row_id)

    def verdict(self, path: str) -> Precheck | DocumentError:
        found = self.verdicts.get(path)
        if found is None:
            try:
                found = precheck(Path(path), max_file_bytes=self.config.max_file_bytes, known=self.hashes)
            except DocumentError as exc:
                found = exc
            self.verdicts[path] = found
        return found

    def judge(self, set_id: int, path: str, st: os.stat_result, k: PathSync | None) -> None:
        out = self.out
        size, mtime = st.st_size, st.st_mtime
        if k is not None:
            same = k.size == size and k.mtime == mtime
            if same and k.state.status in _KEPT and k.state.reason is not SkipReason.IGNORED:
                if k.row_id is None:
                    return
                row = self.row(k.row_id)
                if row is not None and row.state is not FileState.DELETED:
                    self.present_rows.add(k.row_id)
                    return
                # its remote copy was deleted (Clean up) while the file is still here: upload it again
            if k.state.status in (SyncStatus.WAITING, SyncStatus.UPLOADING) and path in self.in_flight:
                if k.row_id is not None:
                    self.present_rows.add(k.row_id)
                return
        if path in out.uploads:  # another set sees the same path in this scan: one upload for both
            out.uploads[path].append(set_id)
            self._queued(set_id, path, size, mtime, out.hashes.get(path))
            return
        if 0 < size <= self.config.max_file_bytes:
            ready, when = self.settle.ready(path, st, self.config.settle_seconds)
            if not ready:
                out.look_at(when)
                state = SyncState(SyncStatus.WAITING, message=SETTLING)
                if _state_differs(k, state):
                    out.write(SyncWrite(set_id, path, state))
                return
        verdict = self.verdict(path)
        if isinstance(verdict, DocumentError):
            self._put(
                set_id, path, k, SyncState(SyncStatus.FAILED, message=verdict.message), size=size, mtime=mtime
            )
            return
        if verdict.error is not None:
            reason = _SKIP.get(verdict.error.kind)
            state = (
                SyncState(SyncStatus.SKIPPED, reason, verdict.error.message)
                if reason is not None
                else SyncState(SyncStatus.FAILED, message=verdict.error.message, permanent=True)
            )
            self._put(set_id, path, k, state, size=size, mtime=mtime)
            return
        sha = verdict.sha256
        assert sha is not None
        row = self.row(k.row_id) if k is not None and k.row_id is not None else None
        if row is not None and row.state is not FileState.DELETED and k is not None:
            if k.sha256 == sha:  # touched, or back where it was: the same content
                self.present_rows.add(row.id)
                out.write(SyncWrite(set_id, path, SyncState(SyncStatus.SYNCED), row.id, size, mtime, sha))
                return
            if row.local_path == path:  # its own row: swap the new version in
                self.present_rows.add(row.id)
                out.write(SyncWrite(set_id, path, SyncState(SyncStatus.WAITING, message=CHANGED), row.id))
                item = out.changed.get(path)
                out.changed[path] = ChangedItem(
                    Path(path), row.id, (set_id,) if item is None else (*item.set_ids, set_id)
                )
                return
        linked = self.hashes.get(sha)
        if linked is not None:  # the same content is on the server already: no upload
            self.present_rows.add(linked)
            out.write(SyncWrite(set_id, path, SyncState(SyncStatus.SYNCED), linked, size, mtime, sha))
            target = self.row(linked)
            if target is not None and (target.local_path is None or not os.path.isfile(target.local_path)):
                out.relocate.append((linked, path))
            return
        self._queued(set_id, path, size, mtime, sha)
        if sha in self.on_the_way or path in self.in_flight:
            return  # the same content is being uploaded from another path: linked when it arrives
        self.on_the_way[sha] = path
        out.uploads[path] = [set_id]
        out.hashes[path] = sha

    def _put(
        self, set_id: int, path: str, k: PathSync | None, state: SyncState, *, size: int, mtime: float
    ) -> None:
        if k is not None and k.row_id is not None:
            self.present_rows.add(k.row_id)
        self.out.write(SyncWrite(set_id, path, state, size=size, mtime=mtime))

    def _queued(self, set_id: int, path: str, size: int, mtime: float, sha256: str | None) -> None:
        """``path`` waits in the upload queue for ``set_id``."""
        state = SyncState(SyncStatus.WAITING, message=QUEUED)
        self.out.write(SyncWrite(set_id, path, state, size=size, mtime=mtime, sha256=sha256))
