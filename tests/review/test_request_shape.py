"""The request shape of a cell, measured on the sandbox (issue 11): one request per cell, the document
first with citations and a cache breakpoint, so a file's other questions read it from the cache.

The figures printed here are the ones quoted in ``assistant/review/requests.py``."""

from __future__ import annotations

from assistant.catalog import Store
from assistant.review import AnswerType, CellState, QuestionSpec, ReviewService

from .conftest import MODEL, wait_ended

FIVE = [
    QuestionSpec("What is the notice period for termination?", AnswerType.NUMBER),
    QuestionSpec("What is the liability cap amount?", AnswerType.AMOUNT),
    QuestionSpec("When was the agreement signed?", AnswerType.DATE),
    QuestionSpec("Does the buyer inspect the goods?", AnswerType.YES_NO),
    QuestionSpec("Who is the supplier?", AnswerType.TEXT),
]


def test_document_cached_across_a_files_questions(
    reviews: ReviewService, contracts: list[int], store: Store
) -> None:
    review = reviews.create_review("Shape", MODEL, contracts[:1], FIVE)
    record = store.get_file(contracts[0])
    assert record is not None
    prefix = reviews.file_tokens(record, MODEL)
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    wait_ended(reviews, batch.batch_id)
    list(reviews.read_results(batch.batch_id))
    order = {q.id: i for i, q in enumerate(review.questions)}
    cells = sorted(reviews.cells(review.id), key=lambda c: order[c.question_id])
    assert all(c.state is CellState.ANSWERED and c.citations for c in cells)
    usages = [c.usage for c in cells]
    assert all(u is not None for u in usages)
    first, *rest = [u for u in usages if u is not None]
    assert first.cache_write_1h_tokens > 0 and first.cache_read_input_tokens == 0
    assert all(u.cache_read_input_tokens == first.cache_write_1h_tokens for u in rest)
    assert all(u.cache_creation_input_tokens == 0 for u in rest)
    per_cell = [u.total_input_tokens for u in (first, *rest)]
    cached = first.cache_write_1h_tokens
    units_cached = cached * 2 + len(rest) * cached * 0.1 + sum(t - cached for t in per_cell)
    units_plain = sum(per_cell)
    print(
        f"\nrequest shape: document prefix {prefix:,} tokens (count_tokens); per cell {per_cell} input "
        f"tokens; cache write 1h {cached:,} then {len(rest)} reads of {cached:,}; input-price units "
        f"{units_cached:,.0f} cached vs {units_plain:,} uncached ({units_cached / units_plain - 1:+.0%})"
    )
    assert units_cached < units_plain * 0.6
