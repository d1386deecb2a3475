"""``ReviewController``: what the review view does, every catalog and API call in a worker.

It holds the review on show (``review_id``) and asks ``ReviewService`` for everything: the grid, the
questions (add, edit, reorder, remove), question sets, the estimate before a run (debounced, the
previous count cancelled), running as a batch or now, re-running a cell or the failed ones, the cost
after, export. Batches are watched by ``BatchPoller`` (polling with backoff, results read as a
stream); those sent before a restart are watched again at ``start``. It says what happened through
signals; the panel shows them. Nothing here touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import Task, TaskRunner
from assistant.catalog import FileRecord
from assistant.review import (
    BatchProgress,
    Cell,
    CellKey,
    CellState,
    ReviewBatch,
    ReviewCost,
    ReviewEstimate,
    ReviewGrid,
    ReviewService,
    SubmitResult,
)
from assistant.ui.controllers.base import Controller
from assistant.ui.review.editing import QuestionEdits
from assistant.ui.review.polling import BatchPoller

__all__ = ["ReviewController"]

ESTIMATE_DELAY_MS = 400


class ReviewController(Controller):
    grid_loaded = Signal(object)  # ReviewGrid
    cells_changed = Signal(object)  # list[Cell]
    estimated = Signal(object)  # ReviewEstimate
    estimating = Signal()  # a count started (the old figures no longer hold)
    cost_known = Signal(object)  # ReviewCost
    progress = Signal(object)  # BatchProgress of the review on show
    status = Signal(str)  # the state in words, when no batch progress says it
    said = Signal(str)  # something failed or was refused: what, why, what to do
    question_accepted = Signal()
    set_names = Signal(list)  # list[str]
    running_changed = Signal(bool)  # a batch of the review on show is open, or cells run now
    exported = Signal(object)  # Path
    reviews_listed = Signal(list)  # list[Review], newest first

    def __init__(
        self,
        runner: TaskRunner,
        *,
        model: Callable[[], str],
        offline: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.service: ReviewService | None = None
        self.offline = offline
        self._model = model
        self.review_id: int | None = None
        self.last_shown: int | None = None  # the review on show in the last run: shown at start
        self.grid: ReviewGrid | None = None
        self.poller = BatchPoller(runner, lambda: self.service, self)
        self.questions = QuestionEdits(self)
        self._now: Task[Cell] | None = None
        self._estimate_task: Task[ReviewEstimate] | None = None
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self.estimate)
        p = self.poller
        p.progress.connect(self._progress)
        p.cells.connect(self._cells)
        p.read.connect(self._batch_read)
        p.network_down.connect(
            lambda why, wait: self.said.emit(
                f"The network is down while polling the batch ({why}). The batch goes on at the API; "
                f"trying again in {wait:.0f} s."
            )
        )
        p.failed.connect(lambda why, review_id: self.said.emit(why) if review_id == self.review_id else None)

    # ---------------------------------------------------------------------------------- start
    def set_service(self, service: ReviewService | None) -> None:
        """Connected (or again, after a new key): show the latest review, watch the open batches."""
        self.service = service
        if service is not None:
            self.start()

    def start(self) -> None:
        service = self.service
        if service is None:
            return

        def work(_t: CancelToken) -> tuple[ReviewGrid | None, list[ReviewBatch], list[str]]:
            reviews = service.list_reviews()
            known = {r.id for r in reviews}  # the review of the last run may have been deleted since
            kept = next((i for i in (self.review_id, self.last_shown) if i in known), None)
            wanted = kept if kept is not None else (reviews[0].id if reviews else None)
            grid = service.grid(wanted) if wanted is not None else None
            names = [s.name for s in service.list_question_sets()]
            return grid, service.open_batches(), names

        self.run(work, on_result=self._started, on_failed=self.failed, name="open reviews")

    def _started(self, result: tuple[ReviewGrid | None, list[ReviewBatch], list[str]]) -> None:
        grid, batches, names = result
        self.set_names.emit(names)
        for batch in batches:  # first: the grid then shows them running (Cancel on, Run off)
            self._watch(batch)
        if grid is not None:
            self.show(grid)
        else:
            self.status.emit("Select files and choose Review these… to start a review.")

    def _watch(self, batch: ReviewBatch) -> None:
        service = self.service
        if batch.batch_id is not None:
            self._watch_sent(batch)
        elif service is not None:  # written but never sent (a crash, the network): send it now
            self.run(
                lambda _t: service.resume(batch.id),
                on_result=self._watch_sent,
                on_failed=self.failed,
                name="resume review batch",
            )

    def _watch_sent(self, batch: ReviewBatch) -> None:
        if batch.batch_id is not None:
            self.poller.watch(batch.batch_id, batch.review_id)
            self._running()

    # ---------------------------------------------------------------------------------- files
    def review_files(self, records: Sequence[FileRecord]) -> None:
        """Review these files: the review on show takes them while nothing of it has run; else a new
        review over them, with the same questions."""
        service, ids = self.service, [r.id for r in records]
        if service is None:
            self.said.emit("Not connected yet: enter an API key (or try it offline), then review the files.")
            return
        if not ids:
            self.said.emit("No files chosen: select files in the list, then choose Review these….")
            return
        grid, model = self.grid, self._model()
        title = records[0].filename if len(records) == 1 else f"{len(records)} files"

        def work(_t: CancelToken) -> ReviewGrid:
            if grid is not None and not any(c.state is not CellState.EMPTY for c in grid.cells.values()):
                return service.grid(service.set_files(grid.review.id, ids).id)
            specs = [q.spec for q in grid.review.questions] if grid is not None else []
            return service.grid(service.create_review(title, model, ids, specs).id)

        self.run(work, on_result=self.show, on_failed=self.failed, name="review files")

    def open_review(self, review_id: int) -> None:
        self.reload(review_id)

    # -------------------------------------------------------------------------------- the grid
    def reload(self, review_id: int | None = None) -> None:
        service = self.service
        wanted = review_id if review_id is not None else self.review_id
        if service is None or wanted is None:
            return
        self.run(
            lambda _t: service.grid(wanted), on_result=self.show, on_failed=self.failed, name="review grid"
        )

    def show(self, grid: ReviewGrid) -> None:
        changed = grid.review.id != self.review_id
        self.review_id, self.grid = grid.review.id, grid
        self.grid_loaded.emit(grid)
        if changed:
            self.list_reviews()
            for progress in self._progresses().values():
                if progress is not None:
                    self.progress.emit(progress)
        self._running()
        if not self.is_running:
            self.schedule_estimate()
            if any(c.usage is not None for c in grid.cells.values()):
                self.cost()

    def list_reviews(self) -> None:
        service = self.service
        if service is not None:
            self.run(
                lambda _t: service.list_reviews(), on_result=self.reviews_listed.emit, name="list reviews"
            )

    def _cells(self, cells: list[Cell]) -> None:
        self.cells_changed.emit(cells)

    def _progresses(self) -> dict[str, BatchProgress | None]:
        return {
            bid: self.poller.progress_of(bid)
            for bid, rid in self.poller.watching.items()
            if rid == self.review_id
        }

    def _progress(self, progress: BatchProgress) -> None:
        if progress.review_id == self.review_id:
            self.progress.emit(progress)
            self._running()

    def _batch_read(self, _batch_id: str, review_id: int) -> None:
        if review_id == self.review_id:
            self.reload()

    @property
    def running_now(self) -> bool:
        """Cells are asked now (interactively)."""
        return self._now is not None

    @property
    def is_running(self) -> bool:
        return self._now is not None or bool(self._progresses())

    def _running(self) -> None:
        self.running_changed.emit(self.is_running)

    # ----------------------------------------------------------------------------- the estimate
    def schedule_estimate(self) -> None:
        self._estimate_timer.start()

    def estimate(self, cells: Sequence[CellKey] | None = None) -> None:
        service, review_id = self.service, self.review_id
        if service is None or review_id is None or self.grid is None or not self.grid.review.questions:
            return
        if self._estimate_task is not None:
            self._estimate_task.cancel()
        offline = self.offline
        self.estimating.emit()

        def done(estimate: ReviewEstimate) -> None:
            if review_id == self.review_id:
                self.estimated.emit(estimate)

        self._estimate_task = self.run(
            lambda _t: service.estimate(review_id, cells, offline=offline),
            on_result=done,
            on_failed=lambda f: self.said.emit(f"What the review costs could not be counted: {f.message}"),
            name="estimate review",
        )

    def cost(self) -> None:
        service, review_id = self.service, self.review_id
        if service is None or review_id is None:
            return

        def done(cost: ReviewCost) -> None:
            if review_id == self.review_id and cost.cells:
                self.cost_known.emit(cost)

        self.run(
            lambda _t: service.cost(review_id), on_result=done, on_failed=self.failed, name="review cost"
        )

    # ----------------------------------------------------------------------------------- running
    def run_batch(self, cells: Sequence[CellKey] | None = None) -> None:
        """Send the cells not answered yet (or ``cells``) as a batch, at half price."""
        service, review_id = self.service, self._ready()
        if service is None or review_id is None:
            return
        self.status.emit("Sending the batch…")

        def sent(result: SubmitResult) -> None:
            for batch in result.batches:
                if batch.batch_id is not None:
                    self.poller.watch(batch.batch_id, batch.review_id)
            notes = [n for n in (result.split_note,) if n]
            if result.skipped:
                notes.append(f"{len(result.skipped)} cells were not sent (their file is gone or too large).")
            if notes:
                self.said.emit(" ".join(notes))
            self.reload()

        def failed(failure: ApiFailure) -> None:
            self.failed(failure)
            self.reload()  # the cells say why (errored) and the questions are all still there

        self.run(
            lambda _t: service.submit_batch(review_id, cells),
            on_result=sent,
            on_failed=failed,
            name="send batch",
        )

    def run_now(self, cells: Sequence[CellKey] | None = None) -> None:
        """Ask the cells now at full price, a few at a time; each fills as its answer arrives."""
        if self._now is not None:  # a click in the moment before the buttons follow: said, not dropped
            self.said.emit("Cells are still being asked: run again when they finish (or Cancel them).")
            return
        service, review_id = self.service, self._ready()
        if service is None or review_id is None:
            return

        def work(token: CancelToken) -> Iterator[Cell]:
            return service.run_now(review_id, cells, cancel=token)

        task = self.stream(work, on_item=lambda cell: self._cells([cell]), name="run review now")
        if task is None:
            return
        task.signals.failed.connect(self._live(self.failed))

        def ended() -> None:
            self._now = None
            self.reload()

        task.signals.ended.connect(ended)
        self._now = task
        self.status.emit("Asking now…")
        self._running()
        task.start()

    def rerun(self, keys: Sequence[CellKey], *, now: bool) -> None:
        if keys:
            (self.run_now if now else self.run_batch)(list(keys))

    def rerun_failed(self, *, now: bool) -> None:
        service, review_id = self.service, self.review_id
        if service is None or review_id is None:
            return

        def got(keys: list[CellKey]) -> None:
            if keys:
                self.rerun(keys, now=now)
            else:
                self.status.emit("No failed cells to re-run.")

        self.run(
            lambda _t: service.failed_cells(review_id),
            on_result=got,
            on_failed=self.failed,
            name="failed cells",
        )

    def cancel(self) -> None:
        """Stop what runs for the review on show: the cells asked now, and its open batches."""
        if self._now is not None:
            self._now.cancel()
        for bid in self._progresses():
            self.poller.cancel(bid)
        self.status.emit("Cancelling…")

    def _ready(self) -> int | None:
        grid = self.grid
        if self.service is None:
            self.said.emit("Not connected yet: enter an API key (or try it offline), then run the review.")
            return None
        if grid is None or not grid.rows:
            self.said.emit("No files to review: select files in the list and choose Review these….")
            return None
        if not grid.review.questions:
            self.said.emit("No questions yet: write a question and choose Add question.")
            return None
        return grid.review.id

    # ------------------------------------------------------------------------------------ export
    def export(self, path: Path, order: Sequence[int] | None = None) -> Task[Path] | None:
        """Write the grid to ``path``, its rows in ``order`` (file row ids as the view shows them)."""
        service, review_id = self.service, self.review_id
        if service is None or review_id is None:
            self.said.emit("Nothing to export yet: review some files first.")
            return None
        rows = list(order) if order is not None else None
        return self.run(
            lambda _t: service.export(review_id, path, rows),
            on_result=self.exported.emit,
            on_failed=lambda f: self.said.emit(
                f"The review could not be exported to {path.name}: {f.message}"
            ),
            name="export review",
        )

    def failed(self, failure: ApiFailure) -> None:
        self.said.emit(failure.message)

    def close(self) -> None:
        self._estimate_timer.stop()
        self.poller.close()
        super().close()
