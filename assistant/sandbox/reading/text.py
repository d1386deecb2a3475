"""Text tools of the sandbox: the deterministic tokenizer and the content words passages are scored by.

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

import re
from collections.abc import Iterator

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


# --- content words ------------------------------------------------------------------------------------------

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
    find explain describe list know does anything something thing things happen happens happened
    many much often whether
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


_VOWELS = frozenset("aeiouy")


def _stem(word: str) -> str:
    """A light suffix-stripper: plurals, -ing, -ed, -ation and a final e fold together ("provides",
    "provided", "providing" and "provide" are all "provid"; "copies", "copy" are "copi"; "modify",
    "modified", "modification" are "modifi")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ing") and len(word) > 5 and _VOWELS & set(word[:-3]):
        word = word[:-3]
    elif (
        word.endswith("ed") and not word.endswith("eed") and len(word) > 4 and _VOWELS & set(word[:-2])
    ) or (word.endswith("es") and word[-3] in "sxz" and len(word) > 4):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ification"):
        word = word[:-6]
    elif (word.endswith("ation") and len(word) > 7) or (
        word.endswith("ion") and len(word) > 6 and word[-4] in "st"
    ):
        word = word[:-3]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS | set("lsz"):
        word = word[:-1]  # "running" -> "runn" -> "run"
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    elif len(word) > 3 and word.endswith("y") and word[-2] not in _VOWELS:
        word = word[:-1] + "i"
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


def collapse(text: str) -> str:
    """`text` on one line, runs of whitespace as single spaces (for quoting a passage in an answer)."""
    return " ".join(text.split())
