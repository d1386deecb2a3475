"""See the source (issue 13): through the real window against the sandbox, a citation clicked in the
answer opens the source pane beside the chat with the cited passage highlighted: on its PDF page (the
highlight's boxes read back through PDFium give the citation's ``cited_text``), in a text file, in a
converted Word file with its place said in words; a gone local copy is said, with the cited text; and a
citation mark's tooltip shows the passage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from assistant.catalog import Citation, CitationKind, Turn
from assistant.ui.main_window import MainWindow
from assistant.ui.source.locate import squeeze
from tests.documents.corpus import docx_bytes
from tests.helpers_pdf import write_pdf
from tests.support import REPORT_TEXT, Windows, sandbox_keys

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

PAGES = [
    ["Harbour report, page one.", "The lighthouse stands on the north pier of the old harbour."],
    [
        "The lamp. A rotating LED lamp replaced the paraffin burner in March 2023.",
        "Its beam reaches twenty-two nautical miles and it flashes white",
        "every six seconds, day and night.",
    ],
    ["Keepers. The last resident keeper, Marta Quint, left in 1987."],
]


def open_window(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    """A window on the sandbox, connected, shown at 1366x768 (the source pane tests share it)."""
    built = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: built.session.services is not None, timeout=WAIT)
    built.resize(1366, 768)
    built.show()
    qtbot.waitExposed(built)
    return built


@pytest.fixture
def window(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    return open_window(windows, tmp_path, sandbox, qtbot)


def upload(window: MainWindow, qtbot: Any, *paths: Path) -> None:
    before = window.files_model.rowCount()
    window.add_paths(list(paths))
    qtbot.waitUntil(lambda: window.files_model.rowCount() == before + len(paths), timeout=WAIT)
    qtbot.waitUntil(lambda: all(j.finished for j in window.upload_queue.jobs()), timeout=WAIT)


def ask(window: MainWindow, qtbot: Any, question: str) -> Turn:
    chat = window.chat_panel
    chat.set_attached_files(window.files_model.records())
    qtbot.waitUntil(lambda: len(chat.attached_files()) == window.files_model.rowCount(), timeout=WAIT)
    with qtbot.waitSignal(chat.busy_changed, timeout=WAIT, check_params_cb=lambda busy: not busy):
        chat.ask(question)
    qtbot.waitUntil(lambda: not chat.is_rendering, timeout=WAIT)
    store = window.ctx.store
    conversation = store.list_conversations()[0]
    turn = store.list_turns(conversation.id)[-1]
    assert turn.citations, "the sandbox answered with citations"
    return turn


def mark_point(window: MainWindow, turn: Turn, number: int) -> QPoint:
    """Where citation ``number``'s link ([n] in the sources) is drawn in the transcript's viewport."""
    transcript = window.chat_panel.transcript
    href = f"cite:{turn.id}:{number}"
    block = transcript.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(transcript.document())
                cursor.setPosition(fragment.position() + 1)
                transcript.setTextCursor(cursor)
                transcript.ensureCursorVisible()
                return transcript.cursorRect(cursor).center() - QPoint(2, 0)
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href} in the transcript")


def click_citation(window: MainWindow, qtbot: Any, turn: Turn, number: int) -> QWidget:
    viewport = window.chat_panel.transcript.viewport()
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, mark_point(window, turn, number)
    )
    pane = window.findChild(QWidget, "sourceViewer")
    assert pane is not None
    label = window.findChild(QLabel, "sourcePageLabel")
    qtbot.waitUntil(lambda: pane.isVisible() and label.text() != "Opening…", timeout=WAIT)
    return pane


def first(turn: Turn, kind: CitationKind) -> tuple[int, Citation]:
    return next((n, c) for n, c in enumerate(turn.citations, start=1) if c.kind is kind)


def test_a_pdf_citation_shows_its_page_with_the_cited_characters_highlighted(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "harbour.pdf", PAGES)
    upload(window, qtbot, pdf)
    turn = ask(window, qtbot, "When was the lamp replaced, and how far does its beam reach?")
    number, citation = next(
        (n, c) for n, c in enumerate(turn.citations, start=1) if c.kind is CitationKind.PAGE and c.start == 2
    )
    assert not window.findChild(QWidget, "sourceViewer").isVisible(), "no pane before a citation is opened"

    pane = click_citation(window, qtbot, turn, number)
    assert window.findChild(QLabel, "sourcePageLabel").text() == "Page 2 of 3"
    view = pane.page_view
    assert view.isVisible() and not view.canvas.image.isNull()
    assert view.rects, "the passage is highlighted"

    # the highlight's boxes, read back from the page's own characters, are the cited text
    with pdfium.PdfDocument(str(pdf)) as doc:
        textpage = doc[1].get_textpage()
        read = "".join(textpage.get_text_bounded(*rect) for rect in view.rects)
    assert squeeze(read)[0] == squeeze(citation.cited_text)[0]

    # and the highlight is in view, over the picture of the page
    box = view.canvas.to_widget(view.rects[0])
    assert view.viewport().rect().contains(view.canvas.mapTo(view.viewport(), box.center().toPoint()))

    # pages: the next page has no highlight; back again has it
    window.activateWindow()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.hasFocus, timeout=WAIT)
    QTest.keyClick(view, Qt.Key.Key_PageDown)
    label = window.findChild(QLabel, "sourcePageLabel")
    qtbot.waitUntil(lambda: label.text() == "Page 3 of 3", timeout=WAIT)
    assert view.rects == ()
    QTest.keyClick(view, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: label.text() == "Page 2 of 3", timeout=WAIT)
    assert view.rects


def test_a_text_citation_highlights_its_range_and_hover_shows_the_passage(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT_TEXT, "utf-8")
    upload(window, qtbot, report)
    turn = ask(window, qtbot, "How much did the restoration cost, who paid, and when was the lamp replaced?")
    number, citation = first(turn, CitationKind.CHAR)

    # hovering the mark shows the passage and its place
    transcript = window.chat_panel.transcript
    point = mark_point(window, turn, number)
    event = QHelpEvent(QEvent.Type.ToolTip, point, transcript.viewport().mapToGlobal(point))
    QApplication.sendEvent(transcript.viewport(), event)
    assert QToolTip.isVisible()
    assert citation.cited_text.split()[0] in QToolTip.text() and "report.txt, chars" in QToolTip.text()
    QToolTip.hideText()

    pane = click_citation(window, qtbot, turn, number)
    text = pane.text_view
    assert text.isVisible()
    (highlight,) = text.extraSelections()
    assert highlight.cursor.selectedText() == REPORT_TEXT[citation.start : citation.end]
    line = REPORT_TEXT.count("\n", 0, citation.start) + 1
    label = window.findChild(QLabel, "sourcePageLabel")
    assert label.text() == f"report.txt — line {line}"

    # the answer's citations are listed; N steps to the next one, P back
    assert len(turn.citations) > 1 and pane.citations.count() == len(turn.citations)
    assert pane.citations.item(number - 1).text().startswith(f"[{number}] report.txt, chars ")  # named
    following = turn.citations[number]
    window.activateWindow()
    text.setFocus()
    QTest.keyClick(text, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: pane.citations.currentRow() == number, timeout=WAIT)

    def highlighted() -> str:
        return "".join(s.cursor.selectedText() for s in text.extraSelections())

    qtbot.waitUntil(lambda: highlighted() == REPORT_TEXT[following.start : following.end], timeout=WAIT)
    QTest.keyClick(text, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: pane.citations.currentRow() == number - 1, timeout=WAIT)

    # Ctrl+F finds in the document
    QTest.keyClick(text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.findChild(QWidget, "sourceFind")
    assert find.hasFocus()
    QTest.keyClicks(find, "Marta Quint")
    QTest.keyClick(find, Qt.Key.Key_Return)
    assert text.textCursor().selectedText() == "Marta Quint"


def test_a_converted_word_file_says_where_the_passage_is(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    memo = tmp_path / "q3-budget-memo.docx"
    memo.write_bytes(docx_bytes())
    upload(window, qtbot, memo)
    turn = ask(window, qtbot, "What comes after the table?")
    number, citation = first(turn, CitationKind.CHAR)
    pane = click_citation(window, qtbot, turn, number)
    (highlight,) = pane.text_view.extraSelections()
    assert " ".join(highlight.cursor.selectedText().split()) == " ".join(citation.cited_text.split())
    label = window.findChild(QLabel, "sourcePageLabel").text()
    assert label.startswith("q3-budget-memo.docx — under the heading “"), label


def test_a_gone_local_copy_is_said_and_the_cited_text_shown(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "harbour.pdf", PAGES)
    upload(window, qtbot, pdf)
    turn = ask(window, qtbot, "When was the lamp replaced?")
    number, citation = first(turn, CitationKind.PAGE)
    pdf.unlink()
    pane = click_citation(window, qtbot, turn, number)
    notice = window.findChild(QLabel, "sourceNotice")
    assert notice.isVisible()
    assert f"The local copy of harbour.pdf is gone ({pdf})" in notice.text()
    assert pane.text_view.isVisible()
    assert pane.text_view.toPlainText() == citation.cited_text
