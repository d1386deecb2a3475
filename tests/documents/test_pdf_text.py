"""A PDF sent as text (issue 14): its text page by page with where each page starts, known as the PDF,
the token figures both ways, pages without text said, and char_location citations turned into pages."""

from __future__ import annotations

from pathlib import Path

from assistant.api.parse import on_pages
from assistant.catalog import Citation, CitationKind
from assistant.documents import prepare
from assistant.documents.pdf_text import page_of, page_range
from tests.helpers_pdf import make_pdf

PAGES = [
    ["The harbour ledger counted crates.", "Seals were checked."],
    [],  # a scan: no text layer
    ["The granary ledger balanced at the end of the week."],
]


def test_a_pdf_sent_as_text_uploads_its_pages_text_with_their_starts(src: Path, cache_dir: Path) -> None:
    path = src / "ledgers.pdf"
    path.write_bytes(make_pdf(PAGES))
    doc = prepare(path, cache_dir=cache_dir, pdf_as_text=True)
    text = doc.upload_path.read_text(encoding="utf-8")
    assert doc.as_text and doc.mime_type == "text/plain" and doc.source_kind == "pdf"
    assert doc.upload_name == "ledgers.pdf.txt" and doc.original_name == "ledgers.pdf"
    assert doc.page_count == 3 and len(doc.page_starts) == 3
    assert text[doc.page_starts[0] :].startswith("The harbour ledger")
    assert text[doc.page_starts[2] :].startswith("The granary ledger")
    assert doc.figures is not None and doc.figures.empty_pages == (2,)
    assert doc.figures.as_text < doc.figures.as_pdf
    assert any("1 of its 3 pages (2) have no text" in w and "Send it as a PDF" in w for w in doc.warnings)
    assert prepare(path, cache_dir=cache_dir, max_pdf_pages=2).needs_split is not None
    assert (
        doc.needs_split is None
        and prepare(path, cache_dir=cache_dir, max_pdf_pages=2, pdf_as_text=True).needs_split is None
    )
    again = prepare(path, cache_dir=cache_dir, pdf_as_text=True)  # the cached text, with its page starts
    assert again.upload_path == doc.upload_path and again.page_starts == doc.page_starts


def test_a_pdf_sent_as_a_pdf_can_say_what_it_would_cost_as_text(src: Path, cache_dir: Path) -> None:
    path = src / "ledgers.pdf"
    path.write_bytes(make_pdf(PAGES))
    doc = prepare(path, cache_dir=cache_dir, pdf_figures=True)
    assert doc.mime_type == "application/pdf" and not doc.as_text and doc.page_starts == ()
    assert doc.figures is not None and doc.figures.pages == 3 and 0 < doc.figures.ratio < 1
    assert prepare(path, cache_dir=cache_dir).figures is None


def test_char_citations_of_a_pdf_sent_as_text_become_its_pages() -> None:
    starts = (0, 100, 250)
    assert [page_of(starts, i) for i in (0, 99, 100, 249, 250, 9999)] == [1, 1, 2, 2, 3, 3]
    assert page_range(starts, 120, 260) == (2, 4)  # pages 2-3, end exclusive
    cited = Citation(CitationKind.CHAR, "granary", 0, "ledgers.pdf", "file_1", 260, 280)
    paged = on_pages(cited, starts)
    assert (paged.kind, paged.start, paged.end, paged.cited_text) == (CitationKind.PAGE, 3, 4, "granary")
    assert on_pages(cited, ()) == cited  # a text file without a page table stays as it is
