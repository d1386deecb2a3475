"""Chat service against the sandbox: request layout, streaming with citations, caching and cost, cancel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers_pdf import make_pdf

from assistant.api.chat import (
    ChatService,
    CitationEvent,
    Done,
    Failed,
    Started,
    TextDelta,
    UsageEvent,
    conversation_total,
)
from assistant.api.errors import CancelToken, FailureKind
from assistant.api.files import FileService
from assistant.catalog import Citation, CitationKind, FileState, Store, TurnState
from tests.support import REPORT_TEXT

MODEL = "claude-sonnet-5-5"


def _conversation(store: Store, files: FileService, *paths: Path) -> int:
    ids = [files.upload(p).record.id for p in paths]
    return store.create_conversation("Lighthouse", MODEL, ids).id


def test_request_layout_documents_images_and_cache_breakpoints(
    chat: ChatService, files: FileService, store: Store, report: Path, tmp_path: Path
) -> None:
    png = tmp_path / "pixel.png"
    png.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            "0000000d4944415478da63f8cfc0f01f0005000201a5b1d9e90000000049454e44ae426082"
        )
    )
    conv = _conversation(store, files, report, png)
    request = chat.build_request(conv, "How much did it cost?")
    (user,) = request.params["messages"]
    doc, image, question = user["content"]
    assert doc["type"] == "document" and doc["title"] == "lighthouse-report.txt"
    assert doc["citations"] == {"enabled": True} and doc["source"]["type"] == "file"
    assert image["type"] == "image" and image["source"]["file_id"] == request.files[1].file_id
    assert "cache_control" not in doc and image["cache_control"] == {"type": "ephemeral"}
    assert question == {
        "type": "text",
        "text": "How much did it cost?",
        "cache_control": {"type": "ephemeral"},
    }
    assert request.params["model"] == MODEL and request.params["max_tokens"] == 1024


def test_streams_text_and_citations_then_done(
    chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = _conversation(store, files, report)
    events = list(chat.ask(conv, "How much did the restoration cost and who paid?"))
    assert isinstance(events[0], Started)
    assert isinstance(events[-1], Done)
    texts = [e.text for e in events if isinstance(e, TextDelta)]
    citations = [e.citation for e in events if isinstance(e, CitationEvent)]
    assert len(texts) > 1 and citations
    for c in citations:
        assert c.kind == "char" and c.cited_text.strip() in REPORT_TEXT
        assert REPORT_TEXT[c.start : c.end].strip() == c.cited_text.strip()
        assert c.document_title == "lighthouse-report.txt"
    assert any("2.4 million" in c.cited_text for c in citations)
    done = events[-1]
    assert done.turn.state is TurnState.COMPLETE and done.turn.answer == "".join(texts)
    assert done.turn.citations == tuple(citations)
    assert done.usage.output_tokens > 0 and done.usage.total_input_tokens > 0
    assert done.cost is not None and done.cost.total > 0
    assert done.turn.cost_usd == pytest.approx(done.cost.total)
    assert any(isinstance(e, UsageEvent) for e in events)
    saved = store.list_turns(conv)
    assert [t.state for t in saved] == [TurnState.COMPLETE]
    assert store.get_file(store.get_conversation(conv).file_ids[0]).last_used_at is not None  # type: ignore[union-attr]


def test_second_turn_reads_the_cache_and_costs_less(
    chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = _conversation(store, files, report)
    first_request = chat.build_request(conv, "Who was the last keeper?")
    first = list(chat.ask(conv, "Who was the last keeper?"))[-1]
    second_request = chat.build_request(conv, "What lamp was installed?")
    # the documents are a byte-identical prefix turn after turn
    doc_first = json.dumps(first_request.params["messages"][0]["content"][0], sort_keys=True)
    doc_second = json.dumps(second_request.params["messages"][0]["content"][0], sort_keys=True)
    assert doc_first == doc_second
    assert [m["role"] for m in second_request.params["messages"]] == ["user", "assistant", "user"]
    second = list(chat.ask(conv, "What lamp was installed?"))[-1]
    assert isinstance(first, Done) and isinstance(second, Done)
    assert first.usage.cache_creation_input_tokens > 0
    assert second.usage.cache_read_input_tokens >= first.usage.cache_creation_input_tokens
    assert first.cost is not None and second.cost is not None
    assert second.cost.saved > 0
    total = conversation_total(store, conv)
    assert total.total == pytest.approx(first.cost.total + second.cost.total)
    assert total.saved == pytest.approx(first.cost.saved + second.cost.saved)


def test_count_tokens_and_models(chat: ChatService, files: FileService, store: Store, report: Path) -> None:
    bare = store.create_conversation("empty", MODEL).id
    with_doc = _conversation(store, files, report)
    small = chat.count_tokens(bare, "Hello?")
    big = chat.count_tokens(with_doc, "Hello?")
    assert 0 < small < big
    models = chat.models()
    assert MODEL in {m.id for m in models}
    assert all(m.display_name for m in models)


def test_cancel_mid_stream_keeps_partial_and_closes_connection(  # noqa: PLR0917
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any, client: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.tokens_per_second = 40
    token = CancelToken()
    received: list[str] = []
    events = []
    for event in chat.ask(conv, "Describe the maintenance log entries in detail.", cancel=token):
        events.append(event)
        if isinstance(event, TextDelta):
            received.append(event.text)
            if len(received) == 2:
                token.cancel()
    assert not any(isinstance(e, Done | Failed) for e in events)
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.INCOMPLETE and turn.answer == "".join(received)
    # the streamed connection was closed, not read to the end and put back in the pool (after a
    # complete answer the pool keeps one idle connection)
    assert client._client._transport._pool.connections == []


def test_generator_closed_by_consumer_marks_incomplete(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.tokens_per_second = 40
    stream = chat.ask(conv, "What did the volunteers do?")
    for event in stream:
        if isinstance(event, TextDelta):
            break
    stream.close()  # what the bridge does on Stop
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.INCOMPLETE and turn.answer


def test_expired_file_fails_before_sending_and_keeps_question(
    chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = _conversation(store, files, report)
    store.set_file_state(store.get_conversation(conv).file_ids[0], FileState.EXPIRED)  # type: ignore[union-attr]
    events = list(chat.ask(conv, "Anything?"))
    assert isinstance(events[-1], Failed)
    assert events[-1].failure.kind is FailureKind.FILE_EXPIRED
    assert "lighthouse-report.txt" in events[-1].failure.message
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.FAILED and turn.question == "Anything?" and turn.error


def test_retry_replaces_failed_turn(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conversation(store, files, report)
    sandbox.faults.set("stream:drop-stream=4x1")
    failed = list(chat.ask(conv, "Who paid for the restoration?"))[-1]
    assert isinstance(failed, Failed) and failed.failure.kind is FailureKind.NETWORK
    assert failed.turn.state is TurnState.FAILED and failed.turn.question == "Who paid for the restoration?"
    done = list(chat.retry(failed.turn.id))[-1]
    assert isinstance(done, Done)
    assert [t.state for t in store.list_turns(conv)] == [TurnState.COMPLETE]


def test_pdf_answers_cite_pages(chat: ChatService, files: FileService, store: Store, tmp_path: Path) -> None:
    pdf = tmp_path / "harbour.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                ["Harbour annual report.", "This report covers the harbour's year."],
                ["The fishing fleet landed 4,200 tonnes of cod and haddock in spring."],
                ["The ferry carried 91,000 passengers between the islands."],
            ]
        )
    )
    record = files.upload(pdf).record
    assert record.mime_type == "application/pdf"
    conv = store.create_conversation("pdf", MODEL, [record.id]).id
    events = list(chat.ask(conv, "How many tonnes of cod did the fishing fleet land?"))
    assert isinstance(events[-1], Done)
    citations = [e.citation for e in events if isinstance(e, CitationEvent)]
    assert citations and all(c.kind == "page" for c in citations)
    fleet = [c for c in citations if "4,200 tonnes" in c.cited_text]
    assert fleet and (fleet[0].start, fleet[0].end) == (2, 3)  # page 2 (end exclusive)
    assert fleet[0].file_id == record.file_id and fleet[0].document_title == "harbour.pdf"


def test_stopped_before_sending_reads_incomplete(
    chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = _conversation(store, files, report)
    stream = chat.ask(conv, "Who was the keeper?")
    assert isinstance(next(stream), Started)
    stream.close()
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.INCOMPLETE and turn.answer == ""


def test_citations_carry_where_in_the_answer_they_arrived(
    chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = _conversation(store, files, report)
    events = list(chat.ask(conv, "How much did the restoration cost and who paid?"))
    done = events[-1]
    assert isinstance(done, Done)
    answer = done.turn.answer
    length = 0
    offsets = []
    for event in events:
        if isinstance(event, TextDelta):
            length += len(event.text)
        elif isinstance(event, CitationEvent):
            assert event.citation.answer_offset == length  # the answer's length when it arrived
            offsets.append(length)
    assert offsets and offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    for c in done.turn.citations:
        # the sandbox quotes each cited passage in its own block: the block starts at the offset
        assert c.answer_offset is not None
        assert answer[c.answer_offset :].lstrip('“"').startswith(c.cited_text.strip()[:30])
    # kept in the catalog as they streamed
    (turn,) = store.list_turns(conv)
    assert (
        turn.citations
        == done.turn.citations
        == tuple(e.citation for e in events if isinstance(e, CitationEvent))
    )


def test_citations_saved_before_offsets_still_read(store: Store) -> None:
    conv = store.create_conversation("old", MODEL).id
    turn = store.start_turn(conv, "Old question?", MODEL)
    old_json = {  # a row written before answer_offset existed
        "kind": "char",
        "cited_text": "abc",
        "document_index": 0,
        "document_title": "a.txt",
        "file_id": "file_a",
        "start": 3,
        "end": 6,
    }
    cit = Citation.from_json(old_json)
    assert cit.answer_offset is None and cit.to_json() == old_json  # old shape written back unchanged
    store.finish_turn(turn.id, state=TurnState.COMPLETE, answer="Old answer.", citations=[cit])
    (again,) = store.get_turn(turn.id).citations  # type: ignore[union-attr]
    assert again == cit
    placed = Citation(CitationKind.CHAR, "abc", 0, "a.txt", "file_a", 3, 6, answer_offset=7)
    assert Citation.from_json(placed.to_json()) == placed
