"""Running cells now: interactive requests at full price, a bounded number at a time, each cell saved
and handed back as its answer arrives."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace

from assistant.api.errors import ApiFailure, CancelToken, to_failure
from assistant.catalog import FileRecord
from assistant.catalog.review_records import Cell, CellKey, CellState, Question, Review, RunMode
from assistant.review.base import ServiceBase
from assistant.review.cells import answered_cell, failed_cell, failure_cell
from assistant.review.requests import cell_params, gone_reason

__all__ = ["NowRunning"]

CellCallback = Callable[[Cell], None]
STOPPED_WHY = "Stopped before its answer arrived (the app was closed). Re-run it."


class NowRunning(ServiceBase):
    def stale_running(self, cells: list[Cell]) -> list[Cell]:
        """Cells saved RUNNING that no run of this service holds (the app was closed mid-run): saved
        and returned as CANCELED, so they say so and can be re-run."""
        with self._running_lock:
            running = set(self._running)
        stale = [
            replace(c, state=CellState.CANCELED, why=STOPPED_WHY)
            for c in cells
            if c.state is CellState.RUNNING and c.key not in running
        ]
        if stale:
            self._store.put_cells(stale)
        return stale

    def run_now(
        self,
        review_id: int,
        cells: Sequence[CellKey] | None = None,
        *,
        on_cell: CellCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[Cell]:
        """Runs ``cells`` (None: every cell not answered yet) now at full price, ``parallel`` at a time;
        yields each cell as it changes (RUNNING, then its end state) and calls ``on_cell`` too. Each
        file's first question runs before its others, so they read the document from the cache. A cancel
        (or closing the generator) starts nothing more: cells not started keep their state, those
        already running finish and are saved (they are paid for)."""
        review = self._review(review_id)
        self._runnable(review)
        keys = self._keys(review, cells)
        records = self._records(review)
        questions = {q.id: q for q in review.questions}
        first: list[CellKey] = []
        rest: list[CellKey] = []
        started: set[int] = set()
        for key in keys:
            why = gone_reason(records.get(key.file_row_id))
            if why is not None:
                gone = failed_cell(review.id, key, CellState.FILE_GONE, why, mode=RunMode.NOW)
                self._store.put_cells([gone])
                yield self._tell(gone, on_cell)
                continue
            (rest if key.file_row_id in started else first).append(key)
            started.add(key.file_row_id)
        self._store.touch_files(started)
        for phase in (first, rest):
            yield from self._run_phase(review, phase, records, questions, on_cell=on_cell, cancel=cancel)
            if cancel is not None and cancel.is_cancelled():
                return

    def _tell(self, cell: Cell, on_cell: CellCallback | None) -> Cell:
        if on_cell is not None:
            on_cell(cell)
        return cell

    def _run_phase(
        self,
        review: Review,
        keys: list[CellKey],
        records: dict[int, FileRecord | None],
        questions: dict[int, Question],
        *,
        on_cell: CellCallback | None,
        cancel: CancelToken | None,
    ) -> Iterator[Cell]:
        todo = iter(keys)
        futures: dict[Future[Cell], CellKey] = {}
        pool = ThreadPoolExecutor(self._parallel, thread_name_prefix="review-now")
        try:
            while True:
                while len(futures) < self._parallel and not (cancel is not None and cancel.is_cancelled()):
                    key = next(todo, None)
                    if key is None:
                        break
                    running = Cell(
                        review.id, key.file_row_id, key.question_id, CellState.RUNNING, mode=RunMode.NOW
                    )
                    with self._running_lock:
                        self._running.add(key)
                    self._store.put_cells([running])
                    record = records[key.file_row_id]
                    assert record is not None
                    futures[pool.submit(self._ask, review, key, record, questions[key.question_id])] = key
                    yield self._tell(running, on_cell)
                if not futures:
                    return
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    futures.pop(future)
                    yield self._tell(future.result(), on_cell)
        finally:
            for future in list(futures):
                future.result()  # finishes and saves what is already paid for
            pool.shutdown(wait=True)

    def _ask(self, review: Review, key: CellKey, record: FileRecord, question: Question) -> Cell:
        try:
            try:
                params = cell_params(review.model, record, question, max_tokens=self._max_tokens, ttl="5m")
                message = self._client.messages.create(**params)
                cell = answered_cell(
                    review.id, key, question, record, message, model=review.model, mode=RunMode.NOW,
                    prices=self._prices,
                )  # fmt: skip
            except ApiFailure as failure:
                cell = failure_cell(review.id, key, failure, RunMode.NOW)
            except Exception as exc:
                cell = failure_cell(review.id, key, to_failure(exc), RunMode.NOW)
            self._store.put_cells([cell])
            return cell
        finally:
            with self._running_lock:
                self._running.discard(key)
