"""Text helpers of the chat pane: citation marks, places, usage lines, Markdown export. No Qt.

Citation marks live in a stored answer as GitHub-style footnote references, ``[^1]``, placed right
after the text the citation supports; ``[^n]`` refers to the turn's n-th citation (1-based). The
transcript turns them into clickable ``[n]`` links; the export turns them into real footnotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from assistant.store import Citation, Conversation, Turn, TurnState, Usage

__all__ = [
    "MARK",
    "citation_place",
    "conversation_markdown",
    "format_tokens",
    "format_usage",
    "mark",
    "marks_to_links",
    "plain_answer",
    "short",
]

MARK = re.compile(r"\[\^(\d+)\]")


def mark(number: int) -> str:
    return f"[^{number}]"


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
    if citation.kind == "page":
        last = max(citation.start, citation.end - 1)  # end is exclusive
        pages = f"p. {citation.start}" if last <= citation.start else f"pp. {citation.start}–{last}"
        return f"{title}, {pages}"
    return f"{title}, chars {citation.start}–{citation.end}"


def format_tokens(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def format_usage(usage: Usage) -> str:
    """'1 234 in · 56 out · cache read 1 000 · cache write 200'."""
    parts = [f"{format_tokens(usage.input_tokens)} in", f"{format_tokens(usage.output_tokens)} out"]
    if usage.cache_read_input_tokens:
        parts.append(f"cache read {format_tokens(usage.cache_read_input_tokens)}")
    if usage.cache_creation_input_tokens:
        parts.append(f"cache write {format_tokens(usage.cache_creation_input_tokens)}")
    return " · ".join(parts) + " tokens"


def _footnotes(answer: str, turn_no: int) -> str:
    return MARK.sub(lambda m: f"[^{turn_no}-{m.group(1)}]", answer)


def conversation_markdown(
    conversation: Conversation,
    turns: Iterable[Turn],
    *,
    file_names: Sequence[str] = (),
    costs: dict[int, str] | None = None,
    exported_at: datetime | None = None,
) -> str:
    """The conversation as a Markdown document: questions, answers with footnoted citations."""
    lines = [f"# {conversation.title}", ""]
    meta = [f"Model: {conversation.model}"]
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
            lines += [_footnotes(turn.answer.rstrip(), number), ""]
        if turn.state is TurnState.INCOMPLETE:
            lines += ["*(Stopped — this answer is incomplete.)*", ""]
        elif turn.state is TurnState.FAILED:
            lines += [f"*(Failed: {turn.error or 'the request failed'})*", ""]
        elif turn.state is TurnState.STREAMING:
            lines += ["*(Still streaming when exported.)*", ""]
        for n, citation in enumerate(turn.citations, start=1):
            lines.append(
                f"[^{number}-{n}]: “{short(citation.cited_text, 500)}” — {citation_place(citation)}"
            )
        if turn.citations:
            lines.append("")
        usage = []
        if turn.usage is not None:
            usage.append(format_usage(turn.usage))
        if costs and turn.id in costs:
            usage.append(costs[turn.id])
        if usage:
            lines += [f"*{' · '.join(usage)}*", ""]
    return "\n".join(lines).rstrip() + "\n"
