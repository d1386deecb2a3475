"""Questions, question sets and the grid, and what bad input says (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.review import AnswerType, QuestionSpec, ReviewError, ReviewProblem, ReviewService

from .conftest import CAP, MODEL, NOTICE


def test_questions_added_edited_reordered_removed(reviews: ReviewService, contracts: list[int]) -> None:
    review = reviews.create_review("  ", MODEL, contracts, [NOTICE])
    assert review.title == "Review"
    cap = reviews.add_question(review.id, CAP)
    kind = reviews.add_question(
        review.id,
        QuestionSpec(" Kind? ", AnswerType.CATEGORY, (" supply ", "service", "", "supply")),
        position=0,
    )
    assert kind.text == "Kind?" and kind.categories == ("supply", "service")
    notice_id = review.questions[0].id
    again = reviews.reorder_questions(review.id, [notice_id, cap.id, kind.id])
    assert [q.id for q in again.questions] == [notice_id, cap.id, kind.id]
    edited = reviews.update_question(cap.id, QuestionSpec("Cap?", AnswerType.AMOUNT))
    assert edited.text == "Cap?" and edited.id == cap.id
    after = reviews.remove_question(kind.id)
    assert [q.text for q in after.questions] == [NOTICE.text, "Cap?"]
    with pytest.raises(ReviewError) as stale:
        reviews.reorder_questions(review.id, [notice_id])
    assert stale.value.problem is ReviewProblem.NO_REVIEW


@pytest.mark.parametrize(
    "spec",
    [
        QuestionSpec("   "),
        QuestionSpec("Kind?", AnswerType.CATEGORY, ("only one",)),
        QuestionSpec("", AnswerType.DATE),
    ],
)
def test_empty_questions_are_refused_and_nothing_is_lost(
    reviews: ReviewService, contracts: list[int], spec: QuestionSpec
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    with pytest.raises(ReviewError) as empty:
        reviews.add_question(review.id, spec)
    assert empty.value.problem is ReviewProblem.EMPTY_QUESTION and empty.value.message
    with pytest.raises(ReviewError):
        reviews.update_question(review.questions[0].id, spec)
    assert [q.spec for q in reviews.get_review(review.id).questions] == [NOTICE]


def test_question_sets_reused(reviews: ReviewService, contracts: list[int]) -> None:
    reviews.save_question_set("Supplier contract checks", [NOTICE, CAP])
    assert [s.name for s in reviews.list_question_sets()] == ["Supplier contract checks"]
    review = reviews.create_review("Suppliers", MODEL, contracts)
    applied = reviews.apply_question_set(review.id, "Supplier contract checks")
    assert [q.spec for q in applied.questions] == [NOTICE, CAP]
    with pytest.raises(ReviewError):
        reviews.apply_question_set(review.id, "nope")
    reviews.delete_question_set("Supplier contract checks")
    assert reviews.load_question_set("Supplier contract checks") is None


def test_grid_rows_in_order_and_deleted_review(reviews: ReviewService, contracts: list[int]) -> None:
    review = reviews.create_review("Suppliers", MODEL, list(reversed(contracts)), [NOTICE])
    grid = reviews.grid(review.id)
    assert [r.name for r in grid.rows] == ["cobalt-supply.txt", "borealis-supply.txt", "acme-supply.txt"]
    assert grid.cell(contracts[0], review.questions[0].id).state == "empty"
    moved = reviews.set_files(review.id, contracts[:2])
    assert moved.file_ids == tuple(contracts[:2])
    reviews.delete_review(review.id)
    with pytest.raises(ReviewError) as gone:
        reviews.grid(review.id)
    assert gone.value.problem is ReviewProblem.NO_REVIEW


def test_estimate_counts_once_per_file_and_offline_gives_tokens_only(
    reviews: ReviewService, contracts: list[int], sandbox: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts[:2], [NOTICE, CAP])
    first = reviews.estimate(review.id)
    assert first.counted and first.requests == 4 and first.price_known
    sandbox.faults.set("count_tokens:500")  # counted already: the cached counts are used
    again = reviews.estimate(review.id)
    assert again == first
    grown = reviews.set_files(review.id, contracts)  # a new file must be counted: it cannot be
    counted = reviews.estimate(grown.id)
    assert not counted.counted and counted.batch_usd is None and counted.requests == 6
    assert any("could not be counted" in note for note in counted.notes)
    offline = reviews.estimate(review.id, offline=True)
    assert not offline.counted and offline.interactive_usd is None and offline.input_tokens > 0
