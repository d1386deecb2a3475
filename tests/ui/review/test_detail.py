"""The chosen cell in full (issue 11): its answer without the ANSWER line and with its citation marks,
a citation click asks for that citation, Renew offered on a cell whose file is gone, Re-run only for
a cell that is not waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QUrl

from assistant.catalog import Citation, CitationKind
from assistant.review import AnswerType, Cell, CellState, GridRow, Question
from assistant.ui.review.detail import CellDetail, answer_html

NOW = datetime(2026, 1, 5, tzinfo=UTC)
QUESTION = Question(11, 1, "What is the notice period?", AnswerType.NUMBER)
ROW = GridRow(1, "alpha.txt", None)


def test_the_answer_shows_its_value_marks_and_sources() -> None:
    answer = "ANSWER: 30 days\n\nThe contract says the notice period is 30 days."
    quote = Citation(
        CitationKind.CHAR, "The notice period is 30 days.", 0, "alpha.txt", "file_1", 0, 29, len(answer)
    )
    cell = Cell(1, 1, 11, CellState.ANSWERED, "30 days", 30.0, answer, (quote,))
    html = answer_html(QUESTION, ROW, cell)
    assert "ANSWER:" not in html, "the value is shown above the answer, not twice"
    assert "Value: <b>30 days</b>" in html
    assert 'href="cite:1"' in html and "The contract says" in html
    assert "alpha.txt, chars 0–29" in html


def test_citation_click_rerun_and_renew(qtbot: Any) -> None:
    detail = CellDetail()
    qtbot.addWidget(detail)
    clicked: list[int] = []
    renew: list[bool] = []
    rerun: list[bool] = []
    detail.citation_clicked.connect(clicked.append)
    detail.renew.connect(lambda: renew.append(True))
    detail.rerun_cell.connect(rerun.append)
    detail.text.anchorClicked.emit(QUrl("cite:2"))
    assert clicked == [2]

    gone = GridRow(1, "alpha.txt", None, gone=True)
    detail.show_cell(QUESTION, gone, Cell(1, 1, 11, CellState.FILE_GONE, why="alpha.txt expired; renew it."))
    assert detail.renew_button.isVisibleTo(detail)
    assert not detail.rerun_button.isEnabled(), "renew first: the file is gone"
    assert "renew it" in detail.text.toPlainText()

    detail.show_cell(QUESTION, ROW, Cell(1, 1, 11, CellState.QUEUED))
    assert not detail.renew_button.isVisibleTo(detail) and not detail.rerun_button.isEnabled()
    detail.show_cell(QUESTION, ROW, Cell(1, 1, 11, CellState.ERRORED, why="The API failed."))
    assert detail.rerun_button.isEnabled()
    detail.rerun_button.click()
    assert rerun == [True], "a click re-runs now; the arrow offers a batch"
    detail.set_failed(3)
    assert detail.failed_button.text() == "Re-run 3 failed" and detail.failed_button.isEnabled()
