"""Reading a review's batch results into the catalog (issue 11; run by `make bench`).

"Reading a 5,000-line results file adds under 1 s of catalog work beyond the download": a review of
100 files x 50 questions is run as one batch on the sandbox; the baseline is downloading its results
JSONL and decoding each line (``messages.batches.with_streaming_response.results``, ``json.loads``: the
download as ``read_results`` does it), the measured figure is ``ReviewService.read_results`` on the same
batch (the same download, each line turned into a typed cell and written to the catalog in chunks).
Both are printed, with the difference and the ratio, beside the SDK's typed iteration
(``messages.batches.results``) for reference; the difference is asserted loosely (the machine is
shared), the target is under 1 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest

from assistant.api.client import ClientConfig, make_client
from assistant.api.files import FileService
from assistant.catalog import Store
from assistant.review import AnswerType, CellState, QuestionSpec, ReviewService
from assistant.sandbox.server import SandboxServer

MODEL = "claude-sonnet-5-5"
KEY = "sk-ant-bench"
FILES = 100
QUESTIONS = 50


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(data_dir=tmp_path / "sandbox", api_key=KEY) as s:
        yield s


def _ended(reviews: ReviewService, batch_id: str) -> None:
    deadline = time.monotonic() + 600
    while not reviews.poll(batch_id).ended:
        assert time.monotonic() < deadline, "the batch did not end"
        time.sleep(0.2)


@pytest.mark.timeout(900)
def test_reading_5000_results_into_the_catalog(server: SandboxServer, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    with (
        Store.open(tmp_path / "catalog.sqlite3") as store,
        make_client(ClientConfig(api_key=KEY, base_url=server.base_url, max_retries=0)) as client,
    ):
        uploads = FileService(client, store, retention_seconds=86_400)
        ids = []
        for i in range(FILES):
            path = folder / f"contract-{i:03}.txt"
            path.write_text(
                f"Contract {i}. The notice period is {i + 10} days. "
                f"The liability cap is EUR {i + 1},000,000. "
                f"Signed on {1 + i % 28} March 2024 by Supplier {i} Ltd.\n",
                encoding="utf-8",
            )
            ids.append(uploads.upload(path).record.id)
        questions = [
            QuestionSpec(f"Question {n}: what is the notice period?", AnswerType.NUMBER)
            for n in range(QUESTIONS)
        ]
        reviews = ReviewService(client, store)
        review = reviews.create_review("Bench", MODEL, ids, questions)
        (batch,) = reviews.submit_batch(review.id).batches
        assert batch.batch_id is not None and batch.request_count == FILES * QUESTIONS
        _ended(reviews, batch.batch_id)

        with anthropic.Anthropic(api_key=KEY, base_url=server.base_url, max_retries=0) as raw:
            list(raw.messages.batches.results(batch.batch_id))  # warm the paths once
            start = time.perf_counter()
            typed = sum(1 for _ in raw.messages.batches.results(batch.batch_id))
            sdk_typed = time.perf_counter() - start
            start = time.perf_counter()
            with raw.messages.batches.with_streaming_response.results(batch.batch_id) as response:
                lines = sum(1 for line in response.iter_lines() if line.strip() and json.loads(line))
            download = time.perf_counter() - start
        assert lines == typed == FILES * QUESTIONS

        start = time.perf_counter()
        written = sum(len(chunk) for chunk in reviews.read_results(batch.batch_id))
        reading = time.perf_counter() - start
        assert written == lines
        cells = reviews.cells(review.id)
        assert len(cells) == lines and {c.state for c in cells} == {CellState.ANSWERED}

    extra = reading - download
    print(
        f"\nreview results: {lines:,} lines; download + decode each line {download:.2f} s (baseline; the "
        f"SDK's typed iteration takes {sdk_typed:.2f} s); "
        f"read into the catalog {reading:.2f} s ({reading / download:.1f}x); catalog work beyond the "
        f"download {extra:.2f} s (target < 1 s)"
    )
    assert extra < 2.0  # loose: a shared machine; the target (under 1 s) is what is printed
