"""Text helpers of the chat pane: citation marks, places, usage lines, Markdown export. No Qt.

Citation marks are GitHub-style footnote references, ``[^n]`` for the turn's n-th citation (1-based),
inserted into the answer's Markdown for display and export only (the stored answer is the model's
text as it came). The API sends a text block's citations before its text, so a mark goes after the
cited block: at the end of the line where that block's text starts, or where the next cited block
begins, whichever comes first (``MarkPlacer``; the same rule places marks while streaming and when a
stored answer is shown again, see ``place_marks``: a citation saved with its ``answer_offset``, the
answer's length when it arrived, is replayed at that offset, so the marks land exactly where they did
while streaming; older citations without one are placed by searching for their cited text). The
transcript turns marks into clickable ``[n]`` links; the export turns them into real footnotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from assistant.catalog import (
    Citation,
    CitationKind,
    Conversation,
    FileRecord,
    FileState,
    Turn,
    TurnState,
    Usage,
)
from assistant.catalog.identity import known_name

__all__ = [
    "MARK",
    "TTL_WORDS",
    "MarkPlacer",
    "citation_place",
    "conversation_markdown",
    "format_tokens",
    "format_usage",
    "gone_message",
    "gone_reason",
    "mark",
    "marks_to_links",
    "place_marks",
    "plain_answer",
    "short",
]

MARK = re.compile(r"\[\^(\d+)\]")


def mark(number: int) -> str:
    return f"[^{number}]"


class MarkPlacer:
    """Inserts citation marks into streamed text: ``citation(n)`` and ``text(piece)`` in arrival order
    each return the text to show now; ``finish()`` returns the marks still waiting."""

    def __init__(self) -> None:
        self._pending: list[int] = []
        self._armed = False  # text of the cited block has started

    def citation(self, number: int) -> str:
        out = self._flush() if self._pending and self._armed else ""
        self._pending.append(number)
        return out

    def text(self, piece: str) -> str:
        if not self._pending:
            return piece
        start = 0
        if not self._armed:
            stripped = len(piece) - len(piece.lstrip())
            if stripped == len(piece):
                return piece
            self._armed = True
            start = stripped
        newline = piece.find("\n", start)
        if newline < 0:
            return piece
        return piece[:newline] + self._flush() + piece[newline:]

    def finish(self) -> str:
        return self._flush()

    def _flush(self) -> str:
        marks = "".join(mark(n) for n in self._pending)
        self._pending = []
        self._armed = False
        return marks


def place_marks(answer: str, citations: Sequence[Citation]) -> str:
    """A stored answer with its marks, placed as they were while it streamed.

    A citation with an ``answer_offset`` arrived when the answer was that long: it is replayed there,
    which reproduces the streamed marks exactly. Without one (saved before offsets were recorded), a
    cited block starts where its cited text is quoted (searched in order); a citation whose text is
    not in the answer (a paraphrase) then gets its mark at the end.
    """
    if not citations:
        return answer
    starts: list[tuple[int, int]] = []  # (position, number)
    cursor = 0
    for number, citation in enumerate(citations, start=1):
        if citation.answer_offset is not None:
            starts.append((min(max(citation.answer_offset, 0), len(answer)), number))
            continue
        words = citation.cited_text.split()
        probe = " ".join(words[:6])
        found = answer.find(probe, cursor) if probe else -1
        if found < 0 and probe:
            found = answer.find(probe)
        if found < 0:
            starts.append((len(answer), number))
            continue
        begin = found
        starts.append((begin, number))
        cursor = found
    starts.sort()
    placer = MarkPlacer()
    out: list[str] = []
    pos = 0
    for begin, number in starts:
        if begin > pos:
            out.append(placer.text(answer[pos:begin]))
            pos = begin
        out.append(placer.citation(number))
    out.append(placer.text(answer[pos:]))
    out.append(placer.finish())
    return "".join(out)


def marks_to_links(markdown: str, turn_id: int, citations: Sequence[Citation] | None = None) -> str:
    """``[^n]`` -> a Markdown link ``[[n]](cite:<turn>:<n>)`` the transcript turns into an action."""
    return MARK.sub(lambda m: f"[[{m.group(1)}]](cite:{turn_id}:{m.group(1)})", markdown)


def plain_answer(answer: str) -> str:
    """The answer as a person would copy it: marks become ``[n]``."""
    return MARK.sub(lambda m: f"[{m.group(1)}]", answer)


def short(text: str, limit: int) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def citation_place(citation: Citation) -> str:
    """Where a citation points: "report.pdf, p. 3", "p. 3–4", "notes.txt, chars 120–480"."""
    title = citation.document_title or f"document {citation.document_index + 1}"
    if citation.kind is CitationKind.PAGE:
        last = max(citation.start, citation.end - 1)  # end is exclusive
        pages = f"p. {citation.start}" if last <= citation.start else f"pp. {citation.start}–{last}"
        return f"{title}, {pages}"
    return f"{title}, chars {citation.start}–{citation.end}"


def _day(when: datetime, now: datetime) -> str:
    local = when.astimezone()
    text = f"{local.day} {local:%b}"
    return text if local.year == now.astimezone().year else f"{text} {local.year}"


def gone_reason(record: FileRecord, now: datetime | None = None) -> str:
    """Why a file can no longer be used: "expired on 12 Nov", "was deleted", "is no longer on the
    server"; "" for an active file."""
    if record.state is FileState.ACTIVE:
        return ""
    if record.state is FileState.EXPIRED:
        if record.expires_at is None:
            return "has expired"
        return f"expired on {_day(record.expires_at, now or datetime.now(UTC))}"
    if record.state is FileState.DELETED:
        return "was deleted"
    return "is no longer on the server"


def gone_message(record: FileRecord, now: datetime | None = None) -> str:
    """“report.pdf” expired on 12 Nov — it can't be used in questions any more."""
    return f"“{known_name(record)}” {gone_reason(record, now)} — it can't be used in questions any more."


TTL_WORDS = {"5m": "5 min", "1h": "1 h"}
"""A cache TTL in words, as the estimate and the cache meter say it."""


def format_tokens(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def format_usage(usage: Usage) -> str:
    """'Tokens: 5 in · 5 083 cache write · 1 000 cache read · 56 out' (cache parts only when used)."""
    parts = [f"{format_tokens(usage.input_tokens)} in"]
    if usage.cache_creation_input_tokens:
        parts.append(f"{format_tokens(usage.cache_creation_input_tokens)} cache write")
    if usage.cache_read_input_tokens:
        parts.append(f"{format_tokens(usage.cache_read_input_tokens)} cache read")
    parts.append(f"{format_tokens(usage.output_tokens)} out")
    return "Tokens: " + " · ".join(parts)


def _footnotes(answer: str, turn_no: int) -> str:
    return MARK.sub(lambda m: f"[^{turn_no}-{m.group(1)}]", answer)


def conversation_markdown(
    conversation: Conversation,
    turns: Iterable[Turn],
    *,
    file_names: Sequence[str] = (),
    costs: dict[int, str] | None = None,
    exported_at: datetime | None = None,
    answered_by: str = "",
    turn_models: dict[int, str] | None = None,
) -> str:
    """The conversation as a Markdown document: questions, answers with footnoted citations.
    ``answered_by`` is its line on where the answers came from ("Answers: …", ``naming``);
    ``turn_models`` names each turn's model when they differ."""
    lines = [f"# {conversation.title}", ""]
    meta = [answered_by or f"Model: {conversation.model}"]
    if exported_at is not None:
        meta.append(f"exported {exported_at:%Y-%m-%d %H:%M} UTC")
    lines += [f"*{' · '.join(meta)}*", ""]
    if file_names:
        lines += ["Files: " + ", ".join(f"`{n}`" for n in file_names), ""]
    for number, turn in enumerate(turns, start=1):
        lines += ["---", "", f"## Question {number}", ""]
        lines += ["> " + line if line else ">" for line in turn.question.split("\n")]
        lines += ["", "### Answer", ""]
        if turn.answer:
            # The stored answer is the model's text as it came: its marks are placed as they were shown.
            lines += [_footnotes(place_marks(turn.answer.rstrip(), turn.citations), number), ""]
        if turn.state is TurnState.INCOMPLETE:
            lines += ["*(Stopped — this answer is incomplete.)*", ""]
        elif turn.state is TurnState.FAILED:
            lines += [f"*(Failed: {turn.error or 'the request failed'})*", ""]
        elif turn.state is TurnState.STREAMING:
            lines += ["*(Still streaming when exported.)*", ""]
        elif turn.stop_reason == "max_tokens":
            lines += ["*(The answer reached the length limit: it is cut short.)*", ""]
        for n, citation in enumerate(turn.citations, start=1):
            lines.append(f"[^{number}-{n}]: “{short(citation.cited_text, 500)}” — {citation_place(citation)}")
        if turn.citations:
            lines.append("")
        usage = []
        if turn.usage is not None:
            usage.append(format_usage(turn.usage))
        if costs and turn.id in costs:
            usage.append(costs[turn.id])
        if turn_models and turn.id in turn_models:
            usage.append(turn_models[turn.id])
        if usage:
            lines += [f"*{' · '.join(usage)}*", ""]
    return "\n".join(lines).rstrip() + "\n"
