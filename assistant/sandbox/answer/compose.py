"""The answer's text: which passages are quoted, the blocks around them, and their citation objects.

How an answer is made: the question is the text of the last user message; every document is split into
the passages a reader would quote (`reading.passages`: sentences, table rows and list items, never bare
headings; within one PDF page), scored by the question's content words with the headings above each
passage as context (`reading.scoring`), and the best few (at most MAX_PASSAGES, each at least
RELATIVE_THRESHOLD of the best) are quoted after a lead that says these are the closest passages, each in
its own text block whose citation's `cited_text` is exactly the source text at its location
(`page_location` for PDFs, `char_location` for text, `content_block_location` for `content` documents).
No match: an honest "found nothing" naming the documents (or, for an empty question or a request for a
summary, the documents' opening passages). Without citations on the documents the answer is one plain
block. Deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.sandbox.answer.structured import split_form
from assistant.sandbox.reading.scoring import query_weights, score
from assistant.sandbox.reading.text import collapse
from assistant.sandbox.request.records import Document, Request


@dataclass
class PlannedBlock:
    """One text block of the answer, with its API citation objects (may be empty)."""

    text: str
    citations: list[dict[str, object]] = field(default_factory=list)


MAX_PASSAGES = 3
RELATIVE_THRESHOLD = 0.35
"""A passage is quoted when it scores at least this fraction of the best passage's score."""


@dataclass(frozen=True)
class _Passage:
    document: Document
    part: int  # page (0-based) / content part; 0 for text documents
    start: int  # within the part's text
    end: int
    order: int  # position across the request, for deterministic ties

    @property
    def text(self) -> str:
        return self.document.parts[self.part][self.start : self.end]


_SUMMARY_WORDS = re.compile(
    r"\b(summar\w*|overview|tl;?dr|gist|outline|main points?|key points?|what(?:'s| is) (?:this|it) about)\b",
    re.IGNORECASE,
)


def _passages(documents: list[Document]) -> list[_Passage]:
    out: list[_Passage] = []
    for document in documents:
        for part, start, end in document.text.passages:
            out.append(_Passage(document, part, start, end, len(out)))
    return out


def _citation(passage: _Passage) -> dict[str, object]:
    document = passage.document
    common: dict[str, object] = {
        "cited_text": passage.text,
        "document_index": document.index,
        "document_title": document.title,
        "file_id": document.file_id,
    }
    if document.kind == "pdf":
        return {
            "type": "page_location",
            **common,
            "start_page_number": passage.part + 1,
            "end_page_number": passage.part + 2,
        }
    if document.kind == "content":
        index = document.part_indexes[passage.part]
        return {
            "type": "content_block_location",
            **common,
            "start_block_index": index,
            "end_block_index": index + 1,
        }
    return {
        "type": "char_location",
        **common,
        "start_char_index": passage.start,
        "end_char_index": passage.end,
    }


def _where(passage: _Passage, several: bool) -> str:
    document = passage.document
    if document.kind == "pdf":
        return f" ({document.label}, page {passage.part + 1})" if several else f" (page {passage.part + 1})"
    return f" ({document.label})" if several else ""


def _names(labels: list[str]) -> str:
    quoted = [f"*{label}*" for label in labels]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


_QUOTE_CHARS = 420


def _quote(text: str) -> str:
    flat = collapse(text)
    if len(flat) > _QUOTE_CHARS:
        cut = flat.rfind(" ", 0, _QUOTE_CHARS)
        flat = flat[: cut if cut > _QUOTE_CHARS // 2 else _QUOTE_CHARS].rstrip(" ,;:") + " …"
    return f"“{flat}”"


def _select(request: Request, passages: list[_Passage]) -> list[_Passage]:
    query = query_weights(request.question)
    if not query or not passages:
        return []
    counters = [c for d in request.documents for c in d.text.passage_terms]
    contexts = [c for d in request.documents for c in d.text.passage_context]
    scores = score(query, counters, contexts)
    ranked = sorted(
        (i for i, score in enumerate(scores) if score > 0), key=lambda i: (-scores[i], passages[i].order)
    )
    if not ranked:
        return []
    best = scores[ranked[0]]
    chosen: list[_Passage] = []
    seen: set[str] = set()
    for i in ranked:
        if len(chosen) == MAX_PASSAGES or scores[i] < RELATIVE_THRESHOLD * best:
            break
        flat = collapse(passages[i].text).lower()
        if flat not in seen:  # running headers and repeated boilerplate are quoted once
            seen.add(flat)
            chosen.append(passages[i])
    return chosen


def _opening(documents: list[Document], passages: list[_Passage]) -> list[_Passage]:
    """The first passage of each document (the first two when there is one document), at most three."""
    per_document = 2 if len(documents) == 1 else 1
    chosen: list[_Passage] = []
    taken: dict[int, int] = {}
    for passage in passages:
        index = passage.document.index
        if taken.get(index, 0) < per_document and len(chosen) < MAX_PASSAGES:
            chosen.append(passage)
            taken[index] = taken.get(index, 0) + 1
    return chosen


def compose(request: Request) -> list[PlannedBlock]:
    """The answer's text blocks: a lead, the quoted passages with their citations, notes on what is unread;
    opened with an ``ANSWER: <value>`` line when the question asks for one (``structured``)."""
    asked, form = split_form(request.question)
    if form is None:
        return _compose(request)
    blocks = _compose(replace(request, question=asked))
    value = form.value([str(b.citations[0]["cited_text"]) for b in blocks if b.citations])
    return [PlannedBlock(f"ANSWER: {value}\n\n"), *blocks]


def _compose(request: Request) -> list[PlannedBlock]:
    documents = request.documents
    labels = [d.label for d in documents]
    several = len(documents) > 1
    passages = _passages(documents)
    chosen = _select(request, passages)
    lead: str
    if not documents:
        if request.images:
            lead = (
                "This is the local Anthropic API sandbox: it runs offline and answers only by quoting "
                "documents attached to the conversation, and no document is attached here."
            )
        else:
            lead = (
                "This is the local Anthropic API sandbox: it runs offline and answers only by quoting "
                "documents attached to the conversation. Nothing is attached here, so there is nothing to "
                "quote. Attach a PDF or a text file and ask again."
            )
    elif chosen:
        quoted = sorted({p.document.label for p in chosen}, key=labels.index)
        lead = (
            f"Here is what {_names(quoted)} {'says' if len(quoted) == 1 else 'say'} in the passages closest "
            "to your question (the local sandbox quotes; it does not write answers):"
        )
    else:
        summary = not request.question.strip() or _SUMMARY_WORDS.search(request.question) is not None
        opening = _opening(documents, passages) if summary else []
        if opening:
            chosen = opening
            begins = _names(sorted({p.document.label for p in opening}, key=labels.index))
            lead = (
                f"The local sandbox cannot write a summary offline; here is how {begins} begins:"
                if request.question.strip()
                else f"Here is how {begins} begins:"
            )
        else:
            asked = collapse(request.question)
            asked = asked if len(asked) <= 120 else asked[:117].rstrip() + "…"
            where = _names(labels)
            lead = (
                f"I found nothing about “{asked}” in {where}. The local sandbox answers by quoting the "
                "passages that share words with your question, so try the words the document itself "
                "would use."
                if asked
                else f"There is no text in {where} that the local sandbox could quote."
            )

    blocks: list[PlannedBlock] = []
    pending = lead
    for passage in chosen:
        pending += "\n\n- " if passage is chosen[0] else "\n- "
        blocks.append(PlannedBlock(pending))
        blocks.append(PlannedBlock(_quote(passage.text), [_citation(passage)]))
        pending = _where(passage, several)
    notes: list[str] = []
    if request.unreadable:
        notes.append(
            f"{_names(request.unreadable)} {'has' if len(request.unreadable) == 1 else 'have'} no text layer "
            "the sandbox can read (scanned pages?), so it cannot be quoted."
        )
    if request.images:
        described = [
            f"*{image.label}*" + (f" ({image.size[0]}×{image.size[1]})" if image.size else "")
            for image in request.images
        ]
        notes.append(
            ("Attached image: " if len(described) == 1 else "Attached images: ")
            + ", ".join(described)
            + ". The local sandbox cannot look at images offline, so it cannot describe them."
        )
    if notes:
        pending += "\n\n" + "\n\n".join(notes)
    if pending:
        blocks.append(PlannedBlock(pending))
    if not any(d.citations for d in documents):
        return [PlannedBlock("".join(b.text for b in blocks))]
    return blocks
