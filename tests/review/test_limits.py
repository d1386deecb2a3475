"""Files the model cannot take whole, images, and PDFs cited by page (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.review import AnswerType, CellState, QuestionSpec, ReviewService
from assistant.review.requests import IMAGE_NOTE
from tests.helpers_pdf import make_pdf
from tests.sandbox.helpers import make_png

from .conftest import MODEL, NOTICE

SMALL_CONTEXT_MODEL = "claude-haiku-5-5"  # 200,000 tokens in the sandbox, as GET /v1/models says


def test_file_over_the_context_window(
    reviews: ReviewService, contracts: list[int], files: Any, tmp_path: Path
) -> None:
    huge = tmp_path / "huge-annex.txt"
    line = "Annex line. The supplier keeps spare parts for ten years after the last delivery of goods.\n"
    huge.write_text(line * 9_000, encoding="utf-8")
    big = files.upload(huge).record.id
    review = reviews.create_review("Limits", SMALL_CONTEXT_MODEL, [contracts[0], big], [NOTICE])
    estimate = reviews.estimate(review.id)
    over = [f for f in estimate.files if f.over_context]
    assert [f.file_row_id for f in over] == [big]
    assert over[0].problem and "context window" in over[0].problem and "huge-annex.txt" in over[0].problem
    assert estimate.requests == 1 and len(estimate.skipped) == 1
    submitted = reviews.submit_batch(review.id)
    assert submitted.queued == 1 and [k.file_row_id for k in submitted.skipped] == [big]
    cell = reviews.grid(review.id).cell(big, review.questions[0].id)
    assert cell.state is CellState.ERRORED and "larger window" in (cell.why or "")


def test_image_is_sent_as_an_image_and_says_so(reviews: ReviewService, files: Any, tmp_path: Path) -> None:
    photo = tmp_path / "signed-page.png"
    photo.write_bytes(make_png(64, 48))
    row = files.upload(photo).record.id
    review = reviews.create_review("Images", MODEL, [row], [QuestionSpec("Is it signed?", AnswerType.YES_NO)])
    assert "1 image is read as an image: no citations." in reviews.estimate(review.id).notes
    (cell,) = [c for c in reviews.run_now(review.id) if not c.state.pending]
    assert cell.state is CellState.NOT_ANSWERED and IMAGE_NOTE in (cell.why or "") and cell.citations == ()
    assert reviews.grid(review.id).rows[0].is_image


def test_pdf_quote_names_its_page(reviews: ReviewService, files: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "policy.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                ["Remote work policy.", "This policy applies to every employee of Harbour Foods."],
                [
                    "Scope.",
                    "Remote work is allowed for up to three days each week with the approval of a manager.",
                ],
            ]
        )
    )
    row = files.upload(pdf).record.id
    question = QuestionSpec("Is remote work allowed?", AnswerType.YES_NO)
    review = reviews.create_review("Policies", MODEL, [row], [question])
    (cell,) = [c for c in reviews.run_now(review.id) if not c.state.pending]
    assert cell.value == "Yes" and cell.quote is not None
    assert cell.quote_label.endswith("(p. 2)") and "three days" in cell.quote_label
