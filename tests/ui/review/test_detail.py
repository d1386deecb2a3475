"""The chosen cell in full (issue 11): its answer without the ANSWER line and with its citation marks,
a citation click asks for that citation, Renew offered on a cell whose file is gone, Re-run only for
a cell that is not waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFont, QTextCharFormat

from assistant.catalog import Citation, CitationKind
from assistant.review import AnswerType, Cell, CellState, GridRow, Question
from assistant.ui.review.detail import CellDetail

NOW = datetime(2026, 1, 5, tzinfo=UTC)
QUESTION = Question(11, 1, "What is the notice period?", AnswerType.NUMBER)
ROW = GridRow(1, "alpha.txt", None)


def _anchors(detail: CellDetail) -> dict[str, str]:
    """href -> the text it is on, in the rendered document."""
    found: dict[str, str] = {}
    block = detail.text.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor():
                found[fragment.charFormat().anchorHref()] = fragment.text()
            it += 1
        block = block.next()
    return found


def _formats(detail: CellDetail, text: str) -> QTextCharFormat:
    block = detail.text.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.text() == text:
                return fragment.charFormat()
            it += 1
        block = block.next()
    raise AssertionError(f"{text!r} is not a fragment of its own")


def test_the_answer_shows_its_value_marks_and_sources(qtbot: Any) -> None:
    answer = "ANSWER: 30 days\n\nThe contract says the notice period is 30 days."
    quote = Citation(
        CitationKind.CHAR, "The notice period is 30 days.", 0, "alpha.txt", "file_1", 0, 29, len(answer)
    )
    cell = Cell(1, 1, 11, CellState.ANSWERED, "30 days", 30.0, answer, (quote,))
    detail = CellDetail()
    qtbot.addWidget(detail)
    detail.show_cell(QUESTION, ROW, cell)
    shown = detail.text.toPlainText()
    assert "ANSWER:" not in shown, "the value is shown above the answer, not twice"
    assert "Value: 30 days" in shown and "The contract says" in shown
    assert _formats(detail, "30 days").fontWeight() == QFont.Weight.Bold
    assert "alpha.txt, chars 0–29" in shown
    assert _anchors(detail)["cite:1"] == "[1]"


def test_the_answer_markdown_is_rendered_as_the_chat_renders_it(qtbot: Any) -> None:
    answer = (
        "ANSWER: 30 days\n\nHere is what *alpha-supplier-contract.txt* says:\n\n"
        "- “The notice period is **30 days**.”\n- Nothing else."
    )
    quote = Citation(CitationKind.CHAR, "The notice period is 30 days.", 0, "alpha", "file_1", 0, 29, 62)
    cell = Cell(1, 1, 11, CellState.ANSWERED, "30 days", 30.0, answer, (quote,))
    row = GridRow(1, "my_supplier_notes_v2.txt", None)
    detail = CellDetail()
    qtbot.addWidget(detail)
    detail.show_cell(QUESTION, row, cell)
    shown = detail.text.toPlainText()
    assert "*" not in shown, shown
    assert _formats(detail, "alpha-supplier-contract.txt").fontItalic()
    assert "my_supplier_notes_v2.txt" in shown, "a file's name shows as it is, not as Markdown"
    lists = [b for b in _blocks(detail) if b.textList() is not None]
    assert any("The notice period is" in b.text() for b in lists), "a Markdown list is a list"
    assert _anchors(detail)["cite:1"] == "[1]", "the citation mark is still a link"
    clicked: list[int] = []
    detail.citation_clicked.connect(clicked.append)
    detail.text.anchorClicked.emit(QUrl("cite:1"))
    assert clicked == [1]


def _blocks(detail: CellDetail) -> list[Any]:
    out = []
    block = detail.text.document().begin()
    while block.isValid():
        out.append(block)
        block = block.next()
    return out


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
