"""The upload failures the catalog remembers, so the queue lists them again after a restart.

``FailureMemory(runner, store, queue)``: ``load()`` reads the failures of earlier runs in a worker and
lists them in the queue; from then on a failure is written when it happens and forgotten when its row
is dismissed, or when the same file later uploads or is cancelled. Reads and writes run in workers, one
at a time and in order (a dismissal never overtakes the failure it forgets).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import Store, UploadFailure
from assistant.ui.controllers.base import Controller
from assistant.ui.controllers.upload_jobs import JobState, UploadJob

if TYPE_CHECKING:
    from assistant.ui.controllers.uploads import UploadQueue

__all__ = ["FailureMemory"]

log = logging.getLogger(__name__)

Write = Callable[[Store], object]


class FailureMemory(Controller):
    loaded = Signal()  # the failures of earlier runs are in the queue
    settled = Signal()  # every write so far is in the catalog

    def __init__(
        self, runner: TaskRunner, store: Store, queue: UploadQueue, parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._store = store
        self._queue = queue
        self._remembered: set[str] = set()  # the paths the catalog holds a failure for
        self._writes: list[Write] = []
        self._busy = False
        self.has_read = False  # the failures of earlier runs are listed
        queue.failed.connect(self._failed)
        queue.job_changed.connect(self._changed)
        queue.jobs_removed.connect(self._removed)

    @property
    def idle(self) -> bool:
        """Nothing being read or written, nothing waiting to be."""
        return not self._busy and not self._writes

    def load(self) -> None:
        """List the failures of earlier runs in the queue (read in a worker)."""
        store = self._store
        self._busy = True
        started = self.run(
            lambda _token: store.list_upload_failures(),
            on_result=self._read,
            on_failed=lambda failure: log.warning("earlier upload failures not read: %s", failure),
            on_ended=self._done,
            name="read-upload-failures",
        )
        if started is None:
            self._busy = False

    def _read(self, failures: list[UploadFailure]) -> None:
        self._remembered.update(f.path for f in failures)
        self._queue.restore_failures(failures)
        self.has_read = True
        self.loaded.emit()

    # -- what the queue says ------------------------------------------------------------------------
    def _failed(self, job: UploadJob) -> None:
        path, message, permanent, when = str(job.path), job.message, job.permanent, job.failed_at
        self._remembered.add(path)
        self._write(lambda s: s.record_upload_failure(path, message, permanent=permanent, failed_at=when))

    def _changed(self, job: UploadJob) -> None:
        # uploaded, already there, cancelled or waiting for "Split": no longer a failure
        if job.finished and job.state is not JobState.FAILED:
            self._forget([str(job.path)])

    def _removed(self, jobs: list[UploadJob]) -> None:
        still_failed = {str(j.path) for j in self._queue.jobs() if j.state is JobState.FAILED}
        self._forget([str(j.path) for j in jobs if str(j.path) not in still_failed])

    def _forget(self, paths: list[str]) -> None:
        gone = [p for p in paths if p in self._remembered]
        if gone:
            self._remembered.difference_update(gone)
            self._write(lambda s: s.forget_upload_failures(gone))

    # -- one write at a time, in order ----------------------------------------------------------------
    def _write(self, write: Write) -> None:
        self._writes.append(write)
        self._next()

    def _next(self) -> None:
        if self._busy or not self._writes:
            return
        batch, self._writes = self._writes, []
        store = self._store

        def work(_token: CancelToken) -> None:
            for write in batch:  # a write never checks the token: once started, it lands
                write(store)

        self._busy = True
        started = self.run(work, on_failed=_not_written, on_ended=self._done, name="write-upload-failures")
        if started is None:
            self._busy = False

    def _done(self) -> None:
        self._busy = False
        self._next()
        if self.idle:
            self.settled.emit()


def _not_written(failure: ApiFailure) -> None:
    log.warning("an upload failure could not be remembered in the catalog: %s", failure)
