"""The chat pane's catalog work: one job at a time on a worker thread of its own, never the GUI thread.

The thread is the jobs' own (a one-thread ``TaskRunner``), not one of the shared pool's: uploads and
answers that fill every shared thread never hold up a catalog job, so a question sent then is saved
at once (nothing sent lives only in memory).

A job is plain Python that takes the ``Store`` and returns a result; its callback runs on the GUI
thread with that result. Jobs run in the order they were submitted and one after another, so a job
sees what every job before it wrote (attach files, then ask: the question goes with those files).
``shutdown`` drops what is queued and cancels the running job; its result is then dropped too.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import Store

if TYPE_CHECKING:
    from assistant.bridge import Task

__all__ = ["CatalogJobs"]

log = logging.getLogger(__name__)

R = TypeVar("R")


@dataclass(frozen=True)
class _Job(Generic[R]):
    name: str
    work: Callable[[Store], R]
    done: Callable[[R], object]
    failed: Callable[[ApiFailure], object] | None


class CatalogJobs(QObject):
    """A queue of catalog jobs run one at a time on a thread of their own. ``settled`` when none is
    left."""

    settled = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = TaskRunner(max_threads=1, parent=self)
        self._store = store
        self._queue: deque[_Job[Any]] = deque()
        self._task: Task[Any] | None = None
        self._closed = False

    @property
    def idle(self) -> bool:
        return self._task is None and not self._queue

    def submit(
        self,
        name: str,
        work: Callable[[Store], R],
        done: Callable[[R], object],
        failed: Callable[[ApiFailure], object] | None = None,
    ) -> None:
        if self._closed:
            return
        self._queue.append(_Job(name, work, done, failed))
        self._next()

    def shutdown(self) -> None:
        """Drop what is queued, cancel the running job and wait for it (a catalog call: short)."""
        self._closed = True
        self._queue.clear()
        self._runner.shutdown()

    def _next(self) -> None:
        if self._task is not None:
            return
        if not self._queue:
            self.settled.emit()
            return
        job = self._queue.popleft()
        store = self._store

        def run(_token: CancelToken) -> object:
            return job.work(store)

        task = self._runner.task(run, name=job.name)
        task.signals.result.connect(lambda value: None if self._closed else job.done(value))
        task.signals.failed.connect(lambda failure: self._failed(job, failure))
        task.signals.ended.connect(self._ended)
        self._task = task
        task.start()

    def _failed(self, job: _Job[Any], failure: ApiFailure) -> None:
        if self._closed:
            return
        if job.failed is not None:
            job.failed(failure)
        else:
            log.warning("catalog job %s failed: %s", job.name, failure)

    def _ended(self) -> None:
        self._task = None
        if not self._closed:
            self._next()
