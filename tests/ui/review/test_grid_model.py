"""The review grid's model on its own (issue 11): qtmodeltester, what each cell state shows, sorting typed
values as values with failed and empty cells below, and results filling cells without a reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from assistant.catalog import Citation, CitationKind
from assistant.review import AnswerType, Cell, CellState, GridRow, Question, Review, ReviewGrid
from assistant.ui.review.grid_model import CELL_ROLE, GridModel, cell_text, cell_tip

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def grid(cells: list[Cell], review_id: int = 1) -> ReviewGrid:
    questions = (
        Question(11, review_id, "Notice period?", AnswerType.NUMBER),
        Question(12, review_id, "Covers remote work?", AnswerType.YES_NO),
    )
    review = Review(review_id, "3 files", "claude-sonnet-5-5", (1, 2, 3), questions, NOW, NOW)
    rows = tuple(GridRow(i, name, None) for i, name in ((1, "b.txt"), (2, "a.txt"), (3, "c.txt")))
    return ReviewGrid(review, rows, {c.key: c for c in cells})


def answered(row: int, question: int, value: str, sort: float | str | None) -> Cell:
    return Cell(1, row, question, CellState.ANSWERED, value, sort, answer=f"It says {value}.")


def shown(model: GridModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = GridModel()
    model.set_grid(grid([answered(1, 11, "14 days", 14.0), Cell(1, 2, 12, CellState.ERRORED, error="boom")]))
    qtmodeltester.check(model, force_py=True)


def test_each_state_says_what_happened() -> None:
    model = GridModel()
    model.set_grid(
        grid(
            [
                answered(1, 11, "14 days", 14.0),
                Cell(1, 1, 12, CellState.NOT_ANSWERED, "not stated", why="The document does not say."),
                Cell(
                    1, 2, 11, CellState.ERRORED, error="overloaded", why="The API was overloaded. Re-run it."
                ),
                Cell(1, 2, 12, CellState.EXPIRED),
                Cell(1, 3, 11, CellState.CANCELED),
                Cell(
                    1, 3, 12, CellState.FILE_GONE, why="c.txt expired on the server; renew it, then re-run."
                ),
            ]
        )
    )
    assert model.headerData(0, Qt.Orientation.Horizontal) == "File"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2)] == [
        "Notice period?",
        "Covers remote work?",
    ]
    assert shown(model) == [
        ["b.txt", "14 days", "∅ not stated"],
        ["a.txt", "⚠ error", "⚠ expired"],
        ["c.txt", "⊘ canceled", "⚠ file gone"],
    ]
    not_stated = model.index(0, 2)
    assert (
        isinstance(not_stated.data(Qt.ItemDataRole.FontRole), QFont)
        and not_stated.data(Qt.ItemDataRole.FontRole).italic()
    )
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None, "an answer is not marked"
    assert "overloaded" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "24-hour" in model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "renew it" in model.index(2, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, 1).data(CELL_ROLE).state is CellState.ERRORED
    assert model.index(2, 1).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_sorting_puts_values_in_order_and_failed_cells_below() -> None:
    model = GridModel()
    model.set_grid(
        grid(
            [
                answered(1, 11, "90 days", 90.0),
                answered(2, 11, "14 days", 14.0),
                Cell(1, 3, 11, CellState.ERRORED),
            ]
        )
    )
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert [r[1] for r in shown(model)] == ["14 days", "90 days", "⚠ error"], "14 < 90 as numbers, not text"
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [r[1] for r in shown(model)] == ["90 days", "14 days", "⚠ error"], "the failed stay below"
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [r[0] for r in shown(model)] == ["a.txt", "b.txt", "c.txt"]


def test_results_fill_cells_without_a_reset(qtbot: Any) -> None:
    model = GridModel()
    model.set_grid(grid([Cell(1, 1, 11, CellState.QUEUED), Cell(1, 2, 11, CellState.QUEUED)]))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column())))
    quote = Citation(CitationKind.CHAR, "fourteen days", 0, "b.txt", "file_1", 0, 13)
    filled = Cell(1, 1, 11, CellState.ANSWERED, "14 days", 14.0, "Fourteen days.", (quote,))
    assert model.update_cells([filled, Cell(2, 1, 11, CellState.ANSWERED, "other review")]) == 1
    assert resets == [] and changed == [(1, 1)], "one cell changed: b.txt, second after sorting by name"
    assert model.index(1, 1).data() == "14 days"
    # the whole grid read again (same rows and questions): still no reset, the row order kept
    model.set_grid(grid([filled, Cell(1, 2, 11, CellState.ERRORED)]))
    assert resets == []
    assert [r[0] for r in shown(model)] == ["a.txt", "b.txt", "c.txt"]
    assert model.index(0, 1).data() == "⚠ error"
    assert cell_text(Cell(1, 1, 11, CellState.QUEUED)) == "queued…"


def test_a_cells_tooltip_shows_its_value_and_the_answer_as_plain_text(qtbot: Any) -> None:
    answer = (
        "ANSWER: supply\n\nHere is what *alpha-contract.txt* says about **supply**:\n\n"
        "- the `notice` is [^1] 30 days"
    )
    cell = Cell(1, 1, 11, CellState.ANSWERED, "supply", "supply", answer=answer)
    tip = cell_tip(cell)
    assert tip.startswith("supply\n")
    assert "Here is what alpha-contract.txt says about supply" in tip
    assert "ANSWER" not in tip and "*" not in tip and "`" not in tip and "[^" not in tip
    long = Cell(1, 1, 11, CellState.ANSWERED, "x", "x", answer="ANSWER: x\n" + "word " * 200)
    assert cell_tip(long).endswith("…") and len(cell_tip(long)) < 320
