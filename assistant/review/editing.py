"""The review's catalog side: reviews, questions, question sets, the grid, re-run lists, cost, export."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from assistant.catalog import FileState, Usage
from assistant.catalog.identity import known_name
from assistant.catalog.review_records import (
    Cell,
    CellKey,
    Question,
    QuestionSet,
    QuestionSpec,
    Review,
)
from assistant.review.base import ServiceBase, clean_spec
from assistant.review.errors import ReviewError, ReviewProblem
from assistant.review.export import export_grid
from assistant.review.records import GridRow, ReviewCost, ReviewGrid

__all__ = ["ReviewEditing"]


class ReviewEditing(ServiceBase):
    # ------------------------------------------------------------------ reviews

    def create_review(
        self, title: str, model: str, file_row_ids: Sequence[int], questions: Sequence[QuestionSpec] = ()
    ) -> Review:
        """A new review over these files (rows, in this order; duplicates dropped). No files: NO_FILES;
        an empty question: EMPTY_QUESTION."""
        if not file_row_ids:
            raise ReviewError.local(
                ReviewProblem.NO_FILES,
                "Choose at least one file to review (select files, then Review these…).",
            )
        specs = [clean_spec(q) for q in questions]
        return self._store.create_review(title.strip() or "Review", model, file_row_ids, specs)

    def get_review(self, review_id: int) -> Review:
        """The review (NO_REVIEW when deleted)."""
        return self._review(review_id)

    def list_reviews(self) -> list[Review]:
        """Most recently updated first."""
        return self._store.list_reviews()

    def rename_review(self, review_id: int, title: str) -> Review:
        self._review(review_id)
        self._store.update_review(review_id, title=title.strip() or "Review")
        return self._review(review_id)

    def set_model(self, review_id: int, model: str) -> Review:
        self._review(review_id)
        self._store.update_review(review_id, model=model)
        return self._review(review_id)

    def set_files(self, review_id: int, file_row_ids: Sequence[int]) -> Review:
        """The rows, in this order; cells of removed files are deleted, others kept."""
        self._review(review_id)
        self._store.set_review_files(review_id, file_row_ids)
        return self._review(review_id)

    def delete_review(self, review_id: int) -> None:
        """Deletes the review, its questions, cells and batch records (open batches are cancelled first,
        best effort)."""
        for batch in self._store.list_review_batches(review_id, open_only=True):
            if batch.batch_id is not None:
                with contextlib.suppress(Exception):
                    self._client.messages.batches.cancel(batch.batch_id)
        self._store.delete_review(review_id)

    def grid(self, review_id: int) -> ReviewGrid:
        """The review, its rows (names, gone files) and its cells, in one read."""
        review = self._review(review_id)
        rows = []
        for row_id, record in self._records(review).items():
            name = known_name(record) if record is not None else f"(file {row_id} removed)"
            gone = record is None or record.state is not FileState.ACTIVE
            rows.append(GridRow(row_id, name, record, gone, record is not None and record.is_image))
        cells = {c.key: c for c in self._store.list_cells(review_id)}
        return ReviewGrid(
            review, tuple(rows), cells, tuple(self._store.list_review_batches(review_id, open_only=True))
        )

    def cells(self, review_id: int) -> list[Cell]:
        return self._store.list_cells(review_id)

    # ------------------------------------------------------------------ questions

    def add_question(self, review_id: int, spec: QuestionSpec, position: int | None = None) -> Question:
        """Appends (or inserts at ``position``). Empty text, or CATEGORY without categories:
        EMPTY_QUESTION."""
        spec = clean_spec(spec)
        self._review(review_id)
        return self._store.add_review_question(review_id, spec, position)

    def update_question(self, question_id: int, spec: QuestionSpec) -> Question:
        """Edits a question; its cells go back to EMPTY when the text, type or categories changed."""
        question = self._store.update_review_question(question_id, clean_spec(spec))
        if question is None:
            raise ReviewError.local(ReviewProblem.NO_REVIEW, "This question no longer exists.")
        return question

    def reorder_questions(self, review_id: int, question_ids: Sequence[int]) -> Review:
        """The columns in this order (every question id of the review, once)."""
        self._review(review_id)
        try:
            self._store.reorder_review_questions(review_id, question_ids)
        except ValueError:
            raise ReviewError.local(
                ReviewProblem.NO_REVIEW, "The questions changed meanwhile; reload the review and try again."
            ) from None
        return self._review(review_id)

    def remove_question(self, question_id: int) -> Review:
        """Removes a column and its cells."""
        review_id = self._store.remove_review_question(question_id)
        if review_id is None:
            raise ReviewError.local(ReviewProblem.NO_REVIEW, "This question no longer exists.")
        return self._review(review_id)

    # ------------------------------------------------------------------ question sets

    def save_question_set(self, name: str, questions: Sequence[QuestionSpec]) -> QuestionSet:
        """Saves (or replaces) the set called ``name``."""
        if not name.strip():
            raise ReviewError.local(ReviewProblem.EMPTY_QUESTION, "Give the question set a name to save it.")
        specs = [clean_spec(q) for q in questions]
        if not specs:
            raise ReviewError.local(ReviewProblem.NO_QUESTIONS, "A question set needs at least one question.")
        return self._store.save_question_set(name.strip(), specs)

    def list_question_sets(self) -> list[QuestionSet]:
        """By name."""
        return self._store.list_question_sets()

    def load_question_set(self, name: str) -> QuestionSet | None:
        return self._store.get_question_set(name.strip())

    def delete_question_set(self, name: str) -> None:
        self._store.delete_question_set(name.strip())

    def apply_question_set(self, review_id: int, name: str) -> Review:
        """Appends the set's questions to the review."""
        saved = self.load_question_set(name)
        if saved is None:
            raise ReviewError.local(ReviewProblem.NO_REVIEW, f"There is no question set called “{name}”.")
        for spec in saved.questions:
            self._store.add_review_question(review_id, spec)
        return self._review(review_id)

    # ------------------------------------------------------------------ after

    def failed_cells(self, review_id: int) -> list[CellKey]:
        """Cells that "Re-run failed" runs again: errored, expired, canceled, file gone."""
        review = self._review(review_id)
        failed = {c.key for c in self._store.list_cells(review_id) if c.state.failed}
        return self._keys(review, list(failed))

    def cost(self, review_id: int) -> ReviewCost:
        """From the cells' real usage: at the price each ran at, and what it would have cost interactively."""
        self._review(review_id)
        actual = interactive = 0.0
        counted = unpriced = 0
        total = Usage()
        for cell in self._store.list_cells(review_id):
            if cell.usage is None:
                continue
            counted += 1
            total = Usage(**{k: getattr(total, k) + getattr(cell.usage, k) for k in total.to_json()})
            if cell.cost_usd is None or cell.interactive_cost_usd is None:
                unpriced += 1
                continue
            actual += cell.cost_usd
            interactive += cell.interactive_cost_usd
        return ReviewCost(actual, interactive, counted, unpriced, total)

    def export(self, review_id: int, path: Path, order: Sequence[int] | None = None) -> Path:
        """Writes the grid to ``path`` as CSV, XLSX or Markdown by its suffix (see ``review.export``),
        its rows in ``order`` (file row ids, as the view shows them) or else the catalog's order."""
        return export_grid(self.grid(review_id), Path(path), order)
