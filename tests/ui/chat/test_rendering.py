"""The transcript's incremental Markdown rendering, the batcher and the Markdown helpers (no network)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from assistant.catalog import Citation, CitationKind, Conversation, Turn, TurnState, Usage
from assistant.ui.chat.batcher import TextBatcher
from assistant.ui.chat.format import citation_place, conversation_markdown, plain_answer
from assistant.ui.chat.mdstream import MarkdownSplitter, finished_prefix_length
from assistant.ui.chat.transcript import Transcript, TurnView

SAMPLE = (
    "# Summary\n\nThe report says **revenue grew** by 12 %.[^1]\n\n"
    "- first point\n- second point with `code`\n\n"
    "1. one\n2. two\n\n"
    "```python\nx = 1\n\ny = 2\n```\n\n"
    "> a quoted line\n\n"
    "## Details\n\nEnd of the answer, see [^2].\n"
)


def test_finished_prefix_stops_at_blank_lines_outside_fences() -> None:
    assert finished_prefix_length("para one\n\npara two") == len("para one\n\n")
    assert finished_prefix_length("still growing") == 0
    assert finished_prefix_length("```\ncode\n\nmore") == 0  # a blank line inside a fence
    assert finished_prefix_length("```\ncode\n```\nafter") == len("```\ncode\n```\n")


def test_splitter_keeps_the_whole_text() -> None:
    splitter = MarkdownSplitter()
    finished = []
    for piece in [SAMPLE[i : i + 5] for i in range(0, len(SAMPLE), 5)]:
        done, tail = splitter.feed(piece)
        finished.append(done)
        assert "\n\n" not in tail.strip("\n") or tail.lstrip().startswith("```")
    assert "".join(finished) + splitter.tail == SAMPLE
    assert splitter.text == SAMPLE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_streamed_rendering_equals_a_full_render(qtbot: QtBot, seed: int) -> None:
    full = Transcript()
    qtbot.addWidget(full)
    full.add_turn(TurnView(7, "What grew?", SAMPLE, (), TurnState.STREAMING))

    streamed = Transcript()
    qtbot.addWidget(streamed)
    answer = streamed.begin_stream(7, "What grew?")
    rnd = random.Random(seed)
    pos = 0
    while pos < len(SAMPLE):
        size = rnd.randint(1, 9)
        answer.append(SAMPLE[pos : pos + size])
        pos += size
    assert streamed.document().toPlainText() == full.document().toPlainText()
    assert streamed.document().toMarkdown() == full.document().toMarkdown()
    assert streamed.document().blockCount() == full.document().blockCount()
    # the rendered marks are links to the turn's citations
    assert "cite:7:1" in streamed.document().toHtml()
    assert "[1]" in streamed.document().toPlainText()


def test_a_tick_renders_only_the_tail(qtbot: QtBot) -> None:
    """Finished paragraphs are not rendered again: a mark left on the first paragraph's block survives."""
    transcript = Transcript()
    qtbot.addWidget(transcript)
    answer = transcript.begin_stream(1, "q")
    answer.append("First paragraph.\n\nSecond")
    doc = transcript.document()
    first = doc.findBlock(doc.find("First paragraph.").position())
    first.setUserState(4242)
    second = doc.findBlock(doc.find("Second").position())
    second.setUserState(4343)
    for word in [" grows", " and", " grows", ".\n\nThird", " one"]:
        answer.append(word)
    assert doc.findBlock(doc.find("First paragraph.").position()).userState() == 4242
    # the tail block was re-rendered (its state is gone), and its text is complete
    assert doc.findBlock(doc.find("Second grows").position()).userState() != 4343
    assert "Second grows and grows." in doc.toPlainText()
    assert doc.toPlainText().endswith("Third one")


def test_batcher_coalesces_many_pieces_into_few_updates(qtbot: QtBot) -> None:
    transcript = Transcript()
    qtbot.addWidget(transcript)
    answer = transcript.begin_stream(1, "q")
    batcher = TextBatcher(answer.append, interval_ms=30, max_chars=100_000)
    before = transcript.document_updates
    words = [f"word{i} " for i in range(3000)]
    for group in range(6):
        for word in words[group * 500 : (group + 1) * 500]:
            batcher.push(word)
        qtbot.waitUntil(lambda: not batcher.pending, timeout=5000)
    assert batcher.pushed == 3000
    assert batcher.flushes == 6
    assert transcript.document_updates - before == 6
    assert transcript.document().toPlainText().endswith("word2999")


def test_a_burst_is_shown_over_several_bounded_ticks(qtbot: QtBot) -> None:
    seen: list[str] = []
    batcher = TextBatcher(seen.append, interval_ms=5, max_chars=1000)
    pieces = [f"{i:04d}|" for i in range(2000)]  # 10,000 characters at once
    for piece in pieces:
        batcher.push(piece)
    qtbot.waitUntil(lambda: not batcher.pending, timeout=5000)
    assert "".join(seen) == "".join(pieces)
    assert len(seen) == 10 and all(len(chunk) <= 1000 for chunk in seen)
    batcher.push("x" * 2500)  # one piece bigger than a tick is cut
    batcher.flush()
    assert seen[-1] == "x" * 1000 and batcher.pending_chars == 1500
    batcher.flush_all()
    assert seen[-1] == "x" * 1500 and not batcher.pending


def test_batcher_is_idle_without_input(qtbot: QtBot) -> None:
    seen: list[str] = []
    batcher = TextBatcher(seen.append, interval_ms=10)
    with qtbot.assertNotEmitted(batcher.flushed, wait=50):  # no tick without input
        pass
    batcher.flush()
    assert seen == []
    batcher.push("a")
    batcher.push("b")
    batcher.flush()
    assert seen == ["ab"]


def _turn(**kw: object) -> Turn:
    now = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    base: dict[str, object] = {
        "id": 1,
        "conversation_id": 1,
        "question": "What grew?",
        "answer": "Revenue grew.",  # stored as it came: no marks
        "citations": (
            Citation(CitationKind.PAGE, "Revenue grew by 12%", 0, "report.pdf", "file_1", 3, 4, 0),
        ),
        "usage": Usage(input_tokens=1200, output_tokens=40, cache_read_input_tokens=1000),
        "cost_usd": 0.0123,
        "state": TurnState.COMPLETE,
        "error": None,
        "model": "claude-sonnet-5-5",
        "created_at": now,
        "updated_at": now,
    }
    base.update(kw)
    return Turn(**base)  # type: ignore[arg-type]


def test_markdown_export_has_questions_answers_footnotes_and_states() -> None:
    now = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    conv = Conversation(1, "Revenue", "claude-sonnet-5-5", now, now, (1,))
    turns = [
        _turn(),
        _turn(id=2, question="And costs?", answer="Costs", citations=(), state=TurnState.INCOMPLETE),
        _turn(id=3, question="Again?", answer="", citations=(), state=TurnState.FAILED, error="Net down."),
    ]
    text = conversation_markdown(conv, turns, file_names=["report.pdf"], costs={1: "$0.0123"})
    assert text.startswith("# Revenue\n")
    assert "> What grew?" in text
    assert "Revenue grew.[^1-1]" in text
    assert "[^1-1]: “Revenue grew by 12%” — report.pdf, p. 3" in text
    assert "*(Stopped — this answer is incomplete.)*" in text
    assert "*(Failed: Net down.)*" in text
    assert "$0.0123" in text
    assert "`report.pdf`" in text


def test_places_and_plain_answers() -> None:
    page = Citation(CitationKind.PAGE, "x", 0, "a.pdf", None, 2, 4)
    chars = Citation(CitationKind.CHAR, "x", 1, None, None, 10, 50)
    assert citation_place(page) == "a.pdf, pp. 2–3"
    assert citation_place(chars) == "document 2, chars 10–50"
    assert plain_answer("A[^1] and B[^12].") == "A[1] and B[12]."


def test_marks_of_a_stored_answer_land_where_they_did_while_streaming() -> None:
    from assistant.ui.chat.format import MarkPlacer, place_marks

    quotes = ["Budget. The restoration cost 2.4 million euros.", "The lamp flashes white every six seconds."]
    citations = tuple(Citation(CitationKind.CHAR, q, 0, "r.txt", None, 0, len(q)) for q in quotes)
    # the API's order: intro text, then per cited block its citation, then its text
    events: list[object] = ["Here is what *r.txt* says:\n\n", "- "]
    for number, quote in enumerate(quotes, start=1):
        events.append(number)
        events += [f"“{quote[:20]}", f"{quote[20:]}”", "\n" if number < len(quotes) else ""]
        if number < len(quotes):
            events.append("- ")
    placer = MarkPlacer()
    streamed = []
    for event in events:
        streamed.append(placer.citation(event) if isinstance(event, int) else placer.text(event))
    streamed.append(placer.finish())
    answer = "".join(e for e in events if isinstance(e, str))
    shown = "".join(streamed)
    assert shown == (f"Here is what *r.txt* says:\n\n- “{quotes[0]}”[^1]\n- “{quotes[1]}”[^2]")
    assert place_marks(answer, citations) == shown
    # a paraphrase (cited text not in the answer) keeps its mark, at the end
    assert place_marks("In short: it cost a lot.", citations[:1]) == "In short: it cost a lot.[^1]"


def test_marks_of_a_paraphrased_answer_are_replayed_from_their_offsets() -> None:
    from assistant.ui.chat.format import MarkPlacer, place_marks

    # As real Claude answers: the cited text is the document's, the answer's words are its own.
    quotes = ["The restoration cost 2.4 million euros in total.", "It flashes white every six seconds."]
    events: list[object] = ["In short:\n\n- ", 0, "The works came to ", "about €2.4m", ".\n- ", 1]
    events += ["The lamp blinks ", "every six seconds", ".\n\nBoth figures are from the report."]
    placer = MarkPlacer()
    streamed: list[str] = []
    citations: list[Citation] = []
    length = 0
    for event in events:
        if isinstance(event, int):
            q = quotes[event]
            citations.append(
                Citation(CitationKind.CHAR, q, 0, "r.txt", None, 0, len(q), answer_offset=length)
            )
            streamed.append(placer.citation(len(citations)))
        else:
            assert isinstance(event, str)
            length += len(event)
            streamed.append(placer.text(event))
    streamed.append(placer.finish())
    answer = "".join(e for e in events if isinstance(e, str))
    shown = "".join(streamed)
    assert shown == (
        "In short:\n\n- The works came to about €2.4m.[^1]\n- The lamp blinks every six seconds.[^2]\n\n"
        "Both figures are from the report."
    )
    assert place_marks(answer, citations) == shown
    # saved without offsets (before they were recorded), the same citations fall back to searching
    # for the cited text: a paraphrase is not found, so both marks end up at the end
    legacy = [Citation(c.kind, c.cited_text, 0, "r.txt", None, c.start, c.end) for c in citations]
    assert place_marks(answer, legacy) == answer + "[^1][^2]"
