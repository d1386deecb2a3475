"""A text-heavy PDF sent as text against the same PDF sent as a PDF document (run by `make bench`).

Issue 14: "A text-heavy 40-page PDF sent as text: billed input tokens per question at most 40% of the
same PDF sent as a PDF document, with every citation still resolving to its true page." Against the
sandbox's counting (a PDF page costs its text plus the page as an image, as the API bills), through
``documents.prepare`` and the chat service as the app sends: the same questions in two conversations,
one on each upload. Every citation of the text upload must have been turned back into a page, and its
cited text must be on that page of the PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.api.chat import ChatService, Done
from assistant.api.files import FileService
from assistant.api.lifecycle import upload_document
from assistant.catalog import Citation, CitationKind, Store, Usage
from assistant.documents import prepare
from assistant.ui.source.locate import squeeze
from tests.helpers_pdf import make_pdf

MODEL = "claude-sonnet-5-5"
PAGES = 40
TOPICS = [
    "harbour", "granary", "orchard", "quarry", "foundry", "vineyard", "brewery", "tannery", "sawmill",
    "dairy", "apiary", "bakery", "chandlery", "cooperage", "forge", "kiln", "loom", "mill", "pottery",
    "ropewalk", "saltern", "smithy", "stable", "tollhouse", "warehouse", "wharf", "windmill", "workshop",
    "abbey", "barracks", "chapel", "citadel", "college", "courthouse", "hospital", "library", "market",
    "observatory", "school", "theatre",
]  # fmt: skip
ASKED = [1, 5, 9, 14, 18, 22, 27, 31, 36, 40]  # the pages the questions are about


# A page of plain prose: 40 lines of up to ~85 characters (11 pt Helvetica on US Letter), ~3,300
# characters, the text of a full report page. Each line names the page's topic, so a passage is on one page.
PROSE = [
    "The {t} ledger for this year was kept by two clerks who worked at the front desk.",
    "Each day they counted the {t} crates that came in by road and sea, and wrote",
    "the count in the book before noon. When a {t} seal was broken they said so,",
    "and the head clerk signed it. At the end of each week the {t} accounts were read",
    "out loud and checked line by line against the {t} bills of sale the boats left.",
]


def page_lines(number: int) -> list[str]:
    topic = TOPICS[number - 1]
    return [PROSE[line % len(PROSE)].format(t=topic) for line in range(40)]


def _upload(tmp_path: Path, files: FileService, store: Store, *, as_text: bool) -> Any:
    pdf = tmp_path / ("as-text" if as_text else "as-pdf") / "ledgers.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(make_pdf([page_lines(n) for n in range(1, PAGES + 1)]))
    doc = prepare(pdf, cache_dir=tmp_path / "cache", pdf_as_text=as_text, pdf_figures=True)
    assert doc.page_count == PAGES and doc.as_text is as_text
    return upload_document(files, store, doc).record


def _ask(chat: ChatService, store: Store, record: Any) -> tuple[list[Usage], list[Citation]]:
    conv = store.create_conversation("Bench", MODEL)
    store.set_conversation_files(conv.id, [record.id])
    usages: list[Usage] = []
    for page in ASKED:
        events = list(chat.ask(conv.id, f"Who kept the {TOPICS[page - 1]} ledger and what did they count?"))
        done = [e for e in events if isinstance(e, Done)]
        assert done, f"no answer about page {page}: {events[-1]}"
        usages.append(done[0].usage)
    citations = [c for t in store.list_turns(conv.id) for c in t.citations]
    return usages, citations


def _true_pages(cited_text: str) -> set[int]:
    """The pages of the PDF whose own lines hold ``cited_text`` (spacing and case ignored)."""
    cited, _ = squeeze(cited_text)
    return {p for p in range(1, PAGES + 1) if cited in squeeze("\n".join(page_lines(p)))[0]}


def _on_page(citation: Citation) -> bool:
    """The citation names exactly the page its cited text is on."""
    return citation.kind is CitationKind.PAGE and _true_pages(citation.cited_text) == set(
        range(citation.start, citation.end)
    )


def test_a_text_heavy_pdf_sent_as_text_bills_at_most_40_percent_with_true_pages(
    tmp_path: Path, client: Any, store: Store, sandbox: Any
) -> None:
    files = FileService(client, store, retention_seconds=86_400)
    as_pdf = _upload(tmp_path, files, store, as_text=False)
    as_text = _upload(tmp_path, files, store, as_text=True)
    chat = ChatService(client, store, max_tokens=1024, cache_ttl="5m", clock=sandbox.clock.now)
    pdf_usages, pdf_cites = _ask(chat, store, as_pdf)
    sandbox.clock.advance(7200)  # the other run starts with a cold cache too
    text_usages, text_cites = _ask(chat, store, as_text)
    per_pdf = sum(u.total_input_tokens for u in pdf_usages) / len(pdf_usages)
    per_text = sum(u.total_input_tokens for u in text_usages) / len(text_usages)
    ratio = per_text / per_pdf
    resolved = sum(_on_page(c) for c in text_cites)
    print(
        f"\n[PDF as text, {PAGES} pages, {len(ASKED)} questions] billed input per question: as a PDF "
        f"{per_pdf:,.0f} tokens, as text {per_text:,.0f} tokens = {ratio:.1%} (limit 40%); citations as "
        f"text {resolved}/{len(text_cites)} on their true page (as a PDF: {len(pdf_cites)} citations)"
    )
    assert text_cites, "the answers cite the document"
    assert resolved == len(text_cites)
    assert {c.start for c in text_cites} >= set(ASKED), "each question's page is cited"
    assert ratio <= 0.40
