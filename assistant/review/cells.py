"""Turning an answer, an API error or a batch result into a cell (pure, except the price list)."""

from __future__ import annotations

from typing import Any

from assistant.api.errors import ApiFailure
from assistant.api.pricing import PriceList, turn_cost
from assistant.catalog import FileRecord, Usage
from assistant.catalog.review_records import Cell, CellKey, CellState, Question, RunMode
from assistant.review.answers import parse_answer
from assistant.review.requests import IMAGE_NOTE, read_message

__all__ = ["BATCH_DISCOUNT", "answered_cell", "costs", "failed_cell", "failure_cell", "result_cell"]

BATCH_DISCOUNT = 0.5
"""Batch requests cost half the interactive price (every token kind, cache reads and writes too)."""

EXPIRED_WHY = "The batch reached its 24-hour limit before this request ran. Re-run it (alone, or all failed)."
CANCELED_WHY = "The batch was cancelled before this request ran. Re-run it if you still need it."


def costs(
    usage: Usage, model: str, mode: RunMode, prices: PriceList | None
) -> tuple[float | None, float | None]:
    """(what it cost at the price it ran at, what it would have cost interactively); None: no price."""
    cost = turn_cost(usage, model, prices)
    if cost is None:
        return None, None
    actual = cost.total * (BATCH_DISCOUNT if mode is RunMode.BATCH else 1.0)
    return actual, cost.total


def answered_cell(
    review_id: int,
    key: CellKey,
    question: Question,
    record: FileRecord | None,
    message: Any,
    *,
    model: str,
    mode: RunMode,
    prices: PriceList | None,
    custom_id: str | None = None,
) -> Cell:
    """The cell of a successful Message: its typed value, whole answer, citations, usage and costs."""
    read = read_message(message, record.page_starts if record is not None else ())
    parsed = parse_answer(question, read.text)
    notes = []
    if not parsed.answered:
        notes.append("The document does not say.")
    if parsed.note:
        notes.append(parsed.note)
    if read.stop_reason == "max_tokens":
        notes.append("The answer was cut at the length limit.")
    if record is not None and record.is_image:
        notes.append(IMAGE_NOTE)
    actual, interactive = costs(read.usage, model, mode, prices)
    return Cell(
        review_id,
        key.file_row_id,
        key.question_id,
        CellState.ANSWERED if parsed.answered else CellState.NOT_ANSWERED,
        value=parsed.value,
        sort_value=parsed.sort_value,
        answer=read.text,
        citations=read.citations,
        usage=read.usage,
        cost_usd=actual,
        interactive_cost_usd=interactive,
        why=" ".join(notes) or None,
        mode=mode,
        custom_id=custom_id,
    )


def failed_cell(
    review_id: int,
    key: CellKey,
    state: CellState,
    why: str,
    *,
    mode: RunMode | None,
    error: str | None = None,
    custom_id: str | None = None,
) -> Cell:
    return Cell(
        review_id,
        key.file_row_id,
        key.question_id,
        state,
        error=error,
        why=why,
        mode=mode,
        custom_id=custom_id,
    )


def _error_cell(
    review_id: int, key: CellKey, error: dict[str, Any], mode: RunMode, custom_id: str | None
) -> Cell:
    kind = str(error.get("type") or "api_error")
    message = str(error.get("message") or "no message")
    lowered = message.lower()
    code = str((error.get("details") or {}).get("error_code") or "")
    if code == "file_expired" or (kind == "not_found_error" and "file" in lowered):
        why = (
            "The file was no longer on the server when the request ran (it expired or was deleted). "
            "Renew it, then re-run the cell."
        )
        return failed_cell(
            review_id, key, CellState.FILE_GONE, why, mode=mode, error=message, custom_id=custom_id
        )
    if "too long" in lowered or "context" in lowered:
        why = (
            f"The file is too long for this model's context window ({message}). Choose a model with a larger "
            "window, or split the file."
        )
    elif kind in ("overloaded_error", "api_error", "rate_limit_error", "timeout_error"):
        why = f"The API could not answer this request ({kind}: {message}). Re-run it."
    else:
        why = (
            f"The API refused this request ({kind}: {message}). Check the question and the file, then re-run."
        )
    return failed_cell(review_id, key, CellState.ERRORED, why, mode=mode, error=message, custom_id=custom_id)


def failure_cell(review_id: int, key: CellKey, failure: ApiFailure, mode: RunMode) -> Cell:
    """The cell of a request that failed interactively."""
    error = {"type": failure.kind, "message": failure.api_message or failure.message}
    if failure.kind in ("file_expired", "file_not_found"):
        error = {"type": "not_found_error", "message": f"file: {failure.message}"}
    cell = _error_cell(review_id, key, error, mode, None)
    if cell.state is CellState.ERRORED:
        return failed_cell(review_id, key, CellState.ERRORED, failure.message, mode=mode, error=str(failure))
    return cell


def result_cell(
    review_id: int,
    key: CellKey,
    question: Question,
    record: FileRecord | None,
    result: dict[str, Any],
    *,
    model: str,
    prices: PriceList | None,
    custom_id: str,
) -> Cell:
    """The cell of one line of a batch's results (``result``: the line's ``result`` object as a dict)."""
    kind = result.get("type")
    mode = RunMode.BATCH
    if kind == "succeeded":
        return answered_cell(
            review_id, key, question, record, result["message"], model=model, mode=mode, prices=prices,
            custom_id=custom_id,
        )  # fmt: skip
    if kind == "errored":
        error = (result.get("error") or {}).get("error") or {}
        return _error_cell(review_id, key, error, mode, custom_id)
    if kind == "expired":
        return failed_cell(review_id, key, CellState.EXPIRED, EXPIRED_WHY, mode=mode, custom_id=custom_id)
    return failed_cell(review_id, key, CellState.CANCELED, CANCELED_WHY, mode=mode, custom_id=custom_id)
