"""What the review services hand the UI: the catalog's grid records (re-exported) and the results of
estimating, submitting and costing a review (frozen dataclasses, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.catalog import FileRecord, Usage
from assistant.catalog.review_records import (
    AnswerType,
    BatchProgress,
    BatchStatus,
    Cell,
    CellKey,
    CellState,
    Question,
    QuestionSet,
    QuestionSpec,
    Review,
    ReviewBatch,
    RunMode,
)

__all__ = [
    "AnswerType",
    "BatchProgress",
    "BatchStatus",
    "Cell",
    "CellKey",
    "CellState",
    "FileEstimate",
    "GridRow",
    "Question",
    "QuestionSet",
    "QuestionSpec",
    "Review",
    "ReviewBatch",
    "ReviewCost",
    "ReviewEstimate",
    "ReviewGrid",
    "RunMode",
    "SubmitResult",
]


@dataclass(frozen=True)
class GridRow:
    """A row of the grid: the file's row id, the name the user knows it by, its record (None: the row
    was removed from the catalog), and whether its remote copy is gone (expired or deleted: Renew)."""

    file_row_id: int
    name: str
    record: FileRecord | None
    gone: bool = False
    is_image: bool = False


@dataclass(frozen=True)
class ReviewGrid:
    """Everything the view shows, read in one worker call: the review, its rows in order, its cells
    (keyed by ``CellKey``; a cell never run is absent: show it EMPTY) and the batches still open."""

    review: Review
    rows: tuple[GridRow, ...]
    cells: dict[CellKey, Cell]
    open_batches: tuple[ReviewBatch, ...] = ()

    def cell(self, file_row_id: int, question_id: int) -> Cell:
        key = CellKey(file_row_id, question_id)
        return self.cells.get(key) or Cell(self.review.id, file_row_id, question_id)


@dataclass(frozen=True)
class FileEstimate:
    """One file's share: its tokens (the document and the prompt around it, counted once per file and
    model and cached), and whether it fits the model's context window."""

    file_row_id: int
    tokens: int | None  # None: not counted (offline, or counting failed)
    over_context: bool = False
    problem: str | None = None  # why it cannot run ("gone", "over the context window"...)


@dataclass(frozen=True)
class ReviewEstimate:
    """What a run will cost before it is sent.

    ``requests``: cells that will be sent (one request per cell); ``input_tokens``: their input in total
    (a file's tokens × its questions); ``output_tokens``: the answer-length cap × requests (the upper
    end). ``batch_usd`` / ``interactive_usd``: the price at the batch discount (50%) and interactively,
    each with the document written to the cache by the file's first question and read by the others;
    None when the model has no price (``price_known`` False). ``counted`` False: offline or counting
    failed, the figures are token-free guesses and the prices None. ``batches``: how many batches the
    requests need (over 100,000 requests or 256 MB it is split: ``split_note`` says so)."""

    requests: int
    input_tokens: int
    output_tokens: int
    batch_usd: float | None
    interactive_usd: float | None
    counted: bool = True
    price_known: bool = True
    batches: int = 1
    split_note: str | None = None
    files: tuple[FileEstimate, ...] = ()
    skipped: tuple[CellKey, ...] = ()  # cells that will not be sent (file gone, over context)
    notes: tuple[str, ...] = ()  # e.g. "2 images are read as images: no citations."

    @property
    def saving_usd(self) -> float | None:
        if self.batch_usd is None or self.interactive_usd is None:
            return None
        return self.interactive_usd - self.batch_usd


@dataclass(frozen=True)
class SubmitResult:
    """What ``submit_batch`` did: the batches it wrote and sent (several when split), the cells it did
    not send (file gone, over context: their cells say why), and a note when it had to split."""

    batches: tuple[ReviewBatch, ...]
    queued: int
    skipped: tuple[CellKey, ...] = ()
    split_note: str | None = None


@dataclass(frozen=True)
class ReviewCost:
    """What a review cost, from the results' real usage: ``actual_usd`` at the price each cell ran at
    (batch cells at half price), ``interactive_usd`` the same usage at the interactive price.
    ``cells``: cells with usage; ``unpriced``: of them, those whose model has no price."""

    actual_usd: float
    interactive_usd: float
    cells: int
    unpriced: int = 0
    usage: Usage = field(default_factory=Usage)

    @property
    def saved_usd(self) -> float:
        return self.interactive_usd - self.actual_usd
