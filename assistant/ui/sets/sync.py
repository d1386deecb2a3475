"""``FolderSyncController``: drives the folder-sync engine (``assistant.folders.FolderSync``, Qt-free,
on a thread of its own) from the window. Catalog calls run in workers; the engine's batches reach the
GUI thread through a thread-safe queue the GUI thread empties on a timer, one batch at a time:

- new files go to the upload queue (``add_files``: linking the folder was the yes); the queue's
  outcomes are reported back (uploading, uploaded as a row, failed and why), gathered for a moment so
  2,000 files cost a few catalog calls, not 2,000;
- a changed file is re-uploaded into its row and swapped in (``RowOperations.reupload_with``: the
  stale re-upload path; every conversation using it keeps working); without a connection it waits;
- a file deleted or moved locally is marked (the engine) and offered for clean-up (``missing``), never
  deleted remotely by the sync;
- the sets whose states changed are read again, once per batch (``sets_changed``).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord
from assistant.catalog.set_records import FolderHealth, FolderState
from assistant.ui.controllers.base import Controller
from assistant.ui.sets.views import plural

if TYPE_CHECKING:
    from assistant.api.files import UploadResult
    from assistant.folders import ChangedItem, FolderSync, SyncBatch
    from assistant.ui.controllers import RowOperations, UploadQueue
    from assistant.ui.controllers.upload_jobs import UploadJob

__all__ = ["FolderSyncController"]

log = logging.getLogger(__name__)

REPORT_MS = 250  # upload outcomes are gathered this long before the engine hears them
POLL_MS = 100  # how often the GUI thread looks for the engine's batches (it debounces 0.5 s itself)
QUEUE_CHUNK = 25  # new files handed to the upload queue per turn of the event loop
ChangedWork = Callable[["ChangedItem"], Callable[[int, CancelToken], FileRecord] | None]


class FolderSyncController(Controller):
    sets_changed = Signal()  # sync states changed: read the sets again
    folders_changed = Signal(object)  # dict[int, str]: set id -> what is wrong with its folder ("" fine)
    missing = Signal(object)  # SyncBatch.missing: files deleted locally, offered for clean-up
    joined = Signal(int, list)  # (set id, row ids) files of a folder joined its set
    said = Signal(str, int)
    batches_seen = Signal(int)  # how many batches reached the GUI thread (tests, the benchmark)

    def __init__(
        self,
        runner: TaskRunner,
        engine: Callable[[Callable[[SyncBatch], None], Callable[[str], None]], FolderSync],
        *,
        uploads: UploadQueue,
        rows: RowOperations,
        record_of: Callable[[int], FileRecord | None],
        changed_work: ChangedWork,
        connected: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._make_engine = engine
        self.engine: FolderSync | None = None
        self._queue: queue.SimpleQueue[SyncBatch | str] = queue.SimpleQueue()
        self._uploads, self._rows, self._record_of = uploads, rows, record_of
        self._changed_work, self._connected = changed_work, connected
        self._ours: set[Path] = set()  # paths handed to the upload queue
        self._waiting_changes: dict[int, ChangedItem] = {}  # row id -> change waiting for a connection
        self._to_queue: list[Path] = []  # new files not yet handed to the upload queue
        self._report_uploading: set[Path] = set()
        self._report_done: dict[Path, list[FileRecord]] = {}
        self._report_failed: dict[Path, tuple[str, bool]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REPORT_MS)
        self._timer.timeout.connect(self._report)
        self.problems: dict[int, str] = {}
        self.batches = 0
        self._poll = QTimer(self)  # the engine's batches, taken on the GUI thread
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._take_batches)
        uploads.job_changed.connect(self._job_changed)
        uploads.uploaded.connect(self._uploaded)
        uploads.failed.connect(self._failed)

    # -- running -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Build and start the engine in a worker (it rescans every linked folder: what changed while
        the app was closed), and hand its batches to the GUI thread."""
        if self.engine is not None or self.closed:
            return
        put = self._queue.put
        try:
            engine = self._make_engine(put, put)
        except Exception as exc:  # the engine could not be built: the sets work, folders are not synced
            log.error("folder sync engine not started", exc_info=exc)
            self.said.emit(f"Watched folders are not synced: {exc or type(exc).__name__}", 15000)
            return
        self.engine = engine
        self._poll.start()
        self.run(lambda _t: engine.start(), on_failed=self._engine_failed, name="folder-sync-start")

    def _take_batches(self) -> None:
        """On the GUI thread: the batches the engine's thread left in the queue, in order. A timer, not
        a task: a task waiting on the queue would hold one of the shared workers for the app's life."""
        for _ in range(8):  # a few per tick; the rest on the next
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            self._batch(item)

    def close(self) -> None:
        super().close()
        self._poll.stop()
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.stop(timeout=2.0)

    def _engine_failed(self, failure: ApiFailure) -> None:
        self.said.emit(f"Watched folders are not synced: {failure.message}", 15000)

    # -- what the person asks ------------------------------------------------------------------------
    def link(
        self, set_id: int, folder: Path, patterns: Sequence[str] | None, then: Callable[[], object]
    ) -> None:
        engine = self.engine
        if engine is None:
            self.said.emit("Folder sync has not started yet; try again in a moment.", 8000)
            return
        pats = None if patterns is None else list(patterns)
        self.run(
            lambda _t: engine.link(set_id, folder, pats),
            on_result=lambda _s: self._linked(folder, then),
            on_failed=lambda f: self.said.emit(f"Not linked: {f.message}", 12000),
            name="link-folder",
        )

    def _linked(self, folder: Path, then: Callable[[], object]) -> None:
        self.said.emit(f"Linked to {folder}: looking through it…", 8000)
        then()

    def unlink(self, set_id: int, then: Callable[[], object]) -> None:
        engine = self.engine
        if engine is not None:
            self.run(lambda _t: engine.unlink(set_id), on_result=lambda _s: then(), name="unlink-folder")

    def retry(self, set_id: int) -> None:
        engine = self.engine
        if engine is not None:
            self.run(
                lambda _t: engine.retry(set_id), on_result=lambda _r: self.sets_changed.emit(), name="retry"
            )
            self.said.emit("Trying the failed files again…", 5000)

    def retry_files(self, set_ids: Sequence[int], records: Sequence[FileRecord]) -> None:
        """Try again the rows whose sync failed (Retry in the table's menu) in these linked sets."""
        engine = self.engine
        paths = [Path(r.local_path) for r in records if r.local_path]
        if engine is None or not paths or not set_ids:
            return

        def work(_t: CancelToken) -> None:
            for set_id in set_ids:
                engine.retry(set_id, paths)

        self.run(work, on_result=lambda _r: self.sets_changed.emit(), name="retry-files")
        self.said.emit(f"Trying {plural(len(paths), 'file')} again…", 5000)

    def rescan(self) -> None:
        if self.engine is not None:
            self.engine.rescan()  # only asks: the engine's thread scans

    def services_ready(self) -> None:
        """Connected: the changed files that waited for a connection are re-uploaded now."""
        waiting, self._waiting_changes = self._waiting_changes, {}
        for item in waiting.values():
            self._swap(item)

    # -- the engine's batches, on the GUI thread ------------------------------------------------------
    def _batch(self, batch: SyncBatch | str) -> None:
        if isinstance(batch, str):
            self.said.emit(f"Folder sync: {batch}", 10000)
            return
        self.batches += 1
        self.batches_seen.emit(self.batches)
        if batch.folders:
            self._folders(batch.folders)
        if batch.uploads:
            self._ours.update(item.path for item in batch.uploads)
            self._to_queue.extend(batch.upload_paths())
            self._queue_some()
        for change in batch.changed:
            self._swap(change)
        if batch.missing:
            self.missing.emit(batch.missing)
            n = len(batch.missing)
            self.said.emit(
                f"{plural(n, 'file')} deleted or moved locally: marked in the set; the remote "
                f"{'copy is' if n == 1 else 'copies are'} kept until you clean up (Sync status…).",
                12000,
            )
        if batch.sets or batch.uploads or batch.missing or batch.changed:
            self.sets_changed.emit()

    def _folders(self, states: Sequence[FolderState]) -> None:
        for state in states:
            bad = state.health in (FolderHealth.UNAVAILABLE, FolderHealth.DENIED)
            text = state.message or f"{state.folder} cannot be read"
            if bad:
                self.problems[state.set_id] = text
                self.said.emit(f"{text} — its files are left as they are.", 12000)
            else:
                self.problems.pop(state.set_id, None)
        self.folders_changed.emit(dict(self.problems))

    def _swap(self, item: ChangedItem) -> None:
        record = self._record_of(item.row_id)
        work = self._changed_work(item)
        if record is None or work is None or not self._connected():
            self._waiting_changes[item.row_id] = item
            return
        self._rows.reupload_with(record, work)

    def _queue_some(self) -> None:
        """Hand the new files to the upload queue a few at a time, one turn of the event loop each (a
        queue row costs the GUI thread about a tenth of a millisecond: 2,000 at once would stall it)."""
        if self.closed or not self._to_queue:
            return
        some, self._to_queue = self._to_queue[:QUEUE_CHUNK], self._to_queue[QUEUE_CHUNK:]
        self._uploads.add_files(some)
        if self._to_queue:
            QTimer.singleShot(0, self._queue_some)

    # -- the upload queue's outcomes, reported back in a few calls ------------------------------------
    # Every finished job is reported (safe for a path no folder sees): a path the sync handed out but
    # that was already in the queue (dropped by hand too) is not left waiting for ever.
    def _job_changed(self, job: UploadJob) -> None:
        state = str(job.state)
        if state == "uploading" and job.path in self._ours and job.path not in self._report_uploading:
            self._report_uploading.add(job.path)
            self._timer.start()
        elif state == "cancelled":  # cancelled in the queue: said, so that the path is not lost
            self._report_failed[job.path] = ("Cancelled in the upload queue.", False)
            self._timer.start()

    def _uploaded(self, result: UploadResult | list[UploadResult], job: UploadJob) -> None:
        self._report_done.setdefault(job.path, []).extend(
            r.record for r in (result if isinstance(result, list) else [result])
        )
        self._timer.start()

    def _failed(self, job: UploadJob) -> None:
        self._report_failed[job.path] = (job.message or "the upload failed", job.permanent)
        self._timer.start()

    def _report(self) -> None:
        engine = self.engine
        if engine is None:
            return
        uploading, self._report_uploading = self._report_uploading - set(self._report_done), set()
        done, self._report_done = self._report_done, {}
        failed, self._report_failed = self._report_failed, {}
        for path in (*done, *failed):
            self._ours.discard(path)

        def work(_t: CancelToken) -> dict[int, list[int]]:
            joined: dict[int, list[int]] = {}
            for path in uploading:
                engine.uploading(path)
            for path, records in done.items():
                for record in records:
                    for set_id in engine.uploaded(path, record):
                        joined.setdefault(set_id, []).append(record.id)
            for path, (message, permanent) in failed.items():
                engine.upload_failed(path, message, permanent)
            return joined

        def reported(joined: dict[int, list[int]]) -> None:
            self.sets_changed.emit()
            for set_id, row_ids in joined.items():
                self.joined.emit(set_id, row_ids)

        self.run(work, on_result=reported, name="report-uploads")
