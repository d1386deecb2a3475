"""Finding a cited passage in a document's text, and saying where it is in the original (no Qt).

``find_passage`` matches the cited text the way a reader would: case, spacing and line breaks do not
count (the API's text of a PDF page joins lines differently from the PDF's own text layer; compatibility
forms such as "ﬁ" are read as "fi"). ``place_in_words`` says where a range of a converted file's text is
in the original ("sheet Budget, rows 12–14", "slide 3", "report/2024/q3.md in the archive"): it reads the
headings the converters write (``documents.office``: ``## Name (A1:E5)`` for a sheet with its table rows
numbered, ``## Slide N: title`` and ``### Notes``; ``documents.archive``: ``# Archive: name`` then each
member's path as a heading), taking the nearest one before the passage.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["find_passage", "place_in_words", "squeeze"]

_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.MULTILINE)
_SHEET = re.compile(r"^(.*) \((?:[A-Z]+\d+:[A-Z]+\d+|empty)\)$")
_SLIDE = re.compile(r"^Slide (\d+)(?::.*)?$")
_ROW = re.compile(r"^\| (\d+) \|", re.MULTILINE)
_PATH = re.compile(r"(/|\.[A-Za-z0-9]{1,5}$)")
_NEAR = 4_000_000  # a fuzzy search looks this far either side of where the passage should be


def squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, case-folded and in compatibility form, with each character's index
    in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            continue
        folded = unicodedata.normalize("NFKC", char).casefold() if not char.isascii() else char.lower()
        for piece in folded:
            if not piece.isspace():
                out.append(piece)
                where.append(i)
    return "".join(out), where


def find_passage(text: str, cited: str, *, hint: int | None = None) -> tuple[int, int] | None:
    """Where ``cited`` is in ``text`` as (start, end), end exclusive; None when it is not there.

    ``hint`` is where the citation says it starts (a text's character offset): the passage is checked
    there first, then looked for exactly, then with spacing and case ignored (near ``hint`` in a long
    text, so a 50 MB log is never folded whole)."""
    needle = cited.strip()
    if not needle:
        return None
    if hint is not None and text.startswith(needle, hint):
        return hint, hint + len(needle)
    if hint is not None:
        hit = text.find(needle, max(0, hint - _NEAR), hint + _NEAR + len(needle))
    else:
        hit = text.find(needle)
    if hit >= 0:
        return hit, hit + len(needle)
    base = 0 if hint is None else max(0, hint - _NEAR)
    window = text if hint is None else text[base : hint + _NEAR + len(needle)]
    folded, where = squeeze(window)
    target, _ = squeeze(needle)
    if not target:
        return None
    found = folded.find(target)
    if found < 0:
        return None
    return base + where[found], base + where[found + len(target) - 1] + 1


def _headings(text: str, end: int) -> list[tuple[int, int, str]]:
    """(position, level, text) of the Markdown headings that start before ``end``."""
    return [(m.start(), len(m.group(1)), m.group(2).strip()) for m in _HEADING.finditer(text, 0, end)]


def _rows(text: str, start: int, end: int) -> str | None:
    line_start = text.rfind("\n", 0, start) + 1
    rows = [int(m.group(1)) for m in _ROW.finditer(text, line_start, max(end, line_start + 1))]
    if not rows:
        return None
    low, high = min(rows), max(rows)
    return f"row {low}" if low == high else f"rows {low}–{high}"


def _office_place(
    kind: str, heads: list[tuple[int, int, str]], text: str, start: int, end: int
) -> str | None:
    if kind == "xlsx":
        for _pos, _level, head in reversed(heads):
            sheet = _SHEET.match(head)
            if sheet:
                rows = _rows(text, start, end)
                return f"sheet {sheet.group(1)}" + (f", {rows}" if rows else "")
        return None
    if kind == "pptx":
        notes = False
        for _pos, _level, head in reversed(heads):
            if head == "Notes":
                notes = True
                continue
            slide = _SLIDE.match(head)
            if slide:
                return f"slide {slide.group(1)}" + (", speaker notes" if notes else "")
        return None
    if kind == "docx" and heads:
        return f"under the heading “{heads[-1][2]}”"
    return None


def place_in_words(text: str, start: int, end: int, kind: str) -> str | None:
    """Where ``text[start:end]`` is in the original of a converted file of ``kind`` (a
    ``catalog.identity`` kind: "docx", "xlsx", "pptx", "zip", "tar.gzip"...), or None when the text
    does not say (a decompressed file, a passage before any heading)."""
    heads = _headings(text, start + 1)
    if kind in ("docx", "xlsx", "pptx"):
        return _office_place(kind, heads, text, start, end)
    if kind in ("gzip", "bzip2", "xz"):
        return None
    members = [
        (i, head)
        for i, (_pos, level, head) in enumerate(heads)
        if level >= 2 and not head.startswith("Archive: ") and _PATH.search(head)
    ]
    if not members:
        return None
    index, member = members[-1]
    lower = member.lower()
    inner_kind = next((k for k in ("xlsx", "pptx", "docx") if lower.endswith("." + k)), None)
    inner = _office_place(inner_kind, heads[index + 1 :], text, start, end) if inner_kind else None
    return f"{inner} of {member} in the archive" if inner else f"{member} in the archive"
