"""Text tools of the sandbox: the deterministic tokenizer, passages, and passage scoring.

Tokenizer (documented, deterministic, roughly one token per four characters of English like real
tokenizers): the text is cut into runs and each run costs

* a run of ASCII letters: ceil(n / 4) tokens ("the" 1, "quick" 2, "tokenizer" 3);
* a run of digits: ceil(n / 3);
* a run of other letters (accented, Greek, Cyrillic, CJK, ...): ceil(n / 2);
* a run of underscores: ceil(n / 4);
* a run of punctuation or symbols: ceil(n / 2);
* a run of line breaks: 1;
* other whitespace: free (real tokenizers fold a leading space into the next word).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN_RE = re.compile(
    r"(?P<ascii>[A-Za-z]+)|(?P<digit>\d+)|(?P<other>[^\W\d_A-Za-z]+)|(?P<under>_+)"
    r"|(?P<punct>[^\w\s]+)|(?P<nl>\n+)"
)
_CHUNK: dict[str, int] = {"ascii": 4, "digit": 3, "other": 2, "under": 4, "punct": 2, "nl": 1 << 30}


def count_tokens(text: str) -> int:
    """The number of tokens of `text` (see the module docstring)."""
    total = 0
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "punct"
        if kind == "nl":
            total += 1
        else:
            chunk = _CHUNK[kind]
            total += (match.end() - match.start() + chunk - 1) // chunk
    return total


def token_ends(text: str) -> Iterator[int]:
    """The end offset of each token of `text`, in order (as many as `count_tokens(text)`)."""
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "punct"
        start, end = match.start(), match.end()
        if kind == "nl":
            yield end
            continue
        chunk = _CHUNK[kind]
        position = start
        while position < end:
            position = min(end, position + chunk)
            yield position


def truncate_to_tokens(text: str, limit: int) -> tuple[str, int]:
    """`text` cut after its first `limit` tokens, and the number of tokens kept."""
    if limit <= 0:
        return "", 0
    kept = 0
    for end in token_ends(text):
        kept += 1
        if kept == limit:
            return text[:end], kept
    return text, kept


# --- passages -------------------------------------------------------------------------------------------

MAX_PASSAGE_CHARS = 480
"""Passages longer than this are split into groups of sentences (or, failing that, at whitespace)."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE = re.compile(r"[^.!?;]*(?:[.!?;]+[\"'”’)\]]*|$)")


@dataclass(frozen=True)
class Span:
    """A passage: `text[start:end]` of its source string."""

    start: int
    end: int


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _hard_split(text: str, span: Span) -> list[Span]:
    """Split an over-long run without sentence ends at whitespace (or anywhere, as a last resort)."""
    out: list[Span] = []
    start = span.start
    while span.end - start > MAX_PASSAGE_CHARS:
        limit = start + MAX_PASSAGE_CHARS
        cut = text.rfind(" ", start + MAX_PASSAGE_CHARS // 2, limit)
        cut = cut if cut > start else limit
        piece = _trimmed(text, start, cut)
        if piece:
            out.append(piece)
        start = cut
    piece = _trimmed(text, start, span.end)
    if piece:
        out.append(piece)
    return out


def _split_long(text: str, span: Span) -> list[Span]:
    sentences: list[Span] = []
    for match in _SENTENCE.finditer(text, span.start, span.end):
        piece = _trimmed(text, match.start(), match.end())
        if piece is None:
            continue
        if piece.end - piece.start > MAX_PASSAGE_CHARS:
            sentences.extend(_hard_split(text, piece))
        else:
            sentences.append(piece)
    out: list[Span] = []
    group: Span | None = None
    for sentence in sentences:
        if group is None:
            group = sentence
        elif sentence.end - group.start <= MAX_PASSAGE_CHARS:
            group = Span(group.start, sentence.end)
        else:
            out.append(group)
            group = sentence
    if group is not None:
        out.append(group)
    return out


def split_passages(text: str) -> list[Span]:
    """Paragraphs of `text` (blank-line separated), long ones split into sentence groups; exact spans."""
    out: list[Span] = []
    position = 0
    bounds: list[tuple[int, int]] = []
    for match in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((position, match.start()))
        position = match.end()
    bounds.append((position, len(text)))
    for start, end in bounds:
        span = _trimmed(text, start, end)
        if span is None:
            continue
        if span.end - span.start > MAX_PASSAGE_CHARS:
            out.extend(_split_long(text, span))
        else:
            out.append(span)
    return out


# --- scoring --------------------------------------------------------------------------------------------

_STOPWORDS_TEXT = """
    a about above after again against all am an and any are aren as at be because been before being
    below between both but by can cannot could couldn did didn do does doesn doing don down during each
    few for from further had hadn has hasn have haven having he her here hers herself him himself his
    how i if in into is isn it its itself just let me more most mustn my myself no nor not now of off
    on once only or other ought our ours ourselves out over own same shan she should shouldn so some
    such than that the their theirs them themselves then there these they this those through to too
    under until up very was wasn we were weren what when where which while who whom why will with won
    would wouldn you your yours yourself yourselves also may might must shall s t d ll m re ve y get
    got tell say said says please document documents file files pdf text attached attachment give show
    find explain describe list know does anything something thing things
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Lower-cased, lightly stemmed content words of `text` (stopwords dropped)."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        out.append(_stem(word))
    return out


def bm25_scores(
    query: Sequence[str], passages: Sequence[Counter[str]], lengths: Sequence[int]
) -> list[float]:
    """BM25 (k1 = 1.2, b = 0.75) of each passage (its term counts and length) for the query terms."""
    n = len(passages)
    if n == 0:
        return []
    unique_query = sorted(set(query))
    average = (sum(lengths) / n) or 1.0
    document_frequency = {t: sum(1 for c in passages if t in c) for t in unique_query}
    idf = {t: math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for t, df in document_frequency.items() if df}
    k1, b = 1.2, 0.75
    scores: list[float] = []
    for counter, length in zip(passages, lengths, strict=True):
        score = 0.0
        for term, weight in idf.items():
            frequency = counter.get(term, 0)
            if frequency:
                score += weight * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length / average))
        scores.append(score)
    return scores


def collapse(text: str) -> str:
    """`text` on one line, runs of whitespace as single spaces (for quoting a passage in an answer)."""
    return " ".join(text.split())
