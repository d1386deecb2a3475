"""Prepared documents go through the real SDK to the local sandbox: uploaded under their upload name and
type, and a question about them gets an answer cited from the uploaded text (or pages)."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import anthropic
import pytest
from anthropic.types import CitationCharLocation, CitationPageLocation, TextBlock
from helpers_pdf import make_pdf

from assistant.documents import PreparedDocument, prepare
from assistant.sandbox.server import SandboxServer

from . import corpus

MODEL = "claude-sonnet-5-5"


@pytest.fixture
def client(sandbox: object) -> Iterator[anthropic.Anthropic]:
    assert isinstance(sandbox, SandboxServer)
    with anthropic.Anthropic(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=0) as c:
        yield c


def ask(block: Mapping[str, object], question: str) -> Any:
    """One user turn: the block, then the question (as the SDK's loosely typed message params)."""
    return [{"role": "user", "content": [block, {"type": "text", "text": question}]}]


def cited_document(file_id: str) -> dict[str, object]:
    """A document block for an uploaded file, with citations on."""
    return {
        "type": "document",
        "source": {"type": "file", "file_id": file_id},
        "citations": {"enabled": True},
    }


def upload(client: anthropic.Anthropic, doc: PreparedDocument) -> str:
    f = client.files.upload(file=(doc.upload_name, doc.upload_path.read_bytes(), doc.mime_type))
    assert (f.filename, f.mime_type, f.size_bytes) == (doc.upload_name, doc.mime_type, doc.upload_size)
    return f.id


CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # name: (content, question, a phrase the cited passage must hold)
    "notes.txt": (
        lambda: b"The ferry leaves at nine.\n\nStorm lanterns are kept in the north shed.\n",
        "Where are the storm lanterns kept?",
        "north shed",
    ),
    "menu-cp1252.txt": (
        lambda: "Café menu.\n\nThe soupe du jour costs 7 € today.\n".encode("cp1252"),
        "How much does the soupe du jour cost?",
        "7 €",
    ),
    "report.docx": (corpus.docx_bytes, "What is said about the conclusion after the table?", "conclusion"),
    "book.xlsx": (corpus.xlsx_bytes, "What amount does Alice have?", "Alice"),
    "deck.pptx": (corpus.pptx_bytes, "Whom should the speaker remember to thank?", "thank the hosts"),
    "bundle.zip": (
        lambda: corpus.zip_bytes(
            {"docs/report.docx": corpus.docx_bytes(), "faq.md": b"The orchard opens in May.\n"}
        ),
        "When does the orchard open?",
        "orchard opens in May",
    ),
    "bundle.tar.gz": (
        lambda: corpus.tar_bytes({"logs/app.log": b"2026-01-01 ERROR disk quota exceeded on volume seven\n"}),
        "Which volume exceeded its disk quota?",
        "volume seven",
    ),
    "man-db-manual.txt.gz": (
        lambda: gzip.compress(
            b"man-db manual\n\nThe mandb program maintains the index caches of the manual pages.\n"
        ),
        "Which program maintains the index caches?",
        "mandb program maintains",
    ),
    'plan: "v2"?.md': (
        lambda: b"# Plan\n\nThe launch moves to Thursday.\n",
        "When is the launch?",
        "Thursday",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_prepared_text_uploads_and_is_cited(client: anthropic.Anthropic, tmp_path: Path, name: str) -> None:
    make, question, phrase = CASES[name]
    path = tmp_path / name
    path.write_bytes(make())
    doc = prepare(path, cache_dir=tmp_path / "cache")
    assert doc.mime_type == "text/plain"
    file_id = upload(client, doc)
    message = client.messages.create(
        model=MODEL,
        max_tokens=400,
        messages=ask(cited_document(file_id), question),
    )
    text = doc.upload_path.read_text(encoding="utf-8")
    cites = [c for b in message.content if isinstance(b, TextBlock) for c in (b.citations or [])]
    assert cites
    for cite in cites:
        assert isinstance(cite, CitationCharLocation) and cite.file_id == file_id
        assert text[cite.start_char_index : cite.end_char_index] == cite.cited_text
    assert any(phrase in c.cited_text for c in cites)


def test_prepared_pdf_uploads_and_is_cited_by_page(client: anthropic.Anthropic, tmp_path: Path) -> None:
    path = tmp_path / "orchard.pdf"
    path.write_bytes(
        make_pdf([["Apples were harvested in September."], ["The cider press broke in October."]])
    )
    doc = prepare(path, cache_dir=tmp_path / "cache")
    file_id = upload(client, doc)
    message = client.messages.create(
        model=MODEL,
        max_tokens=400,
        messages=ask(cited_document(file_id), "When did the cider press break?"),
    )
    cites = [c for b in message.content if isinstance(b, TextBlock) for c in (b.citations or [])]
    assert any(
        isinstance(c, CitationPageLocation) and c.start_page_number == 2 and "cider press" in c.cited_text
        for c in cites
    )


def test_prepared_image_uploads_as_an_image_block(client: anthropic.Anthropic, tmp_path: Path) -> None:
    path = tmp_path / "chart.webp"
    path.write_bytes(corpus.image_bytes("WEBP"))
    doc = prepare(path, cache_dir=tmp_path / "cache")
    file_id = upload(client, doc)
    block = {"type": doc.block, "source": {"type": "file", "file_id": file_id}}
    message = client.messages.create(
        model=MODEL,
        max_tokens=100,
        messages=ask(block, "What is this?"),
    )
    assert any(isinstance(b, TextBlock) and b.text for b in message.content)
