"""Answers below HTTP: the passages quoted, their citations, the lead and notes, max_tokens."""

from __future__ import annotations

import base64

from helpers_pdf import make_pdf

from assistant.sandbox.reading import documents
from assistant.sandbox.reading.text import count_tokens
from assistant.sandbox.request.parser import count_request_tokens

from .helpers import make_png
from .planning import (
    MODEL,
    PDF_PAGES,
    REFUND_TEXT,
    Files,
    ask,
    citations,
    doc_file,
    doc_text,
    full_text,
    pdf_page_texts,
    plan,
)


def test_text_citations_are_exactly_at_their_char_locations(files: Files) -> None:
    file_id = files.add("handbook.txt", "text/plain", REFUND_TEXT.encode())
    result = plan(ask(doc_file(file_id, title="Handbook"), question="How long do refunds take?"), files)

    found = citations(result)
    assert found, full_text(result)
    for citation in found:
        assert citation["type"] == "char_location"
        assert citation["document_index"] == 0
        assert citation["document_title"] == "Handbook"
        assert citation["file_id"] == file_id
        start, end = citation["start_char_index"], citation["end_char_index"]
        assert isinstance(start, int) and isinstance(end, int)
        assert REFUND_TEXT[start:end] == citation["cited_text"]
    assert "refund" in str(found[0]["cited_text"]).lower()
    assert result.stop_reason == "end_turn"
    assert "Handbook" in result.blocks[0].text


def test_pdf_citations_name_the_page_the_text_is_on(files: Files) -> None:
    data = make_pdf(PDF_PAGES)
    file_id = files.add("report.pdf", "application/pdf", data)
    result = plan(
        ask(doc_file(file_id, title="Report"), question="What did the board approve for parental leave?"),
        files,
    )

    pages = pdf_page_texts(data)
    found = citations(result)
    assert found
    first = found[0]
    assert first["type"] == "page_location"
    assert first["start_page_number"] == 2
    assert first["end_page_number"] == 3
    assert first["file_id"] == file_id
    assert first["document_title"] == "Report"
    for citation in found:
        start = citation["start_page_number"]
        assert isinstance(start, int)
        assert citation["end_page_number"] == start + 1
        assert str(citation["cited_text"]) in pages[start - 1]
    assert "sixteen weeks" in str(first["cited_text"])
    assert "page 2" in full_text(result)


def test_document_index_counts_documents_across_the_request(files: Files) -> None:
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    other = "Penguins live in the southern hemisphere.\n\nThey cannot fly but swim very well."
    body: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 500,
        "messages": [
            {"role": "user", "content": [doc_file(pdf_id), {"type": "text", "text": "Read this."}]},
            {"role": "assistant", "content": "Done."},
            {
                "role": "user",
                "content": [doc_text(other, title="Birds"), {"type": "text", "text": "Can penguins fly?"}],
            },
        ],
    }
    found = citations(plan(body, files))
    assert found
    assert found[0]["document_index"] == 1
    assert found[0]["document_title"] == "Birds"
    assert found[0]["file_id"] is None
    start, end = found[0]["start_char_index"], found[0]["end_char_index"]
    assert isinstance(start, int) and isinstance(end, int)
    assert other[start:end] == found[0]["cited_text"]


def test_base64_pdf_and_content_documents_are_cited(files: Files) -> None:
    data = make_pdf(PDF_PAGES)
    body = ask(
        {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(data).decode(),
            },
            "citations": {"enabled": True},
        },
        {
            "type": "document",
            "source": {
                "type": "content",
                "content": [
                    {"type": "text", "text": "Currency exposure is hedged monthly."},
                    {"type": "text", "text": "Unrelated chunk."},
                ],
            },
            "citations": {"enabled": True},
        },
        question="How is currency exposure handled?",
    )
    found = citations(plan(body, files))
    kinds = {str(c["type"]) for c in found}
    assert kinds == {"page_location", "content_block_location"}
    for citation in found:
        if citation["type"] == "content_block_location":
            assert citation["document_index"] == 1
            assert citation["start_block_index"] == 0
            assert citation["end_block_index"] == 1
            assert citation["cited_text"] == "Currency exposure is hedged monthly."
        else:
            assert citation["start_page_number"] == 3
            assert str(citation["cited_text"]) in pdf_page_texts(data)[2]


def test_without_citations_the_answer_is_one_plain_block(files: Files) -> None:
    result = plan(ask(doc_text(REFUND_TEXT, citations=None), question="What is the refund policy?"), files)
    assert len(result.blocks) == 1
    assert result.blocks[0].citations == []
    assert "returns within 30 days" in result.blocks[0].text


def test_no_documents_explains_the_sandbox(files: Files) -> None:
    result = plan(ask(question="What is the capital of France?"), files)
    text = full_text(result)
    assert "sandbox" in text and "attach" in text.lower()
    assert citations(result) == []


def test_no_match_says_so_and_names_the_documents(files: Files) -> None:
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    body = ask(
        doc_file(pdf_id, title="Annual report"),
        doc_text(REFUND_TEXT, title="Handbook"),
        question="Explain quantum chromodynamics",
    )
    result = plan(body, files)
    text = full_text(result)
    assert "nothing" in text
    assert "Annual report" in text and "Handbook" in text
    assert citations(result) == []


def test_summary_request_quotes_the_opening(files: Files) -> None:
    result = plan(ask(doc_text(REFUND_TEXT, title="Handbook"), question="Summarize this"), files)
    found = citations(result)
    assert found and found[0]["start_char_index"] == 0
    assert found[0]["cited_text"] == "Welcome to the Acme handbook."


def test_images_are_named_and_counted_by_size(files: Files) -> None:
    image_id = files.add("chart.png", "image/png", make_png(300, 150))
    body = ask(
        {"type": "image", "source": {"type": "file", "file_id": image_id}}, question="What does it show?"
    )
    text = full_text(plan(body, files))
    assert "chart.png" in text and "300×150" in text and "cannot" in text
    without = count_request_tokens(ask(question="What does it show?"), files)
    # A 300 x 150 image is 300 * 150 / 750 = 60 tokens, plus a small fixed framing.
    assert 60 <= count_request_tokens(body, files) - without <= 70

    big = files.add("photo.png", "image/png", make_png(2000, 1500))
    body_big = ask(
        {"type": "image", "source": {"type": "file", "file_id": big}}, question="What does it show?"
    )
    assert count_request_tokens(body_big, files) - without <= documents.IMAGE_MAX_TOKENS + 10


def test_the_answer_is_deterministic(files: Files) -> None:
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    body = ask(doc_file(pdf_id), doc_text(REFUND_TEXT), question="risks and refunds")
    first, second = plan(body, files), plan(body, files)
    assert first.blocks == second.blocks
    assert first.usage == second.usage


def test_max_tokens_cuts_the_answer(files: Files) -> None:
    body = ask(doc_text(REFUND_TEXT), question="What is the refund policy?")
    complete = plan(body, files)
    body["max_tokens"] = 12
    cut = plan(body, files)
    assert cut.stop_reason == "max_tokens"
    assert cut.usage["output_tokens"] == 12
    assert full_text(complete).startswith(full_text(cut))
    assert count_tokens(full_text(cut)) <= 12 < count_tokens(full_text(complete))
    assert complete.usage["output_tokens"] == sum(count_tokens(b.text) for b in complete.blocks)


def test_odd_text_is_handled(files: Files) -> None:
    body = ask(
        doc_text("Caf\u00e9 \ud800 menu: espresso and croissants.", title="Menu"), question="espresso?"
    )
    found = citations(plan(body, files))
    assert found and "espresso" in str(found[0]["cited_text"])


def test_repeated_passages_are_quoted_once(files: Files) -> None:
    text = (
        "Refund desk: call 555.\n\nOpening hours.\n\nRefund desk: call 555.\n\n"
        "Refunds take five days at the desk."
    )
    found = citations(plan(ask(doc_text(text), question="refund desk"), files))
    quoted = [str(c["cited_text"]) for c in found]
    assert len(quoted) == len(set(quoted)) >= 2
    assert "Refunds take five days at the desk." in quoted


def test_a_document_without_a_question_gets_its_opening(files: Files) -> None:
    result = plan(ask(doc_text(REFUND_TEXT, title="Handbook"), question=None), files)
    assert result.blocks[0].text.startswith("Here is how *Handbook* begins")
    assert [c["start_char_index"] for c in citations(result)] == [0, REFUND_TEXT.index("Our refund")]
