"""Reviews in the catalog (issue 11): rows, columns, question sets, cells, and batches written with
their requests and custom_id mapping before they are sent; all of it read back after a reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.catalog import Citation, CitationKind, Store, Usage
from assistant.catalog.review_records import (
    AnswerType,
    BatchRequest,
    BatchStatus,
    Cell,
    CellKey,
    CellState,
    QuestionSpec,
    RunMode,
)

from .conftest import add_files

NOTICE = QuestionSpec("What is the notice period?", AnswerType.NUMBER)
CAP = QuestionSpec("What is the liability cap?", AnswerType.AMOUNT)
KIND = QuestionSpec("What kind of contract is it?", AnswerType.CATEGORY, ("supply", "service"))


def test_review_rows_and_columns_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        files = add_files(store, 3)
        review = store.create_review(
            "Suppliers", "claude-sonnet-4-5", [files[2], files[0], files[2]], [NOTICE]
        )
        assert review.file_ids == (files[2], files[0])
        cap = store.add_review_question(review.id, CAP)
        kind = store.add_review_question(review.id, KIND, position=0)
        store.reorder_review_questions(review.id, [cap.id, kind.id, review.questions[0].id])
        with pytest.raises(ValueError):
            store.reorder_review_questions(review.id, [cap.id])
    with Store.open(path) as store:
        again = store.get_review(review.id)
        assert again is not None
        assert [q.spec for q in again.questions] == [CAP, KIND, NOTICE]
        assert again.questions[1].categories == ("supply", "service")
        assert again.file_ids == (files[2], files[0])


def test_question_edit_clears_its_cells_and_removal_deletes_them(store: Store) -> None:
    (f,) = add_files(store, 1)
    review = store.create_review("r", "m", [f], [NOTICE, CAP])
    q1, q2 = review.questions
    store.put_cells(
        [
            Cell(review.id, f, q1.id, CellState.ANSWERED, "14"),
            Cell(review.id, f, q2.id, CellState.ANSWERED, "x"),
        ]
    )
    store.update_review_question(q1.id, NOTICE)  # unchanged: kept
    assert len(store.list_cells(review.id)) == 2
    store.update_review_question(q1.id, QuestionSpec("Notice period in days?", AnswerType.NUMBER))
    assert [c.question_id for c in store.list_cells(review.id)] == [q2.id]
    assert store.remove_review_question(q2.id) == review.id
    assert store.list_cells(review.id) == []
    assert [q.id for q in store.get_review(review.id).questions] == [q1.id]  # type: ignore[union-attr]


def test_question_sets_saved_by_name(store: Store) -> None:
    store.save_question_set("Supplier contract checks", [NOTICE, CAP])
    store.save_question_set("Policies", [KIND])
    store.save_question_set("Supplier contract checks", [NOTICE, CAP, KIND])  # replaced
    assert [s.name for s in store.list_question_sets()] == ["Policies", "Supplier contract checks"]
    saved = store.get_question_set("Supplier contract checks")
    assert saved is not None and saved.questions == (NOTICE, CAP, KIND)
    store.delete_question_set("Policies")
    assert store.get_question_set("Policies") is None


def test_cells_keep_value_citations_usage_and_sort(store: Store) -> None:
    (f,) = add_files(store, 1)
    review = store.create_review("r", "m", [f], [NOTICE, CAP])
    q1, q2 = review.questions
    quote = Citation(CitationKind.PAGE, "Notice: 14 days.", 0, "doc0.pdf", "file_0_", 3, 4, answer_offset=10)
    usage = Usage(input_tokens=20, output_tokens=30, cache_read_input_tokens=3000)
    store.put_cells(
        [
            Cell(review.id, f, q1.id, CellState.ANSWERED, "14", 14.0, "ANSWER: 14\nIt is 14 days.", (quote,),
                 usage, 0.001, 0.002, mode=RunMode.NOW),
            Cell(review.id, f, q2.id, CellState.NOT_ANSWERED, "not stated", why="The document does not say."),
        ]
    )  # fmt: skip
    cells = {c.question_id: c for c in store.list_cells(review.id)}
    first = cells[q1.id]
    assert (first.value, first.sort_value, first.citations, first.usage) == ("14", 14.0, (quote,), usage)
    assert first.quote_label == "\u201cNotice: 14 days.\u201d (p. 3)"
    assert (first.cost_usd, first.interactive_cost_usd, first.mode) == (0.001, 0.002, RunMode.NOW)
    assert cells[q2.id].state is CellState.NOT_ANSWERED and cells[q2.id].why == "The document does not say."
    store.set_review_files(review.id, [])  # the file leaves the review: its cells go
    assert store.list_cells(review.id) == []


def test_batch_written_before_sending_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        files = add_files(store, 2)
        review = store.create_review("r", "m", files, [NOTICE])
        (q,) = review.questions
        requests = [BatchRequest(f"f{f}_q{q.id}", f, q.id, '{"model": "m"}') for f in files]
        batch = store.add_review_batch(review.id, "m", requests)
        assert batch.status is BatchStatus.PREPARING and batch.batch_id is None
        assert {c.state for c in store.list_cells(review.id)} == {CellState.QUEUED}
    with Store.open(path) as store:  # "crashed" before sending: everything is there to send it again
        (open_batch,) = store.list_review_batches(open_only=True)
        assert store.batch_requests(open_batch.id) == requests
        assert store.batch_cells(open_batch.id) == {
            r.custom_id: CellKey(r.file_row_id, q.id) for r in requests
        }
        store.update_review_batch(
            open_batch.id, status=BatchStatus.SENT, batch_id="msgbatch_1", counts={"processing": 2}
        )
        assert store.review_batch_by_remote("msgbatch_1").counts == {"processing": 2}  # type: ignore[union-attr]
        assert {c.batch_id for c in store.list_cells(review.id)} == {"msgbatch_1"}
        store.set_batch_cells(open_batch.id, CellState.CANCELED, "The batch was cancelled.")
        assert {c.state for c in store.list_cells(review.id)} == {CellState.CANCELED}
        store.update_review_batch(open_batch.id, status=BatchStatus.READ)
        assert store.list_review_batches(open_only=True) == []
        store.delete_review(review.id)
        assert store.list_review_batches() == []
