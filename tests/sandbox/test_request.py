"""Request parsing below HTTP: what the API rejects, limits, and the tokens a request counts."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from helpers_pdf import make_pdf

from assistant.sandbox.answer.cache import CacheLedger
from assistant.sandbox.answer.plan import plan_message
from assistant.sandbox.errors import ApiError
from assistant.sandbox.reading.text import count_tokens
from assistant.sandbox.request import sources
from assistant.sandbox.request.parser import count_request_tokens

from .helpers import make_png
from .planning import (
    MODEL,
    PDF_PAGES,
    REFUND_TEXT,
    Files,
    ask,
    doc_file,
    doc_text,
    full_text,
    pdf_page_texts,
    plan,
    rejected,
    total,
)


def test_citations_must_be_enabled_on_all_documents_or_none(files: Files) -> None:
    error = rejected(
        ask(doc_text("a b c", citations=True), doc_text("d e f", citations=False), question="q"), files
    )
    assert "all" in error.message
    error = rejected(
        ask(doc_text("a b c", citations=True), doc_text("d e f", citations=None), question="q"), files
    )
    assert "messages.0.content.1" in error.message
    plan(ask(doc_text("a b c", citations=False), doc_text("d e f", citations=None), question="q"), files)


def test_files_of_the_wrong_type_for_the_block_are_rejected(files: Files) -> None:
    image_id = files.add("chart.png", "image/png", make_png(2, 2))
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    text_id = files.add("notes.txt", "text/plain", b"notes")
    error = rejected(ask(doc_file(image_id), question="q"), files)
    assert "wrong type" in error.message and image_id in error.message
    for file_id in (pdf_id, text_id):
        error = rejected(
            ask({"type": "image", "source": {"type": "file", "file_id": file_id}}, question="q"), files
        )
        assert "wrong type" in error.message and file_id in error.message


@pytest.mark.parametrize(
    ("messages", "needle"),
    [
        (
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [doc_text("x")]}],
            "user messages",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "hi", "citations": [{"type": "char_location"}]}],
                }
            ],
            "citations",
        ),
        ([{"role": "user", "content": [{"type": "video", "source": {}}]}], "'video'"),
        ([{"role": "user", "content": []}], "non-empty content"),
        ([{"role": "user", "content": ""}], "non-empty content"),
        ([{"role": "assistant", "content": "hi"}], "first message"),
        ([{"role": "system", "content": "hi"}], "role"),
        ([{"role": "user", "content": [{"type": "text", "text": "  "}]}], "non-whitespace"),
        (
            [{"role": "user", "content": [doc_text("x") | {"source": {"type": "url", "url": "https://x"}}]}],
            "URL",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [
                        doc_text("x") | {"source": {"type": "text", "media_type": "text/html", "data": "x"}}
                    ],
                }
            ],
            "text/plain",
        ),
        (
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Sure "}],
            "trailing whitespace",
        ),
    ],
)
def test_content_the_api_rejects(files: Files, messages: list[dict[str, Any]], needle: str) -> None:
    error = rejected({"model": MODEL, "max_tokens": 10, "messages": messages}, files)
    assert needle in error.message


def test_cache_control_rules(files: Files) -> None:
    def text(n: int, ttl: str | None = None) -> dict[str, Any]:
        control: dict[str, Any] = {"type": "ephemeral"} | ({"ttl": ttl} if ttl else {})
        return {"type": "text", "text": f"part {n}", "cache_control": control}

    error = rejected(ask(*(text(n) for n in range(5)), question="q"), files)
    assert "maximum of 4" in error.message and "Found 5" in error.message
    # Automatic caching takes a slot too.
    error = rejected(
        ask(*(text(n) for n in range(4)), question="q", cache_control={"type": "ephemeral"}), files
    )
    assert "Found 5" in error.message
    error = rejected(ask(text(0, "2h"), question="q"), files)
    assert "ttl" in error.message
    error = rejected(ask(text(0, "5m"), text(1, "1h"), question="q"), files)
    assert "1h" in error.message
    plan(ask(text(0, "1h"), text(1, "5m"), *(text(n) for n in range(2, 4)), question="q"), files)


def test_unknown_and_expired_files_propagate_the_resolvers_error(files: Files) -> None:
    with pytest.raises(ApiError) as caught:
        plan(ask(doc_file("file_missing"), question="q"), files)
    assert caught.value.status == 404 and caught.value.error_code is None
    file_id = files.add("notes.txt", "text/plain", b"notes")
    files.expired.add(file_id)
    with pytest.raises(ApiError) as caught:
        count_request_tokens(ask(doc_file(file_id), question="q"), files)
    assert caught.value.status == 404 and caught.value.error_code == "file_expired"


def test_an_unreadable_pdf_is_a_clear_400(files: Files) -> None:
    file_id = files.add("broken.pdf", "application/pdf", b"%PDF-1.4\nthis is not really a pdf")
    error = rejected(ask(doc_file(file_id), question="q"), files)
    assert "PDF" in error.message and "not valid" in error.message and "broken.pdf" in error.message


def test_counted_tokens_match_the_messages_usage(files: Files) -> None:
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    body = ask(
        doc_file(pdf_id, title="Report"),
        doc_text(REFUND_TEXT),
        question="What about risks?",
        system="You answer about documents.",
    )
    counted = count_request_tokens(body, files)
    assert counted == count_request_tokens(body, files)
    usage = plan(body, files).usage
    assert usage["input_tokens"] == counted
    assert total(usage) == counted
    assert usage["service_tier"] == "standard"
    # The documents' text is counted.
    without = count_request_tokens(
        ask(question="What about risks?", system="You answer about documents."), files
    )
    assert counted - without > count_tokens(REFUND_TEXT) + sum(
        count_tokens(p) for p in pdf_page_texts(make_pdf(PDF_PAGES))
    )


def test_limits_on_pages_and_prompt_length(files: Files, monkeypatch: pytest.MonkeyPatch) -> None:
    body = ask(doc_text(REFUND_TEXT), question="refunds?")
    counted = count_request_tokens(body, files)
    with pytest.raises(ApiError) as caught:
        plan_message(body, files, CacheLedger(), 0.0, max_input_tokens=counted - 1)
    error = caught.value
    assert error.status == 400 and f"{counted} tokens > {counted - 1} maximum" in error.message
    plan_message(body, files, CacheLedger(), 0.0, max_input_tokens=counted)

    monkeypatch.setattr(sources, "MAX_PDF_PAGES", 4)
    pdf_id = files.add("report.pdf", "application/pdf", make_pdf(PDF_PAGES))
    plan(ask(doc_file(pdf_id), question="q"), files)
    assert (
        "maximum of 4 PDF pages"
        in rejected(ask(doc_file(pdf_id), doc_file(pdf_id), question="q"), files).message
    )


def test_inline_images_must_be_what_their_media_type_says(files: Files) -> None:
    def image(data: bytes, media_type: str) -> dict[str, Any]:
        encoded = base64.b64encode(data).decode()
        return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": encoded}}

    text = full_text(plan(ask(image(make_png(75, 10), "image/png"), question="what is it?"), files))
    assert "*image 1* (75×10)" in text
    assert "does not match" in rejected(ask(image(make_png(2, 2), "image/jpeg"), question="q"), files).message
    assert (
        "Could not process" in rejected(ask(image(b"not an image", "image/png"), question="q"), files).message
    )
    assert (
        "base64"
        in rejected(
            ask(
                image(b"", "image/png")
                | {"source": {"type": "base64", "media_type": "image/png", "data": "%%%"}},
                question="q",
            ),
            files,
        ).message
    )
