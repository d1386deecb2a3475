"""What every part of ``ReviewService`` shares: its transport, catalog, prices, and looking things up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assistant.api.pricing import PriceList, load_prices
from assistant.catalog import FileRecord, Store
from assistant.catalog.identity import known_name
from assistant.catalog.review_records import AnswerType, CellKey, CellState, QuestionSpec, Review
from assistant.review.errors import ReviewError, ReviewProblem

if TYPE_CHECKING:
    import anthropic

__all__ = ["ServiceBase", "clean_spec", "over_context_reason"]


def clean_spec(spec: QuestionSpec) -> QuestionSpec:
    """The question with its text and categories trimmed; EMPTY_QUESTION when there is nothing to ask."""
    text = spec.text.strip()
    if not text:
        raise ReviewError.local(
            ReviewProblem.EMPTY_QUESTION, "The question is empty. Write what you want to know of each file."
        )
    categories = tuple(dict.fromkeys(c.strip() for c in spec.categories if c.strip()))
    if spec.type is AnswerType.CATEGORY and len(categories) < 2:
        raise ReviewError.local(
            ReviewProblem.EMPTY_QUESTION,
            f"“{text}” answers with a category, but it has {len(categories) or 'no'} categor"
            f"{'y' if len(categories) == 1 else 'ies'}. Give at least two to choose from, or pick another "
            "answer type.",
        )
    return QuestionSpec(text, spec.type, categories if spec.type is AnswerType.CATEGORY else ())


_RUNNING: dict[int, set[CellKey]] = {}
_RUNNING_LOCK = threading.Lock()

QUESTION_ROOM = 256
"""Tokens left for a question and its instruction when judging a file against the context window."""


def over_context_reason(record: FileRecord, tokens: int, model: str, limit: int) -> str:
    return (
        f"{known_name(record)} is {tokens:,} tokens, over {model}'s {limit:,}-token context window. Choose a "
        "model with a larger window, or split the file."
    )


class ServiceBase:
    max_batch_requests = 100_000
    """Requests per batch (the API's limit); more are split over several batches."""
    max_batch_bytes = 256 * 1_000_000 - 1_000_000
    """Bytes per batch body (the API's 256 MB, less room for the envelope); more are split."""

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
        self._parallel = max(1, parallel)
        self._clock = clock
        self._token_cache: dict[tuple[Any, ...], int] = {}  # token counts per file / question and model
        self._token_lock = threading.Lock()
        # cells running now (interactive) in this process, shared by every service on this catalog (a
        # service built again after a reconnect must not call another's running cells stale)
        with _RUNNING_LOCK:
            self._running: set[CellKey] = _RUNNING.setdefault(id(store), set())
        self._running_lock = _RUNNING_LOCK

    @property
    def prices(self) -> PriceList:
        return self._prices or load_prices()

    def _over_context(self, record: FileRecord, model: str) -> str | None:
        """Why this file cannot fit the model's context window, from counts already made (``estimate``);
        None when it fits or nobody counted it (the API then answers the request with an error)."""
        tokens = self._token_cache.get(("file", record.id, record.file_id, model))
        limit = self._token_cache.get(("context", model))
        if tokens is None or not limit or tokens + QUESTION_ROOM + self._max_tokens <= limit:
            return None
        return over_context_reason(record, tokens, model, limit)

    def _review(self, review_id: int) -> Review:
        review = self._store.get_review(review_id)
        if review is None:
            raise ReviewError.local(
                ReviewProblem.NO_REVIEW, "This review no longer exists (it was deleted). Start a new one."
            )
        return review

    def _records(self, review: Review) -> dict[int, FileRecord | None]:
        return {row_id: self._store.get_file(row_id) for row_id in review.file_ids}

    def _runnable(self, review: Review) -> None:
        if not review.file_ids:
            raise ReviewError.local(
                ReviewProblem.NO_FILES, "The review has no files. Add the files to review, then run it."
            )
        if not review.questions:
            raise ReviewError.local(
                ReviewProblem.NO_QUESTIONS, "The review has no questions. Write at least one, then run it."
            )

    def _keys(self, review: Review, cells: Sequence[CellKey] | None) -> list[CellKey]:
        """The cells to run, in grid order: ``cells`` that are in the grid, or every cell not answered
        and not waiting for an answer."""
        in_grid = [CellKey(f, q.id) for f in review.file_ids for q in review.questions]
        if cells is not None:
            wanted = set(cells)
            return [k for k in in_grid if k in wanted]
        stored = {c.key: c.state for c in self._store.list_cells(review.id)}
        skip = {CellState.ANSWERED, CellState.NOT_ANSWERED, CellState.QUEUED, CellState.RUNNING}
        return [k for k in in_grid if stored.get(k, CellState.EMPTY) not in skip]
