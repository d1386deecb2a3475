"""A review run as a Message Batch against the sandbox (issue 11): written before it is sent, polled
with partial progress, resumed after a restart, results streamed into the catalog, cost after."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.api.client import ClientConfig, make_client
from assistant.catalog import Store
from assistant.review import (
    BatchStatus,
    CellKey,
    CellState,
    ReviewError,
    ReviewProblem,
    ReviewService,
    RunMode,
)
from assistant.review.batching import batch_body

from .conftest import CAP, MODEL, NOTICE, wait_ended


def test_two_questions_three_files_as_batch(
    reviews: ReviewService, contracts: list[int], sandbox: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    estimate = reviews.estimate(review.id)
    assert estimate.requests == 6 and estimate.counted and estimate.batches == 1
    assert estimate.batch_usd is not None and estimate.interactive_usd is not None
    assert 0 < estimate.batch_usd < estimate.interactive_usd

    sandbox.batches.hold()
    submitted = reviews.submit_batch(review.id)
    (batch,) = submitted.batches
    assert submitted.queued == 6 and batch.status is BatchStatus.SENT and batch.batch_id
    queued = reviews.cells(review.id)
    assert {c.state for c in queued} == {CellState.QUEUED} and {c.batch_id for c in queued} == {
        batch.batch_id
    }
    with pytest.raises(ReviewError) as early:
        list(reviews.read_results(batch.batch_id))
    assert early.value.problem is ReviewProblem.NOT_ENDED
    sandbox.batches.release()

    assert wait_ended(reviews, batch.batch_id).succeeded == 6
    chunks = list(reviews.read_results(batch.batch_id))
    assert sum(len(c) for c in chunks) == 6
    grid = reviews.grid(review.id)
    notice, cap = review.questions
    values = {
        (row.name, q.id): grid.cell(row.file_row_id, q.id).value for row in grid.rows for q in (notice, cap)
    }
    assert values[("acme-supply.txt", notice.id)] == "90 days"
    assert values[("borealis-supply.txt", notice.id)] == "30 days"
    assert values[("acme-supply.txt", cap.id)] == "EUR 2,000,000"
    assert values[("cobalt-supply.txt", cap.id)] == "GBP 750,000"
    cell = grid.cell(contracts[0], notice.id)
    assert cell.state is CellState.ANSWERED and cell.mode is RunMode.BATCH and cell.sort_value == 90.0
    assert cell.citations and "90 days" in cell.citations[0].cited_text
    assert cell.custom_id and cell.batch_id == batch.batch_id
    assert cell.usage is not None and cell.cost_usd is not None
    assert reviews.open_batches() == []

    cost = reviews.cost(review.id)
    assert cost.cells == 6 and cost.unpriced == 0
    assert cost.actual_usd == pytest.approx(cost.interactive_usd / 2)
    # the document was cached for the file's second question (1-hour writes, then reads)
    assert cost.usage.cache_write_1h_tokens > 0 and cost.usage.cache_read_input_tokens > 0


def test_partial_progress_with_pace(reviews: ReviewService, contracts: list[int], sandbox: Any) -> None:
    sandbox.batches.pace = 0.15
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    seen: list[str] = []
    wait_ended(reviews, batch.batch_id, lambda p: seen.append(p.label))
    partial = [
        label
        for label in seen
        if label.startswith("in progress: ") and not label.startswith("in progress: 0 ")
    ]
    assert partial and all(label.endswith(" of 6") for label in partial)
    assert seen[-1] == "ended: 6 of 6"


def test_resume_after_restart(
    client: Any, paths: Any, contracts: list[int], store: Store, sandbox: Any
) -> None:
    first = ReviewService(client, store)
    review = first.create_review("Suppliers", MODEL, contracts, [NOTICE])
    sandbox.batches.hold()
    (batch,) = first.submit_batch(review.id).batches
    store.close()  # the app is closed mid-batch

    with Store.open(paths.catalog) as again:
        second = ReviewService(client, again)
        (open_batch,) = second.open_batches()
        assert (open_batch.batch_id, open_batch.status) == (batch.batch_id, BatchStatus.SENT)
        sandbox.batches.release()
        assert open_batch.batch_id is not None
        wait_ended(second, open_batch.batch_id)
        list(second.read_results(open_batch.batch_id))
        assert {c.state for c in second.cells(review.id)} == {CellState.ANSWERED}
        assert second.open_batches() == []


def test_written_before_sending_and_sent_again_after_network_failure(
    reviews: ReviewService, contracts: list[int], sandbox: Any, store: Store
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    sandbox.faults.set("batches:529")
    with pytest.raises(ReviewError) as down:
        reviews.submit_batch(review.id)
    assert down.value.problem is ReviewProblem.NETWORK and "Nothing is lost" in down.value.message
    (kept,) = reviews.open_batches(review.id)
    assert kept.status is BatchStatus.PREPARING and kept.batch_id is None
    assert len(store.batch_requests(kept.id)) == 3  # the requests and their cells were written first
    assert {c.state for c in reviews.cells(review.id)} == {CellState.QUEUED}
    sandbox.faults.clear()
    sent = reviews.resume(kept.id)
    assert sent.status is BatchStatus.SENT and sent.batch_id
    wait_ended(reviews, sent.batch_id)
    list(reviews.read_results(sent.batch_id))
    assert {c.state for c in reviews.cells(review.id)} == {CellState.ANSWERED}


def test_errored_and_expired_cells_say_why_and_rerun(
    reviews: ReviewService, contracts: list[int], sandbox: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    sandbox.faults.set("batch_request:erroredx1,batch_request:expiredx1")
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    progress = wait_ended(reviews, batch.batch_id)
    assert (progress.errored, progress.expired, progress.succeeded) == (1, 1, 4)
    assert progress.label == "ended: 6 of 6 (1 errored, 1 expired)"
    list(reviews.read_results(batch.batch_id))
    by_state = {c.state: c for c in reviews.cells(review.id)}
    assert "Re-run it" in (by_state[CellState.ERRORED].why or "")
    assert "24-hour" in (by_state[CellState.EXPIRED].why or "")
    failed = reviews.failed_cells(review.id)
    assert len(failed) == 2

    again = reviews.submit_batch(review.id, failed)  # re-run all failed as a new batch
    (second,) = again.batches
    assert again.queued == 2 and second.batch_id != batch.batch_id and second.batch_id
    wait_ended(reviews, second.batch_id)
    list(reviews.read_results(second.batch_id))
    assert {c.state for c in reviews.cells(review.id)} == {CellState.ANSWERED}
    assert reviews.failed_cells(review.id) == []


def test_cancel_midway_then_rerun_now(reviews: ReviewService, contracts: list[int], sandbox: Any) -> None:
    sandbox.batches.pace = 0.2
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    deadline = time.monotonic() + 30
    while reviews.poll(batch.batch_id).succeeded < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert reviews.cancel_batch(batch.batch_id).processing_status == "canceling"
    ended = wait_ended(reviews, batch.batch_id)
    assert ended.canceled >= 1 and ended.succeeded >= 1
    list(reviews.read_results(batch.batch_id))
    canceled = [c for c in reviews.cells(review.id) if c.state is CellState.CANCELED]
    assert len(canceled) == ended.canceled and "cancelled" in (canceled[0].why or "")
    filled = list(reviews.run_now(review.id, [canceled[0].key]))  # re-run one cell now
    assert [c.state for c in filled] == [CellState.RUNNING, CellState.ANSWERED]
    assert filled[-1].mode is RunMode.NOW


def test_file_gone_before_sending_and_before_running(  # noqa: PLR0917
    reviews: ReviewService, contracts: list[int], sandbox: Any, files: Any, store: Store, client: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    files.delete(contracts[0])  # gone before the batch is sent: not sent, the cell says so
    sandbox.batches.hold()
    submitted = reviews.submit_batch(review.id)
    assert submitted.skipped == (CellKey(contracts[0], review.questions[0].id),)
    gone = store.get_cell(review.id, submitted.skipped[0])
    assert gone is not None and gone.state is CellState.FILE_GONE and "Renew" in (gone.why or "")
    record = store.get_file(contracts[1])
    assert record is not None
    client.files.delete(record.file_id)  # deleted on the server while the batch waits
    sandbox.batches.release()
    (batch,) = submitted.batches
    assert batch.batch_id is not None
    wait_ended(reviews, batch.batch_id)
    list(reviews.read_results(batch.batch_id))
    cell = store.get_cell(review.id, CellKey(contracts[1], review.questions[0].id))
    assert cell is not None and cell.state is CellState.FILE_GONE and "Renew" in (cell.why or "")


@pytest.mark.parametrize(
    ("fault", "problem", "words"),
    [
        ("batches:403", ReviewProblem.PERMISSION, "may not use message batches"),
        ("batches:400", ReviewProblem.REJECTED, "refused"),
    ],
)
def test_refused_batches_keep_the_questions(  # noqa: PLR0917
    reviews: ReviewService, contracts: list[int], sandbox: Any, fault: str, problem: ReviewProblem, words: str
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    sandbox.faults.set(fault)
    with pytest.raises(ReviewError) as refused:
        reviews.submit_batch(review.id)
    assert refused.value.problem is problem and words in refused.value.message
    assert {c.state for c in reviews.cells(review.id)} == {CellState.ERRORED}
    assert reviews.open_batches() == []
    assert [q.spec for q in reviews.get_review(review.id).questions] == [NOTICE, CAP]
    sandbox.faults.clear()
    assert reviews.submit_batch(review.id, reviews.failed_cells(review.id)).queued == 6


def test_network_down_while_polling(
    reviews: ReviewService, contracts: list[int], store: Store, sandbox: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    sandbox.batches.hold()
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    with make_client(ClientConfig(api_key="sk-ant-x", base_url="http://127.0.0.1:9", max_retries=0)) as dead:
        offline = ReviewService(dead, store)
        with pytest.raises(ReviewError) as down:
            offline.poll(batch.batch_id)
    assert down.value.problem is ReviewProblem.NETWORK
    assert store.get_review_batch(batch.id).status is BatchStatus.SENT  # type: ignore[union-attr]
    sandbox.batches.release()
    assert wait_ended(reviews, batch.batch_id).succeeded == 3


def test_split_over_the_request_limit(reviews: ReviewService, contracts: list[int]) -> None:
    reviews.max_batch_requests = 4
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    assert reviews.estimate(review.id).batches == 2
    submitted = reviews.submit_batch(review.id)
    assert [b.request_count for b in submitted.batches] == [4, 2]
    assert [(b.part, b.parts) for b in submitted.batches] == [(1, 2), (2, 2)]
    assert submitted.split_note and "2 batches" in submitted.split_note
    for batch in submitted.batches:
        assert batch.batch_id is not None
        wait_ended(reviews, batch.batch_id)
        list(reviews.read_results(batch.batch_id))
    assert len([c for c in reviews.cells(review.id) if c.state is CellState.ANSWERED]) == 6


def test_no_files_and_no_questions(reviews: ReviewService, contracts: list[int], tmp_path: Path) -> None:
    with pytest.raises(ReviewError) as none:
        reviews.create_review("Empty", MODEL, [])
    assert none.value.problem is ReviewProblem.NO_FILES
    review = reviews.create_review("No questions", MODEL, contracts)
    with pytest.raises(ReviewError) as asked:
        reviews.submit_batch(review.id)
    assert asked.value.problem is ReviewProblem.NO_QUESTIONS


def test_batch_past_24_hours_expires_its_waiting_cells(
    reviews: ReviewService, contracts: list[int], sandbox: Any
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    sandbox.batches.hold()
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    sandbox.clock.advance(24 * 3600 + 1)
    sandbox.batches.release()
    assert wait_ended(reviews, batch.batch_id).expired == 3
    list(reviews.read_results(batch.batch_id))
    cells = reviews.cells(review.id)
    assert {c.state for c in cells} == {CellState.EXPIRED} and all("24-hour" in (c.why or "") for c in cells)
    assert len(reviews.failed_cells(review.id)) == 3
    assert reviews.cancel_batch(batch.batch_id).ended  # too late to cancel: it says it ended
    assert reviews.open_batches() == []


def test_split_over_the_size_limit(reviews: ReviewService, contracts: list[int], store: Store) -> None:
    reviews.max_batch_bytes = 2_500  # about three requests of this review
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    assert reviews.estimate(review.id).batches >= 2
    submitted = reviews.submit_batch(review.id)
    assert len(submitted.batches) >= 2 and sum(b.request_count for b in submitted.batches) == 6
    assert submitted.split_note and f"{len(submitted.batches)} batches" in submitted.split_note
    for batch in submitted.batches:
        size = sum(len(r.params) + len(r.custom_id) + 40 for r in store.batch_requests(batch.id))
        assert size <= 2_500 or batch.request_count == 1


def test_sent_exactly_as_written(
    reviews: ReviewService, contracts: list[int], sandbox: Any, store: Store
) -> None:
    """The body is joined from the params written to the catalog (not decoded and encoded again: for
    5,000 requests that stalled the GUI thread); the API receives each request exactly as written."""
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    sandbox.batches.hold()
    (batch,) = reviews.submit_batch(review.id).batches
    assert batch.batch_id is not None
    written = store.batch_requests(batch.id)
    assert (
        batch_body(written)
        == (
            '{"requests":['
            + ",".join(f'{{"custom_id":"{r.custom_id}","params":{r.params}}}' for r in written)
            + "]}"
        ).encode()
    )
    # what the sandbox received, as it keeps it on disk
    received = json.loads((sandbox.batches.dir / f"{batch.batch_id}.requests.json").read_text("utf-8"))
    assert received == [{"custom_id": r.custom_id, "params": json.loads(r.params)} for r in written]
    assert len(received) == 6 and received[0]["params"]["messages"][0]["content"][0]["cache_control"]
    sandbox.batches.release()
