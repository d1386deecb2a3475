"""How one cell's request is built, and how its answer is read back.

The shape: ONE REQUEST PER CELL. The constant review system prompt, then one user message whose first
block is the file (a ``document`` block with ``citations`` on, titled with the name the user knows,
built by ``assistant.api.chat.file_block`` exactly as the chat builds it) carrying a ``cache_control``
breakpoint, then the question with its answer type's instruction (``answers.instruction``). Images go
as ``image`` blocks (the API gives no citations for them: the cell says so).

Why this shape, not one request per file asking every question at once:
* citations stay on and belong to one answer: each cell gets its own supporting quotes, and its own
  typed first line to parse; one multi-question answer would have to be split, and a failure (or
  ``max_tokens``) would lose every question of the file;
* the document is a byte-identical prefix (system + document) for every question of the file, so the
  first question writes it to the prompt cache and the others read it at 0.1x the input price;
* a cell can be re-run alone, as a batch or now, without paying for the other questions again;
* a batch's results come in no fixed order and caching inside a batch is best-effort: the breakpoint is
  written with the 1-hour TTL (the Batch API docs advise it for context shared across requests); run
  now uses the 5-minute TTL, since the file's other questions follow its first at once.

Measured against the sandbox (tests/review/test_request_shape.py prints them; run it with -s): a
supplier contract sent as text (7.7 KB; system prompt + document = 2,237 tokens) with 5 questions of
five answer types, as one batch: 2,319-2,338 input tokens per cell (count_tokens: 2,244 for the prefix
with a one-character question). The first cell writes 2,237 tokens to the 1-hour cache, the four others
read those 2,237 each and pay plain input only for their ~90-token question. In input-price units:
2,237 x 2 + 4 x 2,237 x 0.1 + 456 = 5,825 instead of 11,641 uncached (-50%), and the batch discount
halves that again. The saving grows with the document and the number of questions (for Q questions of
a D-token document, about (2 + 0.1(Q-1)) / Q of the uncached input).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.api.chat import file_block
from assistant.api.parse import citation_from_api, on_pages, usage_from_api
from assistant.catalog import Citation, FileRecord, FileState, Usage
from assistant.catalog.identity import known_name
from assistant.catalog.review_records import CellKey, Question
from assistant.review.answers import instruction

__all__ = ["REVIEW_SYSTEM", "ReadAnswer", "cell_params", "custom_id", "gone_reason", "read_message"]

REVIEW_SYSTEM = (
    "You review one document at a time and answer one question about it. Base the answer only on the "
    "document, cite the passages you rely on, and say when the document does not answer the question."
)
IMAGE_NOTE = "Read as an image: the API gives no citations for images."


def custom_id(key: CellKey) -> str:
    """The request's id inside its batch (1-64 of [A-Za-z0-9_-]); the catalog maps it back."""
    return f"f{key.file_row_id}-q{key.question_id}"


def gone_reason(record: FileRecord | None) -> str | None:
    """Why this file cannot be sent (expired, deleted, missing), with what to do; None when it can."""
    if record is None:
        return "The file was removed from the catalog. Remove its row from the review."
    if record.state is FileState.ACTIVE:
        return None
    name = known_name(record)
    if record.state is FileState.EXPIRED:
        return f"{name} expired on the server before the request was sent. Renew it, then re-run the cell."
    return f"{name} is no longer on the server (deleted). Renew or upload it again, then re-run the cell."


def cell_params(
    model: str, record: FileRecord, question: Question, *, max_tokens: int, ttl: str = "1h"
) -> dict[str, Any]:
    """The Messages params of one cell (raises ApiFailure for a file type the API cannot read)."""
    block = file_block(record)
    block["cache_control"] = {"type": "ephemeral", "ttl": ttl}
    return {
        "model": model,
        "max_tokens": max_tokens,
        "system": REVIEW_SYSTEM,
        "messages": [{"role": "user", "content": [block, {"type": "text", "text": instruction(question)}]}],
    }


class ReadAnswer:
    """A Message read into a cell's parts: ``text``, ``citations`` (offsets into ``text``), ``usage``,
    ``stop_reason``."""

    def __init__(self, text: str, citations: tuple[Citation, ...], usage: Usage, stop_reason: str | None):
        self.text = text
        self.citations = citations
        self.usage = usage
        self.stop_reason = stop_reason


def read_message(message: Any, page_starts: tuple[int, ...] = ()) -> ReadAnswer:
    """An SDK Message (or its dict): the text blocks joined, each citation placed where its block starts
    (as the chat places them), PDFs sent as text cited by page."""
    data: dict[str, Any] = message if isinstance(message, dict) else message.model_dump()
    text = ""
    citations: list[Citation] = []
    for block in data.get("content") or ():
        if block.get("type") != "text":
            continue
        for raw in block.get("citations") or ():
            citation = citation_from_api(raw)
            if citation is not None:
                citation = on_pages(citation, page_starts) if page_starts else citation
                citations.append(replace(citation, answer_offset=len(text)))
        text += str(block.get("text") or "")
    return ReadAnswer(
        text, tuple(citations), usage_from_api(data.get("usage") or {}), data.get("stop_reason")
    )
