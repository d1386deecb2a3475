"""``FolderSync``: keeps every linked folder in sync with the catalog, on a thread of its own (no Qt).

Sources of change: watchdog's observer (native events, only hints), a full rescan every
``rescan_seconds`` (native watches miss events on network and some FUSE drives) and a rescan at
``start`` (what changed while the app was closed: compared with the recorded size, mtime and hash).
Events are debounced: a burst (a ``git checkout`` of 2,000 files) becomes ONE ``SyncBatch``, one call of
``on_batch``. A file is acted on only once its size and mtime have stayed still ``settle_seconds``.

Threads: ``on_batch`` and ``on_error`` are called on the engine's thread; a Qt controller hands them to
the GUI thread (``assistant.bridge``) and runs catalog reads in workers. The other methods are
thread-safe and block on the catalog (call them from workers), except ``rescan``, which only asks.

Nothing is ever deleted remotely: a file gone locally is marked missing (``MissingItem``) and offered for
clean-up; a folder that vanished (an unmounted drive) marks nothing missing, its state says why.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.catalog import DocumentSet, FileRecord, FolderHealth, FolderState, Store
from assistant.catalog.set_records import SyncState, SyncStatus
from assistant.catalog.sync_paths import SyncWrite
from assistant.folders.ignore import IgnoreRules
from assistant.folders.model import SyncBatch, SyncConfig, UploadItem
from assistant.folders.scan import ScanStopped, Settle, scan_sets
from assistant.folders.watch import Watcher

__all__ = ["FolderSync"]

log = logging.getLogger(__name__)


class FolderSync:
    """The folder-sync engine. Build one per catalog; the UI's controller starts and stops it (stop it
    before the catalog is closed).

    ``on_batch(batch)``: a round of work (uploads to enqueue, changed files to swap, files gone missing,
    sets to reload). ``on_error(message)``: something unexpected in the engine's thread (it keeps going).
    """

    def __init__(
        self,
        store: Store,
        on_batch: Callable[[SyncBatch], None],
        *,
        config: SyncConfig | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._on_batch = on_batch
        self._on_error = on_error
        self.config = config or SyncConfig()
        self._lock = threading.RLock()  # scans and outcomes, one at a time
        self._cond = threading.Condition()  # what the thread waits for
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._wanted: set[int] | None = set()  # sets to rescan; None: all
        self._hinted: set[int] = set()
        self._first_hint = 0.0
        self._last_hint = 0.0
        self._next_look: float | None = None
        self._next_rescan = 0.0
        self._busy = False
        self._in_flight: dict[str, str | None] = {}  # handed out, not yet reported: path -> sha256
        self._settle = Settle()
        self._folders: dict[int, FolderState] = {}
        self._rules: list[tuple[int, str, IgnoreRules]] = []  # (set, folder, rules) for the hints
        self._watcher = Watcher(self._hint) if self.config.native_events else None

    # -- running ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Watch every linked folder and rescan each at once (changes made while the app was closed;
        waiting uploads of the last run are handed out again). Returns at once."""
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            self._wanted = None
            self._thread = threading.Thread(target=self._run, name="folder-sync", daemon=True)
        self._refresh_rules()
        if self._watcher is not None:
            self._watcher.start()
            self._rewatch()
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching and end the thread (waits at most ``timeout`` seconds). Safe to call twice."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._stopping = True
            self._cond.notify_all()
        if self._watcher is not None:
            self._watcher.stop(timeout)
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None

    # -- linking ------------------------------------------------------------------------------------
    def link(
        self, set_id: int, folder: Path | str, ignore_patterns: Sequence[str] | None = None
    ) -> DocumentSet:
        """Link a set to a folder (the catalog's ``link_folder``; default ignore patterns when None) and
        start watching and scanning it. SetError when it is not a folder. Blocking: call from a worker."""
        with self._lock:
            linked = self._store.link_folder(set_id, folder, ignore_patterns)
            self._folders.pop(set_id, None)
        self._changed_links()
        self.rescan([set_id])
        return linked

    def unlink(self, set_id: int) -> DocumentSet:
        """Stop syncing the set with its folder (its files stay in the set)."""
        with self._lock:
            unlinked = self._store.unlink_folder(set_id)
            self._folders.pop(set_id, None)
        self._changed_links()
        return unlinked

    def set_ignore_patterns(self, set_id: int, patterns: Sequence[str]) -> DocumentSet:
        """New ignore patterns for the set's folder; rescans it (newly ignored paths read as skipped)."""
        with self._lock:
            changed = self._store.set_ignore_patterns(set_id, patterns)
        self._changed_links()
        self.rescan([set_id])
        return changed

    def _changed_links(self) -> None:
        self._refresh_rules()
        if self._watcher is not None and self.running:
            self._rewatch()

    def rescan(self, set_ids: Sequence[int] | None = None) -> None:
        """Ask for a rescan of these sets' folders (all when None); the result comes as a batch."""
        with self._cond:
            if set_ids is None:
                self._wanted = None
            elif self._wanted is not None:
                self._wanted.update(set_ids)
            self._cond.notify_all()

    def scan_now(self, set_ids: Sequence[int] | None = None) -> SyncBatch:
        """Scan now on the calling thread and return the batch (``on_batch`` is NOT called with it).
        Files not yet settled are left waiting and come in a later batch of the running engine."""
        return self._scan(None if set_ids is None else set(set_ids))

    def folder_states(self) -> list[FolderState]:
        """How each linked folder is doing (watching, unavailable, denied), as last scanned."""
        with self._lock:
            return [self._folders[k] for k in sorted(self._folders)]

    # -- outcomes the UI reports --------------------------------------------------------------------
    def retry(self, set_id: int, paths: Sequence[Path] | None = None) -> None:
        """Put the set's failed paths (all, or ``paths``) back to waiting; they come in the next batch."""
        wanted = None if paths is None else {str(p) for p in paths}
        with self._lock:
            writes = [
                SyncWrite(set_id, e.path, SyncState(SyncStatus.WAITING, message="Trying again."))
                for e in self._store.sync_paths(set_id)
                if e.state.status is SyncStatus.FAILED and (wanted is None or str(e.path) in wanted)
            ]
            self._store.write_sync(writes)
        self.rescan([set_id])

    def uploading(self, path: Path) -> frozenset[int]:
        """The upload queue started sending ``path``: every set that sees it shows "uploading". Returns
        the sets whose states changed."""
        with self._lock:
            writes = [
                SyncWrite(e.set_id, e.path, SyncState(SyncStatus.UPLOADING))
                for e in self._store.paths_synced_as(path)
                if e.state.status is SyncStatus.WAITING
            ]
            self._store.write_sync(writes)
        return frozenset(w.set_id for w in writes)

    def uploaded(self, path: Path, record: FileRecord) -> frozenset[int]:
        """``path`` is on the server as ``record`` (a new upload, the same content reused, or a changed
        file swapped in): synced in every set that sees it, and the row joins those sets; other paths
        waiting with the same content are linked to it too. Call once per record (a PDF in parts: once
        per part). Returns the sets whose states changed."""
        key = str(path)
        with self._lock:
            sha = self._in_flight.pop(key, None)
            entries = self._store.paths_synced_as(key)
            own = record.local_path == key
            figures: dict[str, Any] = (
                {"size": record.source_size, "mtime": record.source_mtime, "sha256": record.source_sha256}
                if own
                else {}
            )
            writes = [
                SyncWrite(e.set_id, e.path, SyncState(SyncStatus.SYNCED), record.id, **figures)
                for e in entries
            ]
            sha = sha or next((e.sha256 for e in entries if e.sha256), None)
            if sha:
                for twin in self._store.paths_with_hash(sha, (SyncStatus.WAITING, SyncStatus.UPLOADING)):
                    if str(twin.path) != key and str(twin.path) not in self._in_flight:
                        writes.append(
                            SyncWrite(twin.set_id, twin.path, SyncState(SyncStatus.SYNCED), record.id)
                        )
            self._store.write_sync(writes)
        return frozenset(w.set_id for w in writes)

    def upload_failed(self, path: Path, message: str, permanent: bool = False) -> frozenset[int]:
        """``path`` could not be prepared or uploaded (or the person cancelled it): failed (why) in every
        set that sees it, until Retry. Returns the sets whose states changed."""
        with self._lock:
            self._in_flight.pop(str(path), None)
            state = SyncState(SyncStatus.FAILED, message=message, permanent=permanent)
            writes = [SyncWrite(e.set_id, e.path, state) for e in self._store.paths_synced_as(path)]
            self._store.write_sync(writes)
        return frozenset(w.set_id for w in writes)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests: wait until no event, settle or scan is pending; False on timeout."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._busy or self._hinted or self._wanted is None or self._wanted or self._next_look:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    # -- the thread ---------------------------------------------------------------------------------
    def _hint(self, paths: Iterable[str]) -> None:
        """Native events (the watcher's thread): which sets may have changed. Ignored paths are dropped."""
        hit: set[int] = set()
        for raw in paths:
            for set_id, folder, rules in self._rules:
                if raw == folder or raw.startswith(folder + os.sep):
                    rel = PurePosixPath(*Path(os.path.relpath(raw, folder)).parts)
                    if not any(rules.ignores(parent, True) for parent in rel.parents if parent.parts):
                        hit.add(set_id)
        if not hit:
            return
        now = time.monotonic()
        with self._cond:
            if not self._hinted:
                self._first_hint = now
            self._hinted |= hit
            self._last_hint = now
            self._cond.notify_all()

    def _is_stopping(self) -> bool:
        return self._stopping

    def _due(self, now: float) -> tuple[bool, set[int], float]:
        """(scan every folder, the sets to scan, how long to wait when neither). ``_cond`` held."""
        scan_all = (
            self._wanted is None
            or now >= self._next_rescan
            or (self._next_look is not None and now >= self._next_look)
        )
        sets = set(self._wanted or ())
        waits = [self._next_rescan - now]
        if self._next_look is not None:
            waits.append(self._next_look - now)
        if self._hinted:
            # a burst is over when no event came for the settle time (every write makes an event, so the
            # files it touched have kept still that long), or when it has lasted max_delay_seconds
            quiet = max(self.config.debounce_seconds, self.config.settle_seconds)
            since_last, since_first = now - self._last_hint, now - self._first_hint
            if since_last >= quiet or since_first >= self.config.max_delay_seconds:
                sets |= self._hinted
            else:
                waits.append(min(quiet - since_last, self.config.max_delay_seconds - since_first))
        return scan_all, sets, max(0.01, min(waits))

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    scan_all, sets, wait = self._due(time.monotonic())
                    if scan_all or sets:
                        break
                    self._cond.wait(wait)
                if scan_all:
                    self._hinted.clear()
                    self._next_look = None
                else:
                    self._hinted -= sets
                self._wanted = set()
                self._busy = True
            try:
                batch = self._scan(None if scan_all else sets)
                if not batch.empty and not self._is_stopping():
                    self._on_batch(batch)
            except ScanStopped:
                return
            except Exception as exc:
                if self._is_stopping():
                    return  # stopped mid-scan (the catalog may be closing): nothing to report
                log.exception("Folder sync failed")
                if self._on_error is not None:
                    self._on_error(
                        f"Syncing the linked folders failed: {exc}. It is tried again at the next rescan."
                    )
            finally:
                with self._cond:
                    self._busy = False
                    if scan_all:
                        self._next_rescan = time.monotonic() + self.config.rescan_seconds
                    self._cond.notify_all()

    def _scan(self, set_ids: set[int] | None) -> SyncBatch:
        with self._lock:
            sets = [s for s in self._store.linked_sets() if set_ids is None or s.id in set_ids]
            out = scan_sets(
                self._store,
                sets,
                config=self.config,
                settle=self._settle,
                in_flight=self._in_flight,
                should_stop=self._is_stopping,
            )
            if out.writes or out.forget or out.relocate:  # a catalog inside a linked folder: no loop
                self._store.write_sync(out.writes, out.forget, out.relocate)
            for path in out.uploads:
                self._in_flight[path] = out.hashes.get(path)
            for item in out.changed.values():
                self._in_flight[str(item.path)] = None
            changed_folders = [f for f in out.folders if self._folders.get(f.set_id) != f]
            for folder in out.folders:
                self._folders[folder.set_id] = folder
        if changed_folders and self._watcher is not None and self.running:
            self._rewatch()
        if out.next_look is not None:
            with self._cond:
                if self._next_look is None or out.next_look < self._next_look:
                    self._next_look = out.next_look
                self._cond.notify_all()
        return SyncBatch(
            uploads=tuple(UploadItem(Path(p), tuple(ids)) for p, ids in out.uploads.items()),
            changed=tuple(out.changed.values()),
            missing=tuple(out.missing),
            sets=frozenset(out.sets),
            folders=tuple(changed_folders),
        )

    # -- native events ------------------------------------------------------------------------------
    def _refresh_rules(self) -> None:
        self._rules = [
            (s.id, str(s.folder), IgnoreRules(s.ignore_patterns))
            for s in self._store.linked_sets()
            if s.folder is not None
        ]

    def _rewatch(self) -> None:
        """Watch each linked folder that is there (once, however many sets link it)."""
        assert self._watcher is not None
        with self._lock:
            healthy = {
                folder
                for set_id, folder, _ in self._rules
                if self._folders.get(set_id) is None or self._folders[set_id].health is FolderHealth.WATCHING
            }
        with contextlib.suppress(Exception):
            self._watcher.watch_only(healthy)
