"""The sandbox engine, without HTTP: validation, answers with real citations, tokens and prompt caching."""

from __future__ import annotations

import base64
import io
import os
import pathlib
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from helpers_pdf import make_pdf, write_pdf

from assistant.sandbox.answer.cache import MIN_CACHEABLE_TOKENS, CacheLedger
from assistant.sandbox.answer.plan import MessagePlan, plan_message
from assistant.sandbox.errors import ApiError
from assistant.sandbox.reading import documents
from assistant.sandbox.reading.text import (
    MAX_PASSAGE_CHARS,
    count_tokens,
    split_passages,
    token_ends,
    truncate_to_tokens,
)
from assistant.sandbox.request import sources
from assistant.sandbox.request.parser import count_request_tokens
from assistant.sandbox.request.records import REQUEST_TAIL_TOKENS
from assistant.sandbox.storage import ResolvedFile

from .helpers import make_png

MODEL = "claude-sonnet-4-5"

REFUND_TEXT = (
    "Welcome to the Acme handbook.\n\n"
    "Our refund policy allows returns within 30 days of purchase. Refunds are paid to the original card "
    "within five business days.\n\n"
    "Shipping is free for orders over fifty euros. Parcels travel with a tracked courier.\n\n"
    "The office is closed on public holidays."
)

PDF_PAGES = [
    ["Acme Annual Report 2025", "This report covers the financial year.", "Revenue grew strongly."],
    [
        "Employee wellbeing improved across all offices.",
        "",
        "The board approved a new parental leave scheme of sixteen weeks.",
    ],
    ["Risks include currency exposure and supplier concentration.", "Outlook remains positive."],
]


class Files:
    """A stand-in for the server's file store: file id -> ResolvedFile, 404s like the server."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.files: dict[str, ResolvedFile] = {}
        self.expired: set[str] = set()
        self.calls: list[str] = []

    def add(self, filename: str, mime_type: str, data: bytes) -> str:
        file_id = f"file_{len(self.files) + 1:04d}"
        path = self.root / file_id
        path.write_bytes(data)
        self.files[file_id] = ResolvedFile(file_id, filename, mime_type, path, len(data))
        return file_id

    def __call__(self, file_id: str) -> ResolvedFile:
        self.calls.append(file_id)
        if file_id in self.expired:
            raise ApiError(404, f"File {file_id} has expired.", error_code="file_expired")
        if file_id not in self.files:
            raise ApiError(404, f"File {file_id} not found.")
        return self.files[file_id]


@pytest.fixture
def files(tmp_path: pathlib.Path) -> Files:
    root = tmp_path / "files"
    root.mkdir()
    return Files(root)


def doc_file(file_id: str, *, citations: bool | None = True, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "document", "source": {"type": "file", "file_id": file_id}, **extra}
    if citations is not None:
        block["citations"] = {"enabled": citations}
    return block


def doc_text(data: str, *, citations: bool | None = True, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": data},
        **extra,
    }
    if citations is not None:
        block["citations"] = {"enabled": citations}
    return block


def ask(*blocks: dict[str, Any], question: str | None, **top: Any) -> dict[str, object]:
    content = list(blocks)
    if question is not None:
        content.append({"type": "text", "text": question})
    body: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": content}],
    }
    body.update(top)
    return body


def plan(
    body: dict[str, object],
    files: Callable[[str], ResolvedFile],
    ledger: CacheLedger | None = None,
    now: float = 1_000_000.0,
) -> MessagePlan:
    return plan_message(body, files, ledger if ledger is not None else CacheLedger(), now)


def full_text(result: MessagePlan) -> str:
    return "".join(block.text for block in result.blocks)


def citations(result: MessagePlan) -> list[dict[str, object]]:
    return [c for block in result.blocks for c in block.citations]


def pdf_page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def total(usage: dict[str, object]) -> int:
    values = [usage["input_tokens"], usage["cache_read_input_tokens"], usage["cache_creation_input_tokens"]]
    assert all(isinstance(v, int) for v in values)
    return sum(v for v in values if isinstance(v, int))


def creation(usage: dict[str, object]) -> dict[str, object]:
    split = usage["cache_creation"]
    assert isinstance(split, dict)
    return split


# --- answers and citations ----------------------------------------------------------------------------


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


def test_long_paragraphs_are_split_into_exact_passages() -> None:
    sentence = "The quick brown fox jumps over the lazy dog number {n}. "
    text = "Intro.\n\n" + "".join(sentence.format(n=n) for n in range(60)) + "\n\n" + "x" * 2000 + "\n\nEnd."
    spans = split_passages(text)
    assert spans[0] == type(spans[0])(0, 6)
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        assert len(piece) <= MAX_PASSAGE_CHARS
    covered = "".join(text[s.start : s.end] for s in spans)
    assert covered.replace(" ", "") == "".join(text.split())


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


# --- validation -----------------------------------------------------------------------------------------


def rejected(body: dict[str, object], files: Files) -> ApiError:
    with pytest.raises(ApiError) as caught:
        plan(body, files)
    assert caught.value.status == 400, caught.value
    with pytest.raises(ApiError):
        count_request_tokens(body, files)
    return caught.value


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


def test_pdf_text_is_extracted_once_per_file_version(
    files: Files, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    documents.clear_document_cache()
    calls: list[int] = []
    original = documents._extract

    def counting(stream: Any) -> tuple[str, ...]:
        calls.append(1)
        return original(stream)

    monkeypatch.setattr(documents, "_extract", counting)
    path = write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    first = documents.pdf_of_file(path)
    assert documents.pdf_of_file(path) == first
    assert len(calls) == 1
    write_pdf(path, [["A different first page with more words than before."]])
    os.utime(path, ns=(1, 1))
    assert documents.pdf_of_file(path).parts[0].startswith("A different")
    assert len(calls) == 2


# --- tokens and max_tokens ------------------------------------------------------------------------------


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


# --- prompt caching -------------------------------------------------------------------------------------

BIG_TEXT = "\n\n".join(
    f"Section {n}. The warehouse in district {n} stores spare parts, tools and packaging material "
    f"for the northern region; inventory is checked every {n % 7 + 1} weeks by the logistics team."
    for n in range(80)
)


def conversation(turns: int, *, ttl: str | None = None, automatic: bool = False) -> dict[str, object]:
    """A conversation over BIG_TEXT with `turns` user questions; the document carries the breakpoint."""
    control: dict[str, Any] = {"type": "ephemeral"} | ({"ttl": ttl} if ttl else {})
    document = doc_text(BIG_TEXT, title="Warehouses") | ({} if automatic else {"cache_control": control})
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [document, {"type": "text", "text": "Which team checks inventory?"}]}
    ]
    for n in range(1, turns):
        messages.append({"role": "assistant", "content": f"Answer number {n}."})
        messages.append({"role": "user", "content": f"And what about district {n}?"})
    body: dict[str, object] = {"model": MODEL, "max_tokens": 300, "messages": messages}
    if automatic:
        body["cache_control"] = control
    return body


def test_first_turn_writes_the_cache_and_the_next_turn_reads_it(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1), files, ledger, now=0.0).usage
    assert first["cache_read_input_tokens"] == 0
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written >= MIN_CACHEABLE_TOKENS
    assert creation(first) == {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0}
    assert 0 < int(str(first["input_tokens"])) < 40  # the question after the breakpoint

    body = conversation(2)
    second = plan(body, files, ledger, now=60.0).usage
    assert second["cache_read_input_tokens"] == written
    assert second["cache_creation_input_tokens"] == 0
    assert total(second) == count_request_tokens(body, files)


def test_a_changed_prefix_is_not_read(files: Files) -> None:
    ledger = CacheLedger()
    plan(conversation(1), files, ledger, now=0.0)
    changed = conversation(1)
    changed["model"] = "claude-opus-4-5"
    assert plan(changed, files, ledger, now=1.0).usage["cache_read_input_tokens"] == 0
    edited = conversation(1)
    messages = edited["messages"]
    assert isinstance(messages, list)
    messages[0]["content"][0]["source"]["data"] = BIG_TEXT + " Edited."
    assert plan(edited, files, ledger, now=2.0).usage["cache_read_input_tokens"] == 0


def test_automatic_caching_reads_the_previous_turn_through_lookback(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1, automatic=True), files, ledger, now=0.0).usage
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written > MIN_CACHEABLE_TOKENS
    assert (
        first["input_tokens"] == REQUEST_TAIL_TOKENS
    )  # only the framing of the assistant's turn follows the last block
    body = conversation(2, automatic=True)
    second = plan(body, files, ledger, now=10.0).usage
    assert second["cache_read_input_tokens"] == written
    assert int(str(second["cache_creation_input_tokens"])) > 0  # the new turn is written
    assert total(second) == count_request_tokens(body, files)
    third = plan(conversation(3, automatic=True), files, ledger, now=20.0).usage
    assert int(str(third["cache_read_input_tokens"])) == written + int(
        str(second["cache_creation_input_tokens"])
    )


def test_entries_expire_after_their_ttl_and_hits_refresh_them(files: Files) -> None:
    ledger = CacheLedger()
    plan(conversation(1), files, ledger, now=0.0)
    assert plan(conversation(1), files, ledger, now=299.0).usage["cache_read_input_tokens"] != 0
    # The hit at 299 s refreshed the entry: still there at 500 s, gone 5 minutes after the last use.
    assert plan(conversation(1), files, ledger, now=500.0).usage["cache_read_input_tokens"] != 0
    late = plan(conversation(1), files, ledger, now=801.0).usage
    assert late["cache_read_input_tokens"] == 0
    assert int(str(late["cache_creation_input_tokens"])) > 0


def test_one_hour_entries_outlive_five_minutes(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1, ttl="1h"), files, ledger, now=0.0).usage
    assert creation(first)["ephemeral_5m_input_tokens"] == 0
    assert creation(first)["ephemeral_1h_input_tokens"] == first["cache_creation_input_tokens"]
    assert plan(conversation(1, ttl="1h"), files, ledger, now=1800.0).usage["cache_read_input_tokens"] != 0
    assert (
        plan(conversation(1, ttl="1h"), files, ledger, now=1800.0 + 3601).usage["cache_read_input_tokens"]
        == 0
    )


def test_creation_is_split_between_one_hour_and_five_minute_breakpoints(files: Files) -> None:
    system = [{"type": "text", "text": BIG_TEXT, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    body = ask(
        doc_text(REFUND_TEXT * 30, cache_control={"type": "ephemeral"}), question="refunds?", system=system
    )
    system_only = count_request_tokens(
        {"model": MODEL, "max_tokens": 5, "system": system, "messages": [{"role": "user", "content": "x"}]},
        files,
    )
    usage = plan(body, files).usage
    split = creation(usage)
    one_hour, five_minutes = split["ephemeral_1h_input_tokens"], split["ephemeral_5m_input_tokens"]
    assert isinstance(one_hour, int) and isinstance(five_minutes, int)
    assert one_hour > MIN_CACHEABLE_TOKENS and five_minutes > 0
    assert usage["cache_creation_input_tokens"] == one_hour + five_minutes
    # The 1h part is the system prompt: the whole small request minus its message and framing.
    assert system_only - 20 < one_hour < system_only
    assert total(usage) == count_request_tokens(body, files)


def test_a_prefix_under_the_minimum_is_not_cached(files: Files) -> None:
    ledger = CacheLedger()
    body = ask(doc_text(REFUND_TEXT, cache_control={"type": "ephemeral"}), question="refunds?")
    assert count_request_tokens(body, files) < MIN_CACHEABLE_TOKENS
    for now in (0.0, 1.0):
        usage = plan(body, files, ledger, now=now).usage
        assert usage["cache_creation_input_tokens"] == 0 and usage["cache_read_input_tokens"] == 0
        assert usage["input_tokens"] == count_request_tokens(body, files)
    assert len(ledger) == 0


def test_counting_tokens_does_not_touch_the_cache(files: Files) -> None:
    ledger = CacheLedger()
    count_request_tokens(conversation(1), files)
    usage = plan(conversation(1), files, ledger, now=0.0).usage
    assert usage["cache_read_input_tokens"] == 0 and int(str(usage["cache_creation_input_tokens"])) > 0


def test_file_documents_are_cached_by_file_id(files: Files) -> None:
    first_id = files.add("w.txt", "text/plain", BIG_TEXT.encode())
    second_id = files.add("w.txt", "text/plain", BIG_TEXT.encode())
    ledger = CacheLedger()
    control = {"cache_control": {"type": "ephemeral"}}
    plan(ask(doc_file(first_id, **control), question="inventory?"), files, ledger, now=0.0)
    same = plan(ask(doc_file(first_id, **control), question="other question?"), files, ledger, now=1.0).usage
    assert int(str(same["cache_read_input_tokens"])) > MIN_CACHEABLE_TOKENS
    other = plan(ask(doc_file(second_id, **control), question="inventory?"), files, ledger, now=2.0).usage
    assert other["cache_read_input_tokens"] == 0


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


def test_tools_come_first_in_the_cached_prefix(files: Files) -> None:
    tools = [
        {"name": f"tool_{n}", "description": BIG_TEXT[:3000], "input_schema": {"type": "object"}}
        for n in range(2)
    ]
    tools[-1]["cache_control"] = {"type": "ephemeral"}
    body = ask(question="Which tool?", tools=tools)
    ledger = CacheLedger()
    first = plan(body, files, ledger, now=0.0).usage
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written > MIN_CACHEABLE_TOKENS
    body["system"] = "A new system prompt after the tools does not change the tools' prefix."
    second = plan(body, files, ledger, now=1.0).usage
    assert second["cache_read_input_tokens"] == written
    assert total(second) == count_request_tokens(body, files)


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


def test_a_document_without_a_question_gets_its_opening(files: Files) -> None:
    result = plan(ask(doc_text(REFUND_TEXT, title="Handbook"), question=None), files)
    assert result.blocks[0].text.startswith("Here is how *Handbook* begins")
    assert [c["start_char_index"] for c in citations(result)] == [0, REFUND_TEXT.index("Our refund")]


def test_thinking_blocks_are_never_breakpoints(files: Files) -> None:
    thinking = {"type": "thinking", "thinking": "Let me see.", "signature": "sig"}
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [doc_text(BIG_TEXT), {"type": "text", "text": "q"}]},
        {"role": "assistant", "content": [thinking | {"cache_control": {"type": "ephemeral"}}]},
    ]
    error = rejected({"model": MODEL, "max_tokens": 10, "messages": messages}, files)
    assert "thinking" in error.message
    # Automatic caching puts its breakpoint on the last block that can carry one.
    messages[1]["content"] = [thinking]
    body: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 10,
        "messages": messages,
        "cache_control": {"type": "ephemeral"},
    }
    usage = plan(body, files).usage
    assert int(str(usage["cache_creation_input_tokens"])) > MIN_CACHEABLE_TOKENS
    thinking_tokens = count_request_tokens(body, files) - count_request_tokens(
        {"model": MODEL, "max_tokens": 10, "messages": messages[:1]}, files
    )
    assert usage["input_tokens"] == thinking_tokens + REQUEST_TAIL_TOKENS
