"""Messages contract: plain and streamed answers, citations, usage and caching, token counting, errors."""

from __future__ import annotations

import io
import json
import urllib.request

import anthropic
import httpx2
import pypdf
import pytest
from anthropic.types import CitationCharLocation, CitationPageLocation, FileExpiredError, TextBlock
from helpers_pdf import make_pdf

from assistant.sandbox.server import SandboxServer

from .helpers import MODEL, ask, make_png, text_doc

HANDBOOK = (
    "The lighthouse keeper logs the weather every morning at six.\n\n"
    "Storm lanterns are stored in the north shed, behind the rope locker.\n\n"
    "Visitors may climb the tower on Sundays between two and four in the afternoon.\n\n"
    "The fog horn is tested on the first Monday of each month.\n"
)
PDF_PAGES = [
    ["Annual report of the orchard cooperative.", "Apples were harvested in late September."],
    ["The cider press broke down in October.", "A new press was ordered from Normandy."],
    ["Pear trees suffered from frost in April.", "Insurance covered most of the pear losses."],
]


def _text(message: anthropic.types.Message) -> str:
    return "".join(b.text for b in message.content if isinstance(b, TextBlock))


def _citations(message: anthropic.types.Message) -> list[object]:
    return [c for b in message.content if isinstance(b, TextBlock) for c in (b.citations or [])]


def test_plain_message_with_text_citations(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("handbook.txt", HANDBOOK.encode(), "text/plain"))
    m = client.messages.create(
        model=MODEL, max_tokens=400, messages=ask(text_doc(f.id), question="Where are the storm lanterns?")
    )
    assert m.id.startswith("msg_") and m.type == "message" and m.role == "assistant"
    assert m.model == MODEL
    assert m.stop_reason in ("end_turn", "max_tokens")
    assert "north shed" in _text(m)
    cites = _citations(m)
    assert cites, "a document question gets cited passages"
    for c in cites:
        assert isinstance(c, CitationCharLocation)
        assert c.file_id == f.id
        assert c.document_index == 0
        assert HANDBOOK[c.start_char_index : c.end_char_index] == c.cited_text
    assert m.usage.input_tokens > 0 and m.usage.output_tokens > 0


def test_every_pdf_citation_is_on_its_pages(client: anthropic.Anthropic) -> None:
    pdf = make_pdf(PDF_PAGES)
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert "cider press" in pages[1]  # the generated PDF really carries its text
    f = client.files.upload(file=("orchard.pdf", pdf, "application/pdf"))
    txt = client.files.upload(file=("handbook.txt", HANDBOOK.encode(), "text/plain"))
    for question in ("What happened to the cider press?", "frost pear insurance", "lighthouse fog horn"):
        m = client.messages.create(
            model=MODEL, max_tokens=500, messages=ask(text_doc(f.id), text_doc(txt.id), question=question)
        )
        cites = _citations(m)
        assert cites
        for c in cites:
            if isinstance(c, CitationPageLocation):
                assert c.file_id == f.id and c.document_index == 0
                assert 1 <= c.start_page_number < c.end_page_number <= len(pages) + 1
                span = "\n".join(pages[c.start_page_number - 1 : c.end_page_number - 1])
                assert " ".join(c.cited_text.split()) in " ".join(span.split())
            else:
                assert isinstance(c, CitationCharLocation)
                assert c.file_id == txt.id and c.document_index == 1
                assert HANDBOOK[c.start_char_index : c.end_char_index] == c.cited_text


def test_stream_matches_plain_answer(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("handbook.txt", HANDBOOK.encode(), "text/plain"))
    messages = ask(text_doc(f.id), question="When can visitors climb the tower?")
    plain = client.messages.create(model=MODEL, max_tokens=400, messages=messages)
    pieces: list[str] = []
    with client.messages.stream(model=MODEL, max_tokens=400, messages=messages) as stream:
        for text in stream.text_stream:
            pieces.append(text)
        final = stream.get_final_message()
    assert len(pieces) > 3, "text arrives in small deltas"
    assert "".join(pieces) == _text(plain) == _text(final)
    assert [c.to_dict() for c in _citations(final)] == [c.to_dict() for c in _citations(plain)]
    assert _citations(final)
    assert final.usage.output_tokens == plain.usage.output_tokens
    assert final.usage.input_tokens == plain.usage.input_tokens
    assert final.stop_reason == plain.stop_reason


def test_stream_event_sequence(server: SandboxServer, client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("handbook.txt", HANDBOOK.encode(), "text/plain"))
    events = []
    with client.messages.create(
        model=MODEL, max_tokens=400, stream=True, messages=ask(text_doc(f.id), question="fog horn test")
    ) as stream:
        for event in stream:
            events.append(event)
    kinds = [e.type for e in events]
    assert kinds[0] == "message_start"
    assert kinds[1] == "content_block_start"
    assert kinds[-2:] == ["message_delta", "message_stop"]
    assert events[0].message.content == []  # type: ignore[union-attr]
    assert events[0].message.usage.input_tokens > 0  # type: ignore[union-attr]
    deltas = [e.delta.type for e in events if e.type == "content_block_delta"]
    assert "text_delta" in deltas and "citations_delta" in deltas
    starts = [e.index for e in events if e.type == "content_block_start"]
    stops = [e.index for e in events if e.type == "content_block_stop"]
    assert starts == stops == list(range(len(starts)))
    final = events[-2]
    assert final.type == "message_delta"
    assert final.delta.stop_reason in ("end_turn", "max_tokens")
    assert final.usage.output_tokens > 0
    # and ping, which the SDK swallows, is on the wire
    req = urllib.request.Request(
        f"{server.base_url}/v1/messages",
        data=json.dumps(
            {
                "model": MODEL,
                "max_tokens": 50,
                "stream": True,
                "messages": [{"role": "user", "content": "hello"}],
            }
        ).encode(),
        headers={"x-api-key": str(server.api_key), "content-type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        raw = resp.read().decode()
        assert resp.headers["request-id"].startswith("req_")
        assert resp.headers["content-type"].startswith("text/event-stream")
    names = [line[7:] for line in raw.splitlines() if line.startswith("event: ")]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]


def test_throttled_stream_still_completes(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.tokens_per_second = 5000
    hello = [{"role": "user", "content": "hi"}]
    with client.messages.stream(model=MODEL, max_tokens=100, messages=hello) as s:  # type: ignore[arg-type]
        text = "".join(s.text_stream)
    assert text


def test_cache_accounting_across_turns(server: SandboxServer, client: anthropic.Anthropic) -> None:
    long_doc = "\n\n".join(
        f"Section {i}: the tide table for harbour {i} lists high water at {i % 12}." for i in range(400)
    )
    f = client.files.upload(file=("tides.txt", long_doc.encode(), "text/plain"))
    doc = text_doc(f.id, cache_control={"type": "ephemeral"})

    def turn(question: str) -> anthropic.types.Usage:
        return client.messages.create(model=MODEL, max_tokens=200, messages=ask(doc, question=question)).usage

    first = turn("When is high water at harbour 7?")
    assert (first.cache_creation_input_tokens or 0) > 1024
    assert first.cache_read_input_tokens == 0
    assert first.cache_creation is not None
    assert first.cache_creation.ephemeral_5m_input_tokens == first.cache_creation_input_tokens
    second = turn("And at harbour 9?")
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0
    server.clock.advance(301)  # past the 5-minute TTL
    third = turn("And at harbour 11?")
    assert third.cache_read_input_tokens == 0
    assert third.cache_creation_input_tokens == first.cache_creation_input_tokens
    # count_tokens sees the same prompt size and has no cache effect
    counted = client.messages.count_tokens(model=MODEL, messages=ask(doc, question="And at harbour 9?"))
    total_second = second.input_tokens + (second.cache_read_input_tokens or 0)
    assert counted.input_tokens == total_second + (second.cache_creation_input_tokens or 0)
    assert turn("And at harbour 9?").cache_read_input_tokens == first.cache_creation_input_tokens


def test_count_tokens(client: anthropic.Anthropic) -> None:
    short = client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "hi"}])
    longer = client.messages.count_tokens(
        model=MODEL, messages=[{"role": "user", "content": "hi " * 200}], system="You are terse."
    )
    assert 0 < short.input_tokens < longer.input_tokens


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"temperature": 0.5}, "temperature"),
        ({"top_p": 0.5}, "top_p"),
        ({"top_k": 5}, "top_k"),
    ],
)
def test_sampling_parameters_are_refused(
    client: anthropic.Anthropic, extra: dict[str, object], fragment: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client.messages.create(
            model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hi"}], extra_body=extra
        )
    assert fragment in str(info.value.api_message)
    assert info.value.request_id


def test_unknown_files_and_mixed_citations(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as info:
        client.messages.create(model=MODEL, max_tokens=10, messages=ask(text_doc("file_nope"), question="?"))
    assert not isinstance(info.value, FileExpiredError)
    a = client.files.upload(file=("a.txt", b"alpha", "text/plain"))
    b = client.files.upload(file=("b.txt", b"beta", "text/plain"))
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(
            model=MODEL,
            max_tokens=10,
            messages=ask(text_doc(a.id), text_doc(b.id, citations=False), question="?"),
        )


def test_wrong_file_type_for_block_is_400(client: anthropic.Anthropic) -> None:
    png = client.files.upload(file=("pic.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png"))
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model=MODEL, max_tokens=10, messages=ask(text_doc(png.id), question="?"))


def test_request_validation(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model=MODEL, max_tokens=10, messages=[])
    with pytest.raises(anthropic.BadRequestError):
        client.post(
            "/v1/messages",
            cast_to=object,
            body={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        )
    with pytest.raises(anthropic.NotFoundError) as info:
        client.messages.create(
            model="claude-nonexistent-1", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert info.value.type == "not_found_error"


def test_authentication(server: SandboxServer) -> None:
    with anthropic.Anthropic(api_key="sk-wrong", base_url=server.base_url, max_retries=0) as bad:
        with pytest.raises(anthropic.AuthenticationError) as info:
            bad.messages.create(model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        assert info.value.request_id and info.value.request_id.startswith("req_")
        assert info.value.body == {
            "type": "error",
            "error": {"type": "authentication_error", "message": info.value.api_message},
            "request_id": info.value.request_id,
        }
        with pytest.raises(anthropic.AuthenticationError):
            bad.files.upload(file=("a.txt", b"x" * 200_000, "text/plain"))
    # x-api-key and Bearer both work
    with anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url, max_retries=0) as good:
        assert good.models.list().data
    with anthropic.Anthropic(auth_token=server.api_key, base_url=server.base_url, max_retries=0) as bearer:
        assert bearer.models.list().data


def test_max_tokens_above_the_models_limit(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=64_001,
            timeout=60,
            messages=[{"role": "user", "content": "hi"}],
        )
    assert "max_tokens" in str(info.value.api_message)
    assert client.messages.create(
        model="claude-haiku-4-5", max_tokens=64_000, timeout=60, messages=[{"role": "user", "content": "hi"}]
    ).content


def test_image_blocks_with_file_sources(client: anthropic.Anthropic) -> None:
    png = client.files.upload(file=("chart.png", make_png(200, 100), "image/png"))
    assert png.mime_type == "image/png"
    image = {"type": "image", "source": {"type": "file", "file_id": png.id}}
    with_image = client.messages.count_tokens(model=MODEL, messages=ask(image, question="What is this?"))
    without = client.messages.count_tokens(model=MODEL, messages=ask(question="What is this?"))
    assert with_image.input_tokens > without.input_tokens
    m = client.messages.create(model=MODEL, max_tokens=200, messages=ask(image, question="What is this?"))
    assert _text(m)
    txt = client.files.upload(file=("a.txt", b"plain words", "text/plain"))
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(
            model=MODEL,
            max_tokens=50,
            messages=ask({"type": "image", "source": {"type": "file", "file_id": txt.id}}, question="?"),
        )


def test_stop_cuts_a_throttled_stream(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.tokens_per_second = 10  # the answer would take several seconds
    pieces: list[str] = []
    with (
        pytest.raises((anthropic.APIConnectionError, httpx2.HTTPError)),
        client.messages.stream(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hello"}]
        ) as stream,
    ):
        for text in stream.text_stream:
            pieces.append(text)
            if len(pieces) == 1:
                server.stop()
    assert len(pieces) == 1
    assert server.stopping.is_set()
