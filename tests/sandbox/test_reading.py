"""Reading documents: passages, the tokenizer, and PDF text extracted once per file version."""

from __future__ import annotations

import os
import pathlib

from helpers_pdf import write_pdf

from assistant.sandbox.reading import documents
from assistant.sandbox.reading.passages import MAX_PASSAGE_CHARS, split_passages
from assistant.sandbox.reading.text import count_tokens, token_ends, truncate_to_tokens

from .planning import PDF_PAGES, REFUND_TEXT, Files


def test_long_paragraphs_are_split_into_exact_passages() -> None:
    sentence = "The quick brown fox jumps over the lazy dog number {n}. "
    text = "Intro.\n\n" + "".join(sentence.format(n=n) for n in range(60)) + "\n\n" + "x" * 2000 + "\n\nEnd."
    spans = split_passages((text,))
    assert (spans[0].start, spans[0].end) == (0, 6)
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        assert len(piece) <= MAX_PASSAGE_CHARS
    covered = "".join(text[s.start : s.end] for s in spans)
    assert covered.replace(" ", "") == "".join(text.split())


def test_pdf_text_is_extracted_once_per_file_version(files: Files, tmp_path: pathlib.Path) -> None:
    documents.clear_document_cache()
    path = write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    first = documents.pdf_of_file(path)
    assert documents.pdf_of_file(path) is first, "the same version is read from the cache, not again"
    write_pdf(path, [["A different first page with more words than before."]])
    os.utime(path, ns=(1, 1))
    second = documents.pdf_of_file(path)
    assert second is not first and second.parts[0].startswith("A different")
    assert documents.pdf_of_file(path) is second


def test_tokenizer_is_about_four_characters_a_token() -> None:
    assert count_tokens("") == 0
    assert count_tokens("the") == 1
    assert count_tokens("quick") == 2
    assert count_tokens("Hello, world!") == 6  # Hello(2) ,(1) world(2) !(1)
    assert count_tokens("12345") == 2
    assert count_tokens("a\n\nb") == 3
    assert count_tokens("the quick brown fox") == len(list(token_ends("the quick brown fox")))
    english = REFUND_TEXT * 4
    assert len(english) / 5.5 < count_tokens(english) < len(english) / 3
    assert truncate_to_tokens("the quick brown fox", 3) == ("the quick", 3)
