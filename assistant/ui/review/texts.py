"""What the review view says: the cost before a run and after it, and the state of a run. Pure functions
of the services' records (no Qt), so they are tested without a window."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.api.pricing import format_usd
from assistant.review import BatchProgress, CellState, ReviewCost, ReviewEstimate, ReviewGrid
from assistant.ui.chat.format import format_tokens

__all__ = ["cost_after", "cost_before", "grid_summary", "in_flight", "progress_text"]

OFFLINE_WORDS = "tokens only (local sandbox: nothing is charged)"


def cost_before(e: ReviewEstimate, *, offline: bool, pending: int = 0) -> tuple[str, str]:
    """(the line, its tooltip) for what a run will cost."""
    requests = f"{e.requests:,} request{'s' if e.requests != 1 else ''}"
    tokens = f"{format_tokens(e.input_tokens)} input tokens"
    if e.requests == 0 and pending:
        return (
            f"Nothing more to run: {pending} cell{'s are' if pending != 1 else ' is'} queued or running.",
            "",
        )
    if e.requests == 0:
        return "Nothing to run: every cell has its answer.", ""
    if offline:
        line = f"≈ {tokens} · {requests} · {OFFLINE_WORDS}"
    elif not e.price_known or e.batch_usd is None or e.interactive_usd is None:
        line = (
            f"≈ {tokens} · {requests} · price unknown for this model"
            if e.counted
            else (f"≈ {tokens} (not counted) · {requests}")
        )
    else:
        line = (
            f"≈ {format_usd(e.batch_usd)} as a batch · {format_usd(e.interactive_usd)} if run now · "
            f"{requests} · {tokens}"
        )
    if e.batches > 1:
        line += f" · {e.batches} batches"
    tip = [
        f"Before running: {requests}, one per cell (the document first, cached for its other questions). "
        f"Input {format_tokens(e.input_tokens)} tokens"
        + (" counted with count_tokens, once per file" if e.counted else " estimated from the files' sizes")
        + f"; answers up to {format_tokens(e.output_tokens)} tokens in all.",
    ]
    if not offline and e.batch_usd is not None and e.interactive_usd is not None:
        tip.append(
            f"As a batch (half price): {format_usd(e.batch_usd)}. Run now (full price): "
            f"{format_usd(e.interactive_usd)}."
        )
    if offline:
        tip.append("Offline the local sandbox answers and nothing is charged, so no money is shown.")
    if e.split_note:
        tip.append(e.split_note)
    if e.skipped:
        tip.append(f"{len(e.skipped)} cells will not be sent (their file is gone or too large).")
    tip.extend(e.notes)
    return line, "\n".join(tip)


def cost_after(c: ReviewCost, *, offline: bool) -> tuple[str, str]:
    """(the line, its tooltip) for what a finished review cost, from its real usage."""
    u = c.usage
    used = f"{format_tokens(u.total_input_tokens)} input + {format_tokens(u.output_tokens)} output tokens"
    if offline:
        return f"Used {used} · {OFFLINE_WORDS}", f"{c.cells} answered cells."
    if c.cells and c.unpriced == c.cells:
        return f"Used {used} · price unknown for this model", f"{c.cells} answered cells."
    line = (
        f"Cost {format_usd(c.actual_usd)} · {format_usd(c.interactive_usd)} if run interactively "
        f"(saved {format_usd(c.saved_usd)})"
    )
    tip = (
        f"From the real usage of {c.cells} answered cells ({used}): {format_usd(c.actual_usd)} at the price "
        f"each ran at (batch cells at half price); the same usage run interactively: "
        f"{format_usd(c.interactive_usd)}."
    )
    if c.unpriced:
        tip += f" {c.unpriced} cells used a model without a price and are not counted."
    return line, tip


def in_flight(progresses: Iterable[BatchProgress], *, now: bool) -> tuple[str, str]:
    """(the line, its tooltip) while cells run: what is in flight, and when its cost is known."""
    batches = list(progresses)
    parts = []
    if batches:
        total = sum(p.total for p in batches)
        finished = sum(p.finished for p in batches)
        count = f"{len(batches)} batches" if len(batches) > 1 else "a batch"
        parts.append(f"{total:,} request{'s' if total != 1 else ''} in {count} ({finished:,} finished)")
    elif not now:
        parts.append("a batch (its counts follow)")
    if now:
        parts.append("cells asked now")
    line = "In flight: " + " and ".join(parts) + " · what it cost shows as the answers arrive"
    tip = (
        "A batch runs at half price at the API (most finish within an hour); Cancel stops the requests "
        "not yet run. What the review cost is read from the answers' real usage once they are in."
    )
    return line, tip


def progress_text(progresses: Iterable[BatchProgress]) -> str:
    """ "in progress: 4 of 6" for one batch; several are added up."""
    batches = list(progresses)
    if not batches:
        return ""
    if len(batches) == 1:
        return batches[0].label
    total = sum(p.total for p in batches)
    finished = sum(p.finished for p in batches)
    status = "ended" if all(p.ended for p in batches) else "in progress"
    return f"{status}: {finished} of {total} ({len(batches)} batches)"


def grid_summary(grid: ReviewGrid) -> str:
    """What the grid holds, when nothing runs: "3 files × 2 questions · 5 answered, 1 errored"."""
    rows, questions = len(grid.rows), len(grid.review.questions)
    head = f"{rows} file{'s' if rows != 1 else ''} × {questions} question{'s' if questions != 1 else ''}"
    counts: dict[CellState, int] = {}
    rows_ids = {r.file_row_id for r in grid.rows}
    question_ids = {q.id for q in grid.review.questions}
    for cell in grid.cells.values():  # one pass over the stored cells; those never run are EMPTY
        if cell.file_row_id in rows_ids and cell.question_id in question_ids:
            counts[cell.state] = counts.get(cell.state, 0) + 1
    counts[CellState.EMPTY] = counts.get(CellState.EMPTY, 0) + rows * questions - sum(counts.values())
    parts = [
        f"{counts[s]} {word}"
        for s, word in (
            (CellState.ANSWERED, "answered"),
            (CellState.NOT_ANSWERED, "not stated"),
            (CellState.QUEUED, "queued"),
            (CellState.RUNNING, "running"),
            (CellState.ERRORED, "errored"),
            (CellState.EXPIRED, "expired"),
            (CellState.CANCELED, "canceled"),
            (CellState.FILE_GONE, "file gone"),
            (CellState.EMPTY, "not run"),
        )
        if counts.get(s)
    ]
    return " · ".join([head, ", ".join(parts)]) if parts else head
