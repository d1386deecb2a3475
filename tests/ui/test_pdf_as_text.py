"""A PDF sent as text (issue 14), through the real window against the sandbox: with Settings' "Always"
it is uploaded as its text yet listed as the PDF ("PDF (as text)"); a question's citation says its true
page, and clicking it opens the PDF at that page with the passage highlighted. With "Ask" (the default)
it goes as a PDF and its row says what each way costs; "Send as text" in its context menu swaps it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from assistant.catalog import CitationKind
from assistant.catalog.rules import HINT
from assistant.settings import PdfAsText
from assistant.ui.files_model import Col
from assistant.ui.main_window import MainWindow
from assistant.ui.source.locate import squeeze
from assistant.ui.theme import info_icon
from tests.helpers_pdf import write_pdf
from tests.support import Windows
from tests.ui.test_converted import shown_rows
from tests.ui.test_source_pane import (
    PAGES,
    ask,
    click_citation,
    open_window,
    upload,
)

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    return open_window(windows, tmp_path, sandbox, qtbot)


def test_a_pdf_sent_as_text_is_listed_as_the_pdf_and_cited_and_opened_at_its_page(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    ctx = window.ctx
    ctx.save_settings(dataclasses.replace(ctx.settings, pdf_as_text=PdfAsText.ALWAYS))
    pdf = write_pdf(tmp_path / "harbour.pdf", PAGES)
    upload(window, qtbot, pdf)

    record, cells = shown_rows(window)["harbour.pdf"]
    assert cells[Col.TYPE] == "PDF (as text)"
    assert record.mime_type == "text/plain" and record.filename == "harbour.pdf.txt"
    assert len(record.page_starts) == 3
    assert any(w.startswith(HINT + "Sent as text: about") for w in record.warnings)

    turn = ask(window, qtbot, "When was the lamp replaced, and how far does its beam reach?")
    assert all(c.kind is CitationKind.PAGE for c in turn.citations), "char_location turned into pages"
    number, citation = next((n, c) for n, c in enumerate(turn.citations, start=1) if c.start == 2)
    assert "beam" in citation.cited_text or "lamp" in citation.cited_text.lower()
    assert "harbour.pdf, p. 2" in window.chat_panel.transcript.toPlainText()

    pane = click_citation(window, qtbot, turn, number)
    assert window.findChild(QLabel, "sourcePageLabel").text() == "Page 2 of 3"
    view = pane.page_view
    assert view.rects, "the passage is highlighted on the PDF's page"
    with pdfium.PdfDocument(str(pdf)) as doc:
        textpage = doc[1].get_textpage()
        read = "".join(textpage.get_text_bounded(*rect) for rect in view.rects)
    assert squeeze(read)[0] == squeeze(citation.cited_text)[0]


def test_ask_sends_the_pdf_says_both_ways_and_send_as_text_swaps_it(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    assert window.ctx.settings.pdf_as_text is PdfAsText.ASK
    upload(window, qtbot, write_pdf(tmp_path / "harbour.pdf", PAGES))
    record, cells = shown_rows(window)["harbour.pdf"]
    assert record.mime_type == "application/pdf" and cells[Col.TYPE] == "PDF"
    note = next(w for w in record.warnings if w.startswith(HINT + "Sent as a PDF: about"))
    assert "as text about" in note and "scanned pages and figures" in note
    # information, not a warning: the State column shows the information sign and no ⚠ anywhere
    model = window.files_model
    state = model.index(model.row_of(record.id), Col.STATE)
    assert state.data(Qt.ItemDataRole.DecorationRole).cacheKey() == info_icon().cacheKey()
    assert "⚠" not in state.data(Qt.ItemDataRole.ToolTipRole) and note in state.data(
        Qt.ItemDataRole.ToolTipRole
    )

    menu = window.files_panel.build_menu([record])
    as_pdf = menu.findChild(QAction, "sendAsPdfAction")
    assert as_pdf is not None and not as_pdf.isEnabled(), "already sent as a PDF"
    as_text = menu.findChild(QAction, "sendAsTextAction")
    assert as_text is not None and as_text.isEnabled()
    as_text.trigger()
    qtbot.waitUntil(lambda: shown_rows(window)["harbour.pdf"][1][Col.TYPE] == "PDF (as text)", timeout=WAIT)
    swapped, _ = shown_rows(window)["harbour.pdf"]
    assert swapped.id == record.id and swapped.file_id != record.file_id
    assert swapped.mime_type == "text/plain" and len(swapped.page_starts) == 3
    assert window.findChild(QWidget, "sourceViewer") is not None
