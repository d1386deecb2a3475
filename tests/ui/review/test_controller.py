"""The review controller without a window (issue 11), on the review services against the sandbox: what it
refuses and says, cells that fill as answers arrive when run now, a key without batch permission, the
network down while a batch is polled (then back), and Cancel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api.files import FileService, UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, Store
from assistant.review import (
    AnswerType,
    BatchProgress,
    Cell,
    CellState,
    PollBackoff,
    QuestionSpec,
    ReviewCost,
    ReviewGrid,
    ReviewService,
)
from assistant.ui.review.controller import ReviewController

WAIT = 20_000
MODEL = "claude-sonnet-5-5"


@pytest.fixture
def upload(files: FileService, store: Store, tmp_path: Path) -> Callable[[str, str], FileRecord]:
    from assistant.api.lifecycle import upload_document
    from assistant.documents import prepare

    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)

    def make(name: str, text: str) -> FileRecord:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        result: UploadResult = upload_document(files, store, prepare(path, cache_dir=tmp_path / "converted"))
        return result.record

    return make


class Heard:
    """Everything the controller says, in order."""

    def __init__(self, controller: ReviewController) -> None:
        self.said: list[str] = []
        self.grids: list[ReviewGrid] = []
        self.cells: list[Cell] = []
        self.progress: list[BatchProgress] = []
        self.costs: list[ReviewCost] = []
        controller.said.connect(self.said.append)
        controller.grid_loaded.connect(self.grids.append)
        controller.cells_changed.connect(self.cells.extend)
        controller.progress.connect(self.progress.append)
        controller.cost_known.connect(self.costs.append)


@pytest.fixture
def controller(runner: TaskRunner, client: Any, store: Store) -> Iterator[ReviewController]:
    c = ReviewController(runner, model=lambda: MODEL)
    c.poller.backoff = lambda: PollBackoff(first=0.1, factor=1.0, cap=0.1, failure_cap=0.2)
    c.service = ReviewService(client, store)
    yield c
    c.close()


def reviewed(controller: ReviewController, heard: Heard, qtbot: Any, records: list[FileRecord]) -> None:
    controller.review_files(records)
    qtbot.waitUntil(lambda: bool(heard.grids) and len(heard.grids[-1].rows) == len(records), timeout=WAIT)


def ask(controller: ReviewController, heard: Heard, qtbot: Any, text: str, kind: AnswerType) -> None:
    count = len(controller.grid.review.questions) if controller.grid else 0
    controller.questions.add(QuestionSpec(text, kind))
    qtbot.waitUntil(
        lambda: controller.grid is not None and len(controller.grid.review.questions) == count + 1,
        timeout=WAIT,
    )


def batch_running(
    controller: ReviewController, qtbot: Any, sandbox: Any, upload: Callable[[str, str], FileRecord]
) -> Heard:
    """Three contracts reviewed with one number question, run as a slow batch (one request a second)
    until its first progress is heard; returns what the controller said."""
    heard = Heard(controller)
    records = [upload(f"{n}.txt", f"Contract {n}. The notice period is 30 days.") for n in "abc"]
    reviewed(controller, heard, qtbot, records)
    ask(controller, heard, qtbot, "What is the notice period?", AnswerType.NUMBER)
    sandbox.batches.pace = 1.0
    controller.run_batch()
    qtbot.waitUntil(lambda: bool(heard.progress), timeout=WAIT)
    return heard


def test_what_cannot_be_done_is_said_and_nothing_is_lost(
    controller: ReviewController, qtbot: Any, upload: Callable[[str, str], FileRecord]
) -> None:
    heard = Heard(controller)
    controller.review_files([])
    assert "No files chosen" in heard.said[-1]
    controller.questions.add(QuestionSpec("What is the notice period?", AnswerType.NUMBER))
    assert "Choose the files first" in heard.said[-1]
    reviewed(controller, heard, qtbot, [upload("a.txt", "The notice period is 30 days.")])
    controller.run_batch()
    assert "No questions yet" in heard.said[-1]
    controller.questions.add(QuestionSpec("   ", AnswerType.TEXT))
    qtbot.waitUntil(lambda: "question" in heard.said[-1].lower() and len(heard.said) >= 4, timeout=WAIT)
    assert controller.grid is not None and controller.grid.review.questions == ()


def test_run_now_fills_cells_as_answers_arrive_then_says_what_it_cost(
    controller: ReviewController, qtbot: Any, upload: Callable[[str, str], FileRecord]
) -> None:
    heard = Heard(controller)
    records = [
        upload("a.txt", "The notice period is 30 days."),
        upload("b.txt", "The notice period is 90 days."),
    ]
    reviewed(controller, heard, qtbot, records)
    ask(controller, heard, qtbot, "What is the notice period?", AnswerType.NUMBER)
    controller.run_now()
    assert controller.is_running
    controller.run_now()  # again before it ended: said, not silently dropped
    assert any("still being asked" in s for s in heard.said), heard.said
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT)
    states = [c.state for c in heard.cells]
    assert CellState.RUNNING in states, "each cell says it is being asked"
    qtbot.waitUntil(lambda: bool(heard.costs), timeout=WAIT)
    grid = heard.grids[-1]
    values = sorted(grid.cell(r.file_row_id, grid.review.questions[0].id).value for r in grid.rows)
    assert values == ["30 days", "90 days"]
    assert heard.costs[-1].cells == 2 and heard.costs[-1].actual_usd == pytest.approx(
        heard.costs[-1].interactive_usd
    ), "run now is at the full price"

    # reviewing other files once this review has answers: a new review, with the same questions
    listed: list[list[Any]] = []
    controller.reviews_listed.connect(listed.append)
    first = controller.review_id
    reviewed(controller, heard, qtbot, [records[0]])
    assert controller.review_id != first
    assert [q.text for q in heard.grids[-1].review.questions] == ["What is the notice period?"]
    qtbot.waitUntil(lambda: bool(listed) and len(listed[-1]) == 2, timeout=WAIT)
    assert first is not None
    controller.open_review(first)
    qtbot.waitUntil(lambda: controller.review_id == first and len(heard.grids[-1].rows) == 2, timeout=WAIT)


def test_a_key_without_batch_permission_is_told_to_run_now(
    controller: ReviewController, qtbot: Any, sandbox: Any, upload: Callable[[str, str], FileRecord]
) -> None:
    heard = Heard(controller)
    reviewed(controller, heard, qtbot, [upload("a.txt", "Remote work is allowed.")])
    ask(controller, heard, qtbot, "Is remote work allowed?", AnswerType.YES_NO)
    sandbox.faults.set("batches:403x1")
    controller.run_batch()
    qtbot.waitUntil(lambda: any("may not use message batches" in s for s in heard.said), timeout=WAIT)
    qtbot.waitUntil(lambda: len(heard.grids) >= 3, timeout=WAIT)
    assert [q.text for q in heard.grids[-1].review.questions] == ["Is remote work allowed?"], "kept"
    assert not controller.is_running


def test_network_down_while_polling_is_said_and_the_batch_is_read_once_it_is_back(
    controller: ReviewController,
    qtbot: Any,
    sandbox: Any,
    store: Store,
    upload: Callable[[str, str], FileRecord],
) -> None:
    from assistant.api.client import ClientConfig, make_client

    heard = batch_running(controller, qtbot, sandbox, upload)
    assert not heard.progress[-1].ended
    working = controller.service
    with make_client(ClientConfig(api_key="sk-ant-x", base_url="http://127.0.0.1:9", max_retries=0)) as dead:
        controller.service = ReviewService(dead, store)  # the network is down
        qtbot.waitUntil(lambda: any("network is down" in s for s in heard.said), timeout=WAIT)
        assert controller.is_running, "the batch goes on at the API"
        controller.service = working
        qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT)

    def values() -> list[str]:  # the grid read again after the results (it follows the end of the run)
        grid = heard.grids[-1]
        return [grid.cell(r.file_row_id, grid.review.questions[0].id).value for r in grid.rows]

    qtbot.waitUntil(lambda: values() == ["30 days"] * 3, timeout=WAIT)


def test_cancel_stops_the_batch_and_its_cells_say_so(
    controller: ReviewController, qtbot: Any, sandbox: Any, upload: Callable[[str, str], FileRecord]
) -> None:
    heard = batch_running(controller, qtbot, sandbox, upload)
    controller.cancel()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT)

    def states() -> list[CellState]:  # the grid read again after the results (it follows the end)
        grid = heard.grids[-1]
        return [grid.cell(r.file_row_id, grid.review.questions[0].id).state for r in grid.rows]

    qtbot.waitUntil(lambda: not any(s.pending for s in states()), timeout=WAIT)
    assert CellState.CANCELED in states()
