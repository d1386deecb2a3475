"""A review run now (interactive, full price, bounded parallelism), cells filling as answers arrive."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from assistant.api.errors import CancelToken
from assistant.catalog import Store
from assistant.review import Cell, CellKey, CellState, ReviewService, RunMode

from .conftest import CAP, MODEL, NOTICE


def test_run_now_fills_cells_through_the_callback(reviews: ReviewService, contracts: list[int]) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    called: list[Cell] = []
    threads: set[str] = set()

    def on_cell(cell: Cell) -> None:
        called.append(cell)
        threads.add(threading.current_thread().name)

    yielded = list(reviews.run_now(review.id, on_cell=on_cell))
    assert yielded == called and len(yielded) == 12  # RUNNING then the answer, for six cells
    finals = {c.key: c for c in yielded if not c.state.pending}
    assert len(finals) == 6 and {c.state for c in finals.values()} == {CellState.ANSWERED}
    assert {c.mode for c in finals.values()} == {RunMode.NOW}
    notice, cap = review.questions
    assert finals[CellKey(contracts[2], notice.id)].value == "14 days"
    assert finals[CellKey(contracts[1], cap.id)].value == "USD 500,000"
    # each file's first question ran first and wrote the document; its second read it
    for f in contracts:
        first, second = finals[CellKey(f, notice.id)], finals[CellKey(f, cap.id)]
        assert first.usage is not None and second.usage is not None
        assert first.usage.cache_write_5m_tokens > 0 and second.usage.cache_read_input_tokens > 0
        assert first.cost_usd == first.interactive_cost_usd
    cost = reviews.cost(review.id)
    assert cost.actual_usd == pytest.approx(cost.interactive_usd) and cost.cells == 6


def test_cancel_starts_nothing_more(reviews: ReviewService, contracts: list[int], sandbox: Any) -> None:
    sandbox.faults.set("messages:slow=0.3")
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE, CAP])
    token = CancelToken()
    seen = []
    for cell in reviews.run_now(review.id, cancel=token):
        seen.append(cell)
        if cell.state is CellState.RUNNING:
            token.cancel()
    states = [c.state for c in reviews.cells(review.id)]
    assert states.count(CellState.ANSWERED) == 1 and len(states) == 1  # the one already running is kept


def test_cells_left_running_by_a_closed_app_read_canceled(
    reviews: ReviewService, contracts: list[int], store: Store
) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    key = CellKey(contracts[0], review.questions[0].id)
    store.put_cells([Cell(review.id, key.file_row_id, key.question_id, CellState.RUNNING, mode=RunMode.NOW)])
    cell = reviews.grid(review.id).cell(key.file_row_id, key.question_id)
    assert cell.state is CellState.CANCELED and "Re-run" in (cell.why or "")
    assert reviews.failed_cells(review.id) == [key]


def test_file_gone_cell_offers_renew(reviews: ReviewService, contracts: list[int], files: Any) -> None:
    review = reviews.create_review("Suppliers", MODEL, contracts, [NOTICE])
    files.delete(contracts[1])
    cells = [c for c in reviews.run_now(review.id) if not c.state.pending]
    gone = [c for c in cells if c.state is CellState.FILE_GONE]
    assert [c.file_row_id for c in gone] == [contracts[1]] and "Renew" in (gone[0].why or "")
    grid = reviews.grid(review.id)
    assert [r.gone for r in grid.rows] == [False, True, False]
