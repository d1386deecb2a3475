"""``ReviewService``: the review grid's blocking operations, each meant for a worker thread.

Construct once per API client (like ``ChatService``)::

    reviews = ReviewService(client, store, prices=None, max_tokens=1024, parallel=4, clock=time.time)

Every method is blocking (catalog and/or network) and raises ``ReviewError`` (an ``ApiFailure``, so
``bridge.TaskRunner`` delivers it typed to ``failed``) with a message that says what happened and
what to do. Nothing the user wrote is lost by a failure: questions, sets, reviews and cells are in the
catalog before anything is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.api.errors import CancelToken
from assistant.api.pricing import PriceList
from assistant.catalog import Store
from assistant.review.records import (
    BatchProgress,
    Cell,
    CellKey,
    Question,
    QuestionSet,
    QuestionSpec,
    Review,
    ReviewBatch,
    ReviewCost,
    ReviewEstimate,
    ReviewGrid,
    SubmitResult,
)

if TYPE_CHECKING:
    import anthropic

__all__ = ["ReviewService"]

CellCallback = Callable[[Cell], None]


class ReviewService:
    def __init__(
        self,
        client: anthropic.Anthropic,
        store: Store,
        *,
        prices: PriceList | None = None,
        max_tokens: int = 1024,
        parallel: int = 4,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._store = store
        self._prices = prices
        self._max_tokens = max_tokens
        self._parallel = parallel
        self._clock = clock

    # ------------------------------------------------------------------ reviews (catalog only)

    def create_review(
        self, title: str, model: str, file_row_ids: Sequence[int], questions: Sequence[QuestionSpec] = ()
    ) -> Review:
        """A new review over these files (rows, in this order; duplicates dropped). No files: NO_FILES;
        an empty question: EMPTY_QUESTION."""
        raise NotImplementedError

    def get_review(self, review_id: int) -> Review:
        """The review (NO_REVIEW when deleted)."""
        raise NotImplementedError

    def list_reviews(self) -> list[Review]:
        """Most recently updated first."""
        raise NotImplementedError

    def rename_review(self, review_id: int, title: str) -> Review:
        raise NotImplementedError

    def set_model(self, review_id: int, model: str) -> Review:
        raise NotImplementedError

    def set_files(self, review_id: int, file_row_ids: Sequence[int]) -> Review:
        """The rows, in this order; cells of removed files are deleted, others kept."""
        raise NotImplementedError

    def delete_review(self, review_id: int) -> None:
        """Deletes the review, its questions, cells and batch records (open batches are cancelled first,
        best effort)."""
        raise NotImplementedError

    def grid(self, review_id: int) -> ReviewGrid:
        """The review, its rows (names, gone files) and its cells, in one read."""
        raise NotImplementedError

    def cells(self, review_id: int) -> list[Cell]:
        raise NotImplementedError

    # ------------------------------------------------------------------ questions

    def add_question(self, review_id: int, spec: QuestionSpec, position: int | None = None) -> Question:
        """Appends (or inserts at ``position``). Empty text, or CATEGORY without categories:
        EMPTY_QUESTION."""
        raise NotImplementedError

    def update_question(self, question_id: int, spec: QuestionSpec) -> Question:
        """Edits a question; its cells go back to EMPTY when the text, type or categories changed."""
        raise NotImplementedError

    def reorder_questions(self, review_id: int, question_ids: Sequence[int]) -> Review:
        """The columns in this order (every question id of the review, once)."""
        raise NotImplementedError

    def remove_question(self, question_id: int) -> Review:
        """Removes a column and its cells."""
        raise NotImplementedError

    # ------------------------------------------------------------------ question sets

    def save_question_set(self, name: str, questions: Sequence[QuestionSpec]) -> QuestionSet:
        """Saves (or replaces) the set called ``name``."""
        raise NotImplementedError

    def list_question_sets(self) -> list[QuestionSet]:
        """By name."""
        raise NotImplementedError

    def load_question_set(self, name: str) -> QuestionSet | None:
        raise NotImplementedError

    def delete_question_set(self, name: str) -> None:
        raise NotImplementedError

    def apply_question_set(self, review_id: int, name: str) -> Review:
        """Appends the set's questions to the review."""
        raise NotImplementedError

    # ------------------------------------------------------------------ before running

    def estimate(
        self, review_id: int, cells: Sequence[CellKey] | None = None, *, offline: bool = False
    ) -> ReviewEstimate:
        """What running ``cells`` (None: every cell not answered yet) will cost: count_tokens once per
        file and model (cached), × its questions; batch price beside interactive price. ``offline``:
        no counting, no prices (tokens from file sizes only)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ as a batch

    def submit_batch(self, review_id: int, cells: Sequence[CellKey] | None = None) -> SubmitResult:
        """Writes the batch (requests, custom_id -> cell) to the catalog, marks the cells QUEUED, then
        sends it (split over 100,000 requests or 256 MB). ``cells`` None: every cell not answered yet.
        Raises ReviewError: NO_FILES, NO_QUESTIONS, NO_FILE_USABLE, REJECTED (400; the cells are
        ERRORED with the API's reason), PERMISSION (403), NETWORK (the batch stays PREPARING and is sent
        again by ``resume``)."""
        raise NotImplementedError

    def open_batches(self, review_id: int | None = None) -> list[ReviewBatch]:
        """Batches not read yet (PREPARING, SENT, CANCELING, ENDED), oldest first: poll them after a start."""
        raise NotImplementedError

    def resume(self, batch_row_id: int) -> ReviewBatch:
        """Sends a batch left PREPARING by a crash or a network failure (its requests as written)."""
        raise NotImplementedError

    def poll(self, batch_id: str) -> BatchProgress:
        """Retrieves the batch once and records its counts and status. NETWORK while the network is
        down (the batch is unchanged; poll again later: ``PollBackoff.failed``)."""
        raise NotImplementedError

    def cancel_batch(self, batch_id: str) -> BatchProgress:
        """Asks the API to cancel; requests not yet run end CANCELED when the batch ends."""
        raise NotImplementedError

    def read_results(self, batch_id: str, cancel: CancelToken | None = None) -> Iterator[list[Cell]]:
        """Streams the results JSONL into the catalog (only once the batch ended: NOT_ENDED before),
        yielding the filled cells in chunks as they are written. Idempotent: reading again rewrites the
        same cells. The batch becomes READ at the end."""
        raise NotImplementedError

    # ------------------------------------------------------------------ now (interactive)

    def run_now(
        self,
        review_id: int,
        cells: Sequence[CellKey] | None = None,
        *,
        on_cell: CellCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[Cell]:
        """Runs ``cells`` (None: every cell not answered yet) now at full price, ``parallel`` at a time;
        yields each cell as it changes (RUNNING, then its end state) and calls ``on_cell`` too. A cancel
        leaves cells not started EMPTY and those running CANCELED."""
        raise NotImplementedError

    def failed_cells(self, review_id: int) -> list[CellKey]:
        """Cells that "Re-run failed" runs again: errored, expired, canceled, file gone."""
        raise NotImplementedError

    # ------------------------------------------------------------------ after

    def cost(self, review_id: int) -> ReviewCost:
        """From the cells' real usage: at the price each ran at, and what it would have cost interactively."""
        raise NotImplementedError

    def export(self, review_id: int, path: Path) -> Path:
        """Writes the grid to ``path`` as CSV, XLSX or Markdown by its suffix (see ``review.export``)."""
        raise NotImplementedError
