"""``BatchPoller``: the review's batches, polled in workers until they end, then their results read.

``watch(batch_id, review_id)`` polls a sent batch (``ReviewService.poll``, in a worker) on a single-shot
timer whose wait comes from ``PollBackoff``: short while the counts move, longer while they do not, and
longer still while the network is down (``network_down`` says so; the batch goes on at the API). An
ended batch's results are read as a stream (``read_results``) and each chunk of filled cells is handed
on (``cells``) as it is written to the catalog. A batch sent before a restart is watched again at start
(the controller asks ``open_batches``). ``close()`` stops the timers and cancels the tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import TaskRunner
from assistant.review import BatchProgress, Cell, PollBackoff, ReviewError, ReviewProblem, ReviewService
from assistant.ui.controllers.base import Controller

__all__ = ["BatchPoller"]

log = logging.getLogger(__name__)


@dataclass
class _Watched:
    review_id: int
    backoff: PollBackoff
    timer: QTimer
    last: BatchProgress | None = None
    busy: bool = False  # a poll or a read is running
    reading: bool = False


class BatchPoller(Controller):
    progress = Signal(object)  # BatchProgress
    cells = Signal(object)  # list[Cell]: filled from a batch's results
    read = Signal(str, int)  # (batch id, review id): every result is in the catalog
    network_down = Signal(str, float)  # (what failed, seconds until the next try)
    failed = Signal(str, int)  # (what failed and what to do, review id)

    def __init__(
        self,
        runner: TaskRunner,
        service: Callable[[], ReviewService | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._service = service
        self.backoff: Callable[[], PollBackoff] = PollBackoff  # tests poll faster
        self._watched: dict[str, _Watched] = {}

    @property
    def watching(self) -> dict[str, int]:
        """Batch id -> review id, for the batches not read yet."""
        return {bid: w.review_id for bid, w in self._watched.items()}

    def progress_of(self, batch_id: str) -> BatchProgress | None:
        watched = self._watched.get(batch_id)
        return None if watched is None else watched.last

    def watch(self, batch_id: str, review_id: int, *, at_once: bool = True) -> None:
        if self.closed or batch_id in self._watched:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.CoarseTimer)
        timer.timeout.connect(lambda: self._poll(batch_id))
        self._watched[batch_id] = _Watched(review_id, self.backoff(), timer)
        if at_once:
            self._poll(batch_id)
        else:
            self._later(batch_id, self._watched[batch_id].backoff.next())

    def poll_now(self, batch_id: str) -> None:
        watched = self._watched.get(batch_id)
        if watched is not None and not watched.busy:
            watched.timer.stop()
            self._poll(batch_id)

    def cancel(self, batch_id: str) -> None:
        """Ask the API to cancel; the batch is polled until it has ended, then its results are read."""
        service = self._service()
        watched = self._watched.get(batch_id)
        if service is None or watched is None:
            return

        def done(progress: BatchProgress) -> None:
            self._show(batch_id, progress)
            watched.backoff.reset()
            self.poll_now(batch_id)

        self.run(
            lambda _t: service.cancel_batch(batch_id),
            on_result=done,
            on_failed=lambda f: self.failed.emit(_cancel_words(f), watched.review_id),
            name="cancel review batch",
        )

    # -------------------------------------------------------------------------------- polling
    def _later(self, batch_id: str, seconds: float) -> None:
        watched = self._watched.get(batch_id)
        if watched is not None and not self.closed:
            watched.timer.start(max(50, int(seconds * 1000)))

    def _poll(self, batch_id: str) -> None:
        service, watched = self._service(), self._watched.get(batch_id)
        if watched is None or watched.busy or self.closed:
            return
        if service is None:  # not connected (yet): look again later
            self._later(batch_id, watched.backoff.failed())
            return
        if watched.last is not None and watched.last.ended:
            self._read(batch_id)
            return
        watched.busy = True

        def ended() -> None:
            watched.busy = False

        self.run(
            lambda _t: service.poll(batch_id),
            on_result=lambda p: self._polled(batch_id, p),
            on_failed=lambda f: self._poll_failed(batch_id, f),
            on_ended=ended,
            name="poll review batch",
        )

    def _polled(self, batch_id: str, progress: BatchProgress) -> None:
        watched = self._watched.get(batch_id)
        if watched is None:
            return
        before = watched.last
        self._show(batch_id, progress)
        if progress.ended:
            QTimer.singleShot(0, lambda: self._read(batch_id))
            return
        progressed = before is None or before.finished != progress.finished
        self._later(batch_id, watched.backoff.next(progressed))

    def _poll_failed(self, batch_id: str, failure: ApiFailure) -> None:
        watched = self._watched.get(batch_id)
        if watched is None:
            return
        problem = failure.problem if isinstance(failure, ReviewError) else None
        if problem is ReviewProblem.NO_REVIEW:
            self._forget(batch_id)
            return
        wait = watched.backoff.failed()
        if problem is ReviewProblem.NETWORK or failure.retryable:
            self.network_down.emit(failure.message, wait)
        else:
            self.failed.emit(failure.message, watched.review_id)
        self._later(batch_id, wait)

    def _show(self, batch_id: str, progress: BatchProgress) -> None:
        watched = self._watched.get(batch_id)
        if watched is not None:
            watched.last = progress
        self.progress.emit(progress)

    # -------------------------------------------------------------------------------- results
    def _read(self, batch_id: str) -> None:
        service, watched = self._service(), self._watched.get(batch_id)
        if service is None or watched is None or watched.reading or self.closed:
            return
        watched.reading = watched.busy = True

        def work(token: CancelToken) -> Iterator[list[Cell]]:
            return service.read_results(batch_id, cancel=token)

        task = self.stream(work, on_item=self._chunk, name="read review results")
        if task is None:
            return
        task.signals.finished.connect(self._live(lambda: self._done(batch_id)))
        task.signals.failed.connect(self._live(lambda f: self._read_failed(batch_id, f)))

        def ended() -> None:
            watched.reading = watched.busy = False

        task.signals.ended.connect(ended)
        task.start()

    def _chunk(self, cells: list[Cell]) -> None:
        self.cells.emit(list(cells))

    def _done(self, batch_id: str) -> None:
        watched = self._forget(batch_id)
        if watched is not None:
            self.read.emit(batch_id, watched.review_id)

    def _read_failed(self, batch_id: str, failure: ApiFailure) -> None:
        watched = self._watched.get(batch_id)
        if watched is None:
            return
        wait = watched.backoff.failed()
        if failure.retryable or (
            isinstance(failure, ReviewError) and failure.problem is ReviewProblem.NETWORK
        ):
            self.network_down.emit(f"The results could not be read: {failure.message}", wait)
        else:
            self.failed.emit(f"The results could not be read: {failure.message}", watched.review_id)
        self._later(batch_id, wait)

    def _forget(self, batch_id: str) -> _Watched | None:
        watched = self._watched.pop(batch_id, None)
        if watched is not None:
            watched.timer.stop()
            watched.timer.deleteLater()
        return watched

    def close(self) -> None:
        for watched in self._watched.values():
            watched.timer.stop()
        super().close()


def _cancel_words(failure: ApiFailure) -> str:
    return f"The batch could not be cancelled: {failure.message}"
