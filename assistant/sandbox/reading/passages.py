"""Passages a reader would quote: sentences, table rows and list items, never bare headings.

`split_passages(parts)` reads each part (a PDF page, or the one text) line by line:

* a Markdown heading (`# ...`) or a heading line (a short line that starts a sentence, has no closing
  punctuation, or is numbered in title case like "4. Conveying Verbatim Copies.", and is followed by
  content) is never a passage: it becomes the *context* of the passages under it, until a heading of
  its level or above (heading lines last until the next heading; consecutive ones add up);
* each row of a `| ... |` table is a passage whose context adds the table's header row (a sheet's
  column-letter row is skipped, so the first data row is the header); separator rows are nothing;
* a list item (`- `, `* `, `• `) is read from after its marker, with its continuation lines;
* other lines are prose, split into sentences (a paragraph's first sentence of at most three capitalised
  words, like "Budget.", is a run-in heading: context, not a passage); a sentence longer than
  MAX_PASSAGE_CHARS is split at semicolons, then at whitespace.

Every passage is an exact, trimmed span of its part; the heading context carries across parts (a PDF
section goes on over the page break). Deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PASSAGE_CHARS = 480
"""Sentences longer than this are split at semicolons (or, failing that, at whitespace)."""


@dataclass(frozen=True)
class Span:
    """`text[start:end]` of its source string."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A quotable passage: `parts[part][start:end]`, and the headings (and table header) above it."""

    part: int
    start: int
    end: int
    context: str


_MD_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+\S")
_BULLET = re.compile(r"[ \t]*[-*•+][ \t]+(?=\S)")
_SEPARATOR_ROW = re.compile(r"\|[\s:|-]*-[\s:|-]*\|")
_LETTERS_ROW = re.compile(r"\|\s*Row\s*(?:\|\s*[A-Z]{1,3}\s*)+\|")
_NUMBERED = re.compile(r"(?:\d+(?:\.\d+)*\.?|[A-Z]\.)[ \t]+")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[^a-z\s])")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _hard_split(text: str, span: Span) -> list[Span]:
    """Split an over-long run at whitespace (or anywhere, as a last resort)."""
    out: list[Span] = []
    start = span.start
    while span.end - start > MAX_PASSAGE_CHARS:
        limit = start + MAX_PASSAGE_CHARS
        cut = text.rfind(" ", start + MAX_PASSAGE_CHARS // 2, limit)
        cut = cut if cut > start else limit
        piece = trimmed(text, start, cut)
        if piece:
            out.append(piece)
        start = cut
    piece = trimmed(text, start, span.end)
    if piece:
        out.append(piece)
    return out


def _split_long(text: str, span: Span) -> list[Span]:
    """A sentence over MAX_PASSAGE_CHARS as groups of its semicolon clauses, each within the limit."""
    clauses: list[Span] = []
    start = span.start
    for match in re.finditer(r";\s", text[span.start : span.end]):
        piece = trimmed(text, start, span.start + match.start() + 1)
        if piece:
            clauses.append(piece)
        start = span.start + match.end()
    last = trimmed(text, start, span.end)
    if last:
        clauses.append(last)
    out: list[Span] = []
    for clause in clauses:
        if out and clause.end - out[-1].start <= MAX_PASSAGE_CHARS:
            out[-1] = Span(out[-1].start, clause.end)
        elif clause.end - clause.start > MAX_PASSAGE_CHARS:
            out.extend(_hard_split(text, clause))
        else:
            out.append(clause)
    return out


def sentences(text: str, start: int, end: int) -> list[Span]:
    """The sentences of `text[start:end]`: exact trimmed spans; a piece without a word joins the next."""
    pieces: list[Span] = []
    position = start
    pending: int | None = None
    for match in _SENTENCE_END.finditer(text, start, end):
        piece = trimmed(text, position if pending is None else pending, match.end())
        position = match.end()
        if piece is None:
            continue
        if not _LETTERS.search(text, piece.start, piece.end):
            pending = piece.start  # "1." or "(a)." alone: part of what follows
            continue
        pending = None
        pieces.append(piece)
    last = trimmed(text, position if pending is None else pending, end)
    if last:
        pieces.append(last)
    out: list[Span] = []
    for piece in pieces:
        out.extend(_split_long(text, piece) if piece.end - piece.start > MAX_PASSAGE_CHARS else [piece])
    return out


# --- lines ----------------------------------------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int  # without the line break
    kind: str  # blank | md | row | bullet | prose
    level: int = 0
    candidate: bool = False
    heading: bool = False


def _is_candidate(stripped: str) -> bool:
    """Could this line, at a sentence start, be a heading? Short; no closing punctuation unless numbered."""
    words = stripped.split()
    if not 1 <= len(words) <= 10 or len(stripped) > 80 or stripped[-1] in ",;":
        return False
    numbered = _NUMBERED.match(stripped)
    if numbered:
        rest = [w for w in stripped[numbered.end() :].split() if w[0].isalpha()]
        return bool(rest) and sum(w[0].isupper() for w in rest) * 2 > len(rest)
    return stripped[-1] not in ".!?"


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    position = 0
    for raw in text.split("\n"):
        start, end = position, position + len(raw)
        position = end + 1
        stripped = raw.strip()
        heading = _MD_HEADING.match(raw)
        if not stripped:
            out.append(_Line(start, end, "blank"))
        elif heading:
            out.append(_Line(start, end, "md", level=len(heading.group(1)), heading=True))
        elif len(stripped) >= 2 and stripped[0] == "|" and stripped[-1] == "|":
            out.append(_Line(start, end, "row"))
        elif _BULLET.match(raw):
            out.append(_Line(start, end, "bullet"))
        else:
            out.append(_Line(start, end, "prose"))
    previous: _Line | None = None
    for line in out:
        if line.kind == "prose":
            opens = previous is None or previous.kind != "prose"
            if previous is not None and previous.kind == "prose":
                before = text[previous.start : previous.end].rstrip()
                opens = previous.candidate or before[-1:] in tuple('.!?:)"”')
            line.candidate = opens and _is_candidate(text[line.start : line.end].strip())
        previous = line
    following: _Line | None = None
    for line in reversed(out):
        if line.kind == "blank":
            continue
        if line.candidate and following is not None:
            first = text[following.start : following.end].lstrip()[:1]
            content = following.kind in ("row", "bullet") or (
                following.kind == "prose" and (following.heading or not following.candidate)
            )
            line.heading = content and not first.islower()
        following = line
    return out


def _run_in_heading(sentence: str) -> bool:
    """A paragraph's first sentence that is a title run into it: at most three words, ending with "."."""
    words = sentence.split()
    return (
        len(words) <= 3
        and sentence.endswith(".")
        and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    )


def _heading_text(text: str) -> str:
    return text.strip().lstrip("#").strip()


def split_passages(parts: tuple[str, ...] | list[str]) -> list[Passage]:
    """The quotable passages of `parts` (see the module docstring), in reading order."""
    out: list[Passage] = []
    stack: list[tuple[int, str]] = []  # (level, heading); heading lines are level 7
    for number, text in enumerate(parts):
        lines = _lines(text)
        header: str | None = None  # the current table's header row
        index = 0
        chain = False  # the previous line was a heading line
        while index < len(lines):
            line = lines[index]
            raw = text[line.start : line.end]
            index += 1
            if line.kind != "row":
                header = None
            if line.kind == "blank":
                continue
            if line.heading:
                level = line.level if line.kind == "md" else 7
                if not (level == 7 and chain):
                    stack = [entry for entry in stack if entry[0] < level]
                stack.append((level, _heading_text(raw)))
                chain = level == 7
                continue
            chain = False
            context = " / ".join(entry[1] for entry in stack)
            if line.kind == "row":
                if _SEPARATOR_ROW.fullmatch(raw.strip()) or _LETTERS_ROW.fullmatch(raw.strip()):
                    continue
                span = trimmed(text, line.start, line.end)
                if span is None:
                    continue
                rows_context = " / ".join(filter(None, (context, header)))
                out.append(Passage(number, span.start, span.end, rows_context))
                header = header if header is not None else raw.strip()
                continue
            start, end = line.start, line.end
            if line.kind == "bullet":
                marker = _BULLET.match(raw)
                start += marker.end() if marker else 0
            while index < len(lines) and lines[index].kind == "prose" and not lines[index].heading:
                end = lines[index].end
                index += 1
            found = sentences(text, start, end)
            if len(found) > 1 and _run_in_heading(text[found[0].start : found[0].end]):
                context = " / ".join(filter(None, (context, text[found[0].start : found[0].end])))
                found = found[1:]
            out.extend(Passage(number, s.start, s.end, context) for s in found)
    return out
