"""Running a review as a Message Batch: written to the catalog first, then sent; polled, cancelled, and
its results read as a stream into the cells once it ended."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from assistant.api.errors import ApiFailure, CancelToken, FailureKind, to_failure
from assistant.catalog import FileRecord
from assistant.catalog.review_records import (
    BatchProgress,
    BatchRequest,
    BatchStatus,
    Cell,
    CellKey,
    CellState,
    Review,
    ReviewBatch,
    RunMode,
)
from assistant.review.base import ServiceBase
from assistant.review.cells import failed_cell, result_cell
from assistant.review.errors import ReviewError, ReviewProblem
from assistant.review.estimating import split_note
from assistant.review.records import SubmitResult
from assistant.review.requests import cell_params, custom_id, gone_reason

__all__ = ["BatchRunning", "batch_body"]

log = logging.getLogger(__name__)

NO_LINE = "The batch's results had no line for this request. Re-run it."
RESULT_CHUNK = 500
"""Cells written to the catalog (and yielded to the view) per transaction while reading results."""


def _progress(review_id: int, batch: Any) -> BatchProgress:
    counts = batch.request_counts
    return BatchProgress(
        batch_id=batch.id,
        review_id=review_id,
        processing_status=batch.processing_status,
        processing=counts.processing,
        succeeded=counts.succeeded,
        errored=counts.errored,
        canceled=counts.canceled,
        expired=counts.expired,
        ended_at=batch.ended_at,
        expires_at=batch.expires_at,
    )


def _said(failure: ApiFailure, problem: ReviewProblem, message: str) -> ReviewError:
    """``failure`` as the person is told it: ``message``, typed ``problem``, with the API's request id and
    status kept."""
    return ReviewError(
        failure.kind, message, request_id=failure.request_id, status=failure.status, problem=problem
    )


def _refusal(failure: ApiFailure) -> ReviewError:
    """What a refused create, retrieve or cancel means for the person, typed."""
    said = f" The API said: {failure.api_message}" if failure.api_message else ""
    if failure.kind is FailureKind.PERMISSION:
        return _said(
            failure,
            ReviewProblem.PERMISSION,
            "This API key may not use message batches (403 permission_error). Run the review now instead "
            f"(full price), or use a key of a workspace with batch access.{said}",
        )
    if failure.retryable:
        return _said(
            failure,
            ReviewProblem.NETWORK,
            f"The API could not be reached ({failure.message}). Nothing is lost: the batch is kept and is "
            "asked about again when the connection is back.",
        )
    if failure.kind is FailureKind.BAD_REQUEST:
        return _said(
            failure,
            ReviewProblem.REJECTED,
            f"The API refused the batch.{said or ' ' + failure.message} Nothing was sent; your questions are "
            "kept. Fix what it names, then run again.",
        )
    return ReviewError(
        failure.kind, failure.message, request_id=failure.request_id, problem=ReviewProblem.API
    )


def batch_body(requests: Sequence[BatchRequest]) -> bytes:
    """The create call's JSON body, joined from each request's params as written to the catalog.

    Not decoded and encoded again: for 5,000 requests (~7 MB) that built ~100,000 dicts (twice: the SDK
    copies the body before encoding it) and encoded them in one ``json.dumps``. The encoding holds the GIL
    throughout (~50 ms), and the dicts trigger full garbage collections (~100-170 ms each, over every
    object of the app): both stalled the GUI thread. Joining strings allocates no containers, and the
    bytes sent are exactly the params stored."""
    pieces = [f'{{"custom_id":{json.dumps(r.custom_id)},"params":{r.params}}}' for r in requests]
    return ('{"requests":[' + ",".join(pieces) + "]}").encode()


class BatchRunning(ServiceBase):
    def submit_batch(self, review_id: int, cells: Sequence[CellKey] | None = None) -> SubmitResult:
        """Writes the batch (requests, custom_id -> cell) to the catalog, marks the cells QUEUED, then
        sends it (split over 100,000 requests or 256 MB). ``cells`` None: every cell not answered yet.
        Cells of gone files become FILE_GONE, and of files ``estimate`` found over the model's context
        ERRORED (saying so); neither is sent. Raises ReviewError: NO_FILES,
        NO_QUESTIONS, NO_FILE_USABLE, REJECTED (400; the cells are ERRORED with the API's reason),
        PERMISSION (403; the cells say so), NETWORK (the batch stays PREPARING; ``resume`` sends it)."""
        review = self._review(review_id)
        self._runnable(review)
        keys = self._keys(review, cells)
        records = self._records(review)
        requests, skipped = self._requests(review, keys, records)
        if not requests:
            raise ReviewError.local(
                ReviewProblem.NO_FILE_USABLE,
                "Nothing to send: every chosen cell's file is gone from the server or cannot be read by the "
                "model (each cell says why). Renew the files, then run again.",
            )
        parts = self._split(requests)
        note = split_note(len(requests), len(parts), self.max_batch_requests)
        written = [
            self._store.add_review_batch(review.id, review.model, part, part=i + 1, parts=len(parts))
            for i, part in enumerate(parts)
        ]
        sent = [self.resume(batch.id) for batch in written]
        return SubmitResult(tuple(sent), len(requests), tuple(skipped), note)

    def _requests(
        self, review: Review, keys: list[CellKey], records: dict[int, FileRecord | None]
    ) -> tuple[list[BatchRequest], list[CellKey]]:
        questions = {q.id: q for q in review.questions}
        requests: list[BatchRequest] = []
        unsendable: list[Cell] = []
        for key in keys:
            record = records.get(key.file_row_id)
            why = gone_reason(record)
            if why is not None or record is None:
                unsendable.append(
                    failed_cell(review.id, key, CellState.FILE_GONE, why or "", mode=RunMode.BATCH)
                )
                continue
            too_long = self._over_context(record, review.model)
            if too_long is not None:
                unsendable.append(
                    failed_cell(review.id, key, CellState.ERRORED, too_long, mode=RunMode.BATCH)
                )
                continue
            try:
                params = cell_params(
                    review.model, record, questions[key.question_id], max_tokens=self._max_tokens
                )
            except ApiFailure as failure:
                unsendable.append(failed_cell(review.id, key, CellState.ERRORED, failure.message, mode=None))
                continue
            requests.append(
                BatchRequest(custom_id(key), key.file_row_id, key.question_id, json.dumps(params))
            )
        self._store.put_cells(unsendable)
        return requests, [c.key for c in unsendable]

    def _split(self, requests: list[BatchRequest]) -> list[list[BatchRequest]]:
        parts: list[list[BatchRequest]] = [[]]
        size = 0
        for request in requests:
            one = len(request.params) + len(request.custom_id) + 40
            if parts[-1] and (len(parts[-1]) >= self.max_batch_requests or size + one > self.max_batch_bytes):
                parts.append([])
                size = 0
            parts[-1].append(request)
            size += one
        return parts

    def open_batches(self, review_id: int | None = None) -> list[ReviewBatch]:
        """Batches not read yet (PREPARING, SENT, CANCELING, ENDED), oldest first: at a start, ``resume``
        the PREPARING ones and poll the others (then ``read_results`` once ended)."""
        return self._store.list_review_batches(review_id, open_only=True)

    def resume(self, batch_row_id: int) -> ReviewBatch:
        """Sends a batch written but not sent yet (PREPARING: a crash, or the network down), with its
        requests exactly as written; a batch already sent is returned as it is."""
        batch = self._store.get_review_batch(batch_row_id)
        if batch is None:
            raise ReviewError.local(ReviewProblem.NO_REVIEW, "This batch is no longer in the catalog.")
        if batch.status is not BatchStatus.PREPARING:
            return batch
        from anthropic.types.messages import MessageBatch  # imported on use, as the api package does

        body = batch_body(self._store.batch_requests(batch.id))
        try:
            created = self._client.post(
                "/v1/messages/batches",
                cast_to=MessageBatch,
                content=body,
                options={"headers": {"Content-Type": "application/json"}},
            )
        except Exception as exc:
            error = _refusal(to_failure(exc))
            if error.problem is ReviewProblem.NETWORK:
                self._store.set_batch_cells(batch.id, CellState.QUEUED, f"Not sent yet: {error.message}")
                raise error from None
            self._store.update_review_batch(batch.id, status=BatchStatus.FAILED, error=error.message)
            self._store.set_batch_cells(batch.id, CellState.ERRORED, error.message, error=error.api_message)
            raise error from None
        when = datetime.now(UTC)
        self._store.set_batch_cells(
            batch.id,
            CellState.QUEUED,
            f"Sent in batch {created.id} at {when:%Y-%m-%d %H:%M} UTC; waiting for its end.",
        )
        return self._store.update_review_batch(
            batch.id,
            status=BatchStatus.SENT,
            batch_id=created.id,
            sent_at=when,
            counts=created.request_counts.model_dump(),
        )

    def _known(self, batch_id: str) -> ReviewBatch:
        batch = self._store.review_batch_by_remote(batch_id)
        if batch is None:
            raise ReviewError.local(
                ReviewProblem.NO_REVIEW, f"Batch {batch_id} is not one of this app's reviews."
            )
        return batch

    def poll(self, batch_id: str) -> BatchProgress:
        """Retrieves the batch once and records its counts and status. NETWORK while the network is
        down (the batch is unchanged; poll again later: ``PollBackoff.failed``)."""
        batch = self._known(batch_id)
        try:
            remote = self._client.messages.batches.retrieve(batch_id)
        except Exception as exc:
            failure = to_failure(exc)
            if failure.kind is FailureKind.FILE_NOT_FOUND or failure.status == 404:
                why = (
                    f"Batch {batch_id} is no longer on the server (deleted, or its results were kept past "
                    "29 days). Re-run these cells."
                )
                self._store.update_review_batch(batch.id, status=BatchStatus.FAILED, error=why)
                self._store.set_batch_cells(batch.id, CellState.ERRORED, why)
                raise ReviewError(failure.kind, why, problem=ReviewProblem.NO_REVIEW) from None
            raise _refusal(failure) from None
        progress = _progress(batch.review_id, remote)
        status = {"in_progress": BatchStatus.SENT, "canceling": BatchStatus.CANCELING}.get(
            remote.processing_status, BatchStatus.ENDED
        )
        if batch.status is BatchStatus.READ:
            status = BatchStatus.READ
        self._store.update_review_batch(
            batch.id, status=status, counts=remote.request_counts.model_dump(), ended_at=remote.ended_at
        )
        return progress

    def cancel_batch(self, batch_id: str) -> BatchProgress:
        """Asks the API to cancel; requests not yet run end CANCELED when the batch ends (poll, then read
        its results: the answers that came before the cancel are kept)."""
        batch = self._known(batch_id)
        try:
            remote = self._client.messages.batches.cancel(batch_id)
        except Exception as exc:
            raise _refusal(to_failure(exc)) from None
        if remote.processing_status == "ended":  # it ended before the cancel arrived: nothing to cancel
            return self.poll(batch_id)
        self._store.update_review_batch(
            batch.id, status=BatchStatus.CANCELING, counts=remote.request_counts.model_dump()
        )
        self._store.set_batch_cells(
            batch.id, CellState.QUEUED, "Cancelling: requests not run yet will be cancelled."
        )
        return _progress(batch.review_id, remote)

    def read_results(self, batch_id: str, cancel: CancelToken | None = None) -> Iterator[list[Cell]]:
        """Streams the results JSONL into the catalog (only once the batch ended: NOT_ENDED before),
        yielding the filled cells in chunks as they are written. Idempotent: reading again rewrites the
        same cells. The batch becomes READ at the end."""
        batch = self._known(batch_id)
        if batch.status not in (BatchStatus.ENDED, BatchStatus.READ):
            progress = self.poll(batch_id)
            if not progress.ended:
                raise ReviewError.local(
                    ReviewProblem.NOT_ENDED,
                    f"Batch {batch_id} has not ended yet ({progress.label}); wait for it.",
                )
        review = self._review(batch.review_id)
        mapping = self._store.batch_cells(batch.id)
        questions = {q.id: q for q in review.questions}
        records = self._records(review)
        seen: set[str] = set()
        chunk: list[Cell] = []
        try:
            # the raw JSONL, line by line (the SDK's typed objects would cost more than the catalog work)
            with self._client.messages.batches.with_streaming_response.results(batch_id) as response:
                for raw in response.iter_lines():
                    if not raw.strip():
                        continue
                    if cancel is not None and cancel.is_cancelled():
                        if chunk:
                            self._store.put_cells(chunk, batch.id)
                        return  # the batch stays ENDED: reading again fills the rest
                    line = json.loads(raw)
                    cid = str(line.get("custom_id"))
                    key = mapping.get(cid)
                    question = None if key is None else questions.get(key.question_id)
                    if key is None or question is None:
                        continue  # a cell removed from the review meanwhile
                    seen.add(cid)
                    chunk.append(
                        result_cell(
                            review.id, key, question, records.get(key.file_row_id), line.get("result") or {},
                            model=batch.model, prices=self._prices, custom_id=cid,
                        )
                    )  # fmt: skip
                    if len(chunk) >= RESULT_CHUNK:
                        self._store.put_cells(chunk, batch.id)
                        yield chunk
                        chunk = []
        except ReviewError:
            raise
        except GeneratorExit:
            if chunk:
                self._store.put_cells(chunk, batch.id)
            raise
        except Exception as exc:
            if chunk:
                self._store.put_cells(chunk, batch.id)
            raise _refusal(to_failure(exc)) from None
        missing = [
            failed_cell(review.id, key, CellState.ERRORED, NO_LINE, mode=RunMode.BATCH, custom_id=cid)
            for cid, key in mapping.items()
            if cid not in seen and key.question_id in questions
        ]  # fmt: skip
        chunk.extend(missing)
        if chunk:
            self._store.put_cells(chunk, batch.id)
        self._store.update_review_batch(batch.id, status=BatchStatus.READ, read_at=datetime.now(UTC))
        if chunk:
            yield chunk
