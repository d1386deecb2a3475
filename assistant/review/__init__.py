"""Review services (issue 11): questions × files as a grid, run as a Message Batch or now. No Qt.

May import the catalog and the API layer (``assistant.api``); never widgets. Blocking calls for workers.

    records.py   AnswerType, QuestionSpec, Question, QuestionSet, Review, CellState, CellKey, Cell, RunMode,
                 BatchStatus, ReviewBatch, BatchProgress (catalog records, re-exported); GridRow, ReviewGrid,
                 FileEstimate, ReviewEstimate, SubmitResult, ReviewCost
    errors.py    ReviewError (an ApiFailure with a ``problem``: ReviewProblem)
    service.py   ReviewService: reviews, questions, question sets, estimate, batch (submit, poll, cancel,
                 results), run now, re-run, cost, export
    requests.py  how one cell's request is built (why, with token figures)
    answers.py   the answer types' instructions and parsing the typed value back
    backoff.py   PollBackoff: when to poll next
    export.py    export_grid(grid, path): CSV / XLSX / Markdown by suffix
"""

from assistant.review.backoff import PollBackoff
from assistant.review.errors import ReviewError, ReviewProblem
from assistant.review.export import EXPORT_SUFFIXES, export_grid
from assistant.review.records import (
    AnswerType,
    BatchProgress,
    BatchStatus,
    Cell,
    CellKey,
    CellState,
    FileEstimate,
    GridRow,
    Question,
    QuestionSet,
    QuestionSpec,
    Review,
    ReviewBatch,
    ReviewCost,
    ReviewEstimate,
    ReviewGrid,
    RunMode,
    SubmitResult,
)
from assistant.review.service import ReviewService

__all__ = [
    "EXPORT_SUFFIXES",
    "AnswerType",
    "BatchProgress",
    "BatchStatus",
    "Cell",
    "CellKey",
    "CellState",
    "FileEstimate",
    "GridRow",
    "PollBackoff",
    "Question",
    "QuestionSet",
    "QuestionSpec",
    "Review",
    "ReviewBatch",
    "ReviewCost",
    "ReviewError",
    "ReviewEstimate",
    "ReviewGrid",
    "ReviewProblem",
    "ReviewService",
    "RunMode",
    "SubmitResult",
    "export_grid",
]
