"""The review grid's records (questions × files, issue 11): enums and frozen dataclasses, stdlib only.

They live in the catalog (the lowest layer) because the catalog stores and returns them; the review
services (``assistant.review``) re-export every name, so the UI imports them from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from assistant.catalog.records import Citation, CitationKind, Usage

__all__ = [
    "AnswerType",
    "BatchProgress",
    "BatchRequest",
    "BatchStatus",
    "Cell",
    "CellKey",
    "CellState",
    "Question",
    "QuestionSet",
    "QuestionSpec",
    "Review",
    "ReviewBatch",
    "RunMode",
]


class AnswerType(StrEnum):
    """What kind of value a question's cells hold (the model is asked to open its answer so)."""

    TEXT = "text"  # free text
    YES_NO = "yes_no"  # "Yes" / "No"
    NUMBER = "number"  # "14", "2.5"
    DATE = "date"  # ISO "2025-03-31"
    AMOUNT = "amount"  # amount with currency: "EUR 2,000,000"
    EXTRACT = "extract"  # a short verbatim extract
    CATEGORY = "category"  # one of ``Question.categories``

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    AnswerType.TEXT: "Free text",
    AnswerType.YES_NO: "Yes / No",
    AnswerType.NUMBER: "Number",
    AnswerType.DATE: "Date",
    AnswerType.AMOUNT: "Amount with currency",
    AnswerType.EXTRACT: "Short extract",
    AnswerType.CATEGORY: "Category",
}


class CellState(StrEnum):
    EMPTY = "empty"  # never run
    QUEUED = "queued"  # in a batch that has been sent (or is being sent)
    RUNNING = "running"  # running now (interactive)
    ANSWERED = "answered"  # a typed value
    NOT_ANSWERED = "not_answered"  # the document does not say ("not stated")
    ERRORED = "errored"  # the API answered this request with an error
    EXPIRED = "expired"  # the batch reached its 24 h limit before this request ran
    CANCELED = "canceled"  # the batch was cancelled before this request ran
    FILE_GONE = "file_gone"  # the file expired or was deleted on the server (Renew, then re-run)

    @property
    def failed(self) -> bool:
        """Re-runnable by "Re-run failed": errored, expired, cancelled or file gone."""
        return self in _FAILED

    @property
    def pending(self) -> bool:
        return self in (CellState.QUEUED, CellState.RUNNING)

    @property
    def done(self) -> bool:
        return self in (CellState.ANSWERED, CellState.NOT_ANSWERED)


_FAILED = frozenset({CellState.ERRORED, CellState.EXPIRED, CellState.CANCELED, CellState.FILE_GONE})


class RunMode(StrEnum):
    BATCH = "batch"  # Message Batches API, half price, asynchronous
    NOW = "now"  # interactive Messages API, full price


class BatchStatus(StrEnum):
    """A batch as the catalog knows it. PREPARING: its requests are written, it is not sent yet (a
    crash here leaves it so; ``ReviewService.open_batches`` sends it again or fails it). SENT: the API
    took it (``batch_id`` known). ENDED: the API says ended; results not read yet. READ: results read
    into the cells. FAILED: the API refused it (``error`` says why; its cells are errored)."""

    PREPARING = "preparing"
    SENT = "sent"
    CANCELING = "canceling"
    ENDED = "ended"
    READ = "read"
    FAILED = "failed"

    @property
    def open(self) -> bool:
        return self in (BatchStatus.PREPARING, BatchStatus.SENT, BatchStatus.CANCELING, BatchStatus.ENDED)


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the user writes it (no id): the text, the answer type, the categories (CATEGORY)."""

    text: str
    type: AnswerType = AnswerType.TEXT
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question of a review (a column). ``id`` is stable across edits and reorders."""

    id: int
    review_id: int
    text: str
    type: AnswerType = AnswerType.TEXT
    categories: tuple[str, ...] = ()

    @property
    def spec(self) -> QuestionSpec:
        return QuestionSpec(self.text, self.type, self.categories)


@dataclass(frozen=True)
class QuestionSet:
    """A saved, reusable list of questions ("Supplier contract checks"), found by its unique name."""

    id: int
    name: str
    questions: tuple[QuestionSpec, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Review:
    """A grid: ``file_ids`` (catalog file row ids, the rows, in order) × ``questions`` (the columns)."""

    id: int
    title: str
    model: str
    file_ids: tuple[int, ...]
    questions: tuple[Question, ...]
    created_at: datetime
    updated_at: datetime

    def question(self, question_id: int) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def size(self) -> int:
        """Number of cells (requests when every cell runs)."""
        return len(self.file_ids) * len(self.questions)


@dataclass(frozen=True)
class CellKey:
    """Which cell: the row (file row id) and the column (question id)."""

    file_row_id: int
    question_id: int


@dataclass(frozen=True)
class Cell:
    """One cell of the grid, as stored.

    ``value``: the typed value as shown ("Yes", "14", "2025-03-31", "EUR 2,000,000", "not stated", a
    category); "" until answered. ``sort_value``: what the column sorts by (a float for numbers and
    amounts, the ISO date, the text otherwise; None when empty). ``answer``: the whole answer text,
    ``citations`` in the chat's shape (``catalog.Citation``, ``answer_offset`` into ``answer``).
    ``why``: one sentence on the state ("The document does not say.", the API's error and what to do,
    "Read as an image: no citations.", "memo.pdf expired on the server; renew it, then re-run.").
    ``cost_usd``: at the price it ran at (batch: half price); ``interactive_cost_usd``: the same usage
    at the interactive price. ``batch_id``/``custom_id``: the batch it was last sent in (None: never
    sent in a batch)."""

    review_id: int
    file_row_id: int
    question_id: int
    state: CellState = CellState.EMPTY
    value: str = ""
    sort_value: float | str | None = None
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    usage: Usage | None = None
    cost_usd: float | None = None
    interactive_cost_usd: float | None = None
    error: str | None = None
    why: str | None = None
    mode: RunMode | None = None
    batch_id: str | None = None
    custom_id: str | None = None
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def key(self) -> CellKey:
        return CellKey(self.file_row_id, self.question_id)

    @property
    def quote(self) -> Citation | None:
        """The supporting quote: the first citation, if any."""
        return self.citations[0] if self.citations else None

    @property
    def quote_label(self) -> str:
        """The supporting quote with its place, for a companion column: '"..." (p. 3)'; "" without one."""
        c = self.quote
        if c is None:
            return ""
        text = " ".join(c.cited_text.split())
        if c.kind is CitationKind.PAGE:
            last = max(c.start, c.end - 1)
            where = f"p. {c.start}" if last == c.start else f"pp. {c.start}-{last}"
        else:
            where = f"chars {c.start}-{c.end}"
        return f"\u201c{text}\u201d ({where})"


@dataclass(frozen=True)
class ReviewBatch:
    """A batch of a review in the catalog: written with its requests BEFORE it is sent.

    ``id``: the catalog's row; ``batch_id``: the API's id (None until the API took it); ``part`` of
    ``parts`` when a review had to be split (100,000 requests or 256 MB per batch)."""

    id: int
    review_id: int
    batch_id: str | None
    status: BatchStatus
    model: str
    request_count: int
    part: int
    parts: int
    created_at: datetime
    sent_at: datetime | None = None
    ended_at: datetime | None = None
    read_at: datetime | None = None
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class BatchRequest:
    """One request of a batch as written before sending: its custom_id, the cell it answers, and its
    params as the JSON text sent (a batch left unsent by a crash is sent again exactly so)."""

    custom_id: str
    file_row_id: int
    question_id: int
    params: str


@dataclass(frozen=True)
class BatchProgress:
    """One poll of a batch (``request_counts`` and ``processing_status`` as the API said them)."""

    batch_id: str
    review_id: int
    processing_status: str  # "in_progress" | "canceling" | "ended"
    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    canceled: int = 0
    expired: int = 0
    ended_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.processing + self.succeeded + self.errored + self.canceled + self.expired

    @property
    def finished(self) -> int:
        return self.total - self.processing

    @property
    def ended(self) -> bool:
        return self.processing_status == "ended"

    @property
    def label(self) -> str:
        """ "in progress: 4 of 6", "canceling: 4 of 6", "ended: 6 of 6 (1 errored)"."""
        status = self.processing_status.replace("_", " ")
        text = f"{status}: {self.finished} of {self.total}"
        extra = [
            f"{n} {what}"
            for n, what in ((self.errored, "errored"), (self.expired, "expired"), (self.canceled, "canceled"))
            if n
        ]
        return f"{text} ({', '.join(extra)})" if extra else text
