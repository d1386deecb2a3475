"""Replies that open with a requested value line, as a model does when told to.

A question that ends with the instruction ``Start your reply with one line "ANSWER: <value>" where
<value> is ...`` (how a review asks for a typed answer) gets a reply whose first line is
``ANSWER: <value>``, drawn from the best passage the sandbox quotes: Yes when a passage was found, the
first number (with the word after it), the first date (as YYYY-MM-DD), the first amount with its
currency, a short extract, the first of the listed categories the passage names; ``not stated`` when
nothing was found. The instruction itself is left out of the words the passages are scored by.
Deterministic; imports nothing of the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.sandbox.reading.text import collapse

__all__ = ["Form", "split_form"]

_INSTRUCTION = re.compile(
    r'\s*Start your reply with one line "ANSWER: <value>" where <value> is (?P<what>[^\n]*?)\.'
    r"(?: If the document does not say[^\n]*)?\s*$",
    re.DOTALL,
)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@dataclass(frozen=True)
class Form:
    """What kind of value the reply opens with: ``kind`` (yes_no, number, date, amount, extract,
    category, text) and the categories offered."""

    kind: str
    categories: tuple[str, ...] = ()

    def value(self, passages: list[str]) -> str:
        if not passages:
            return "not stated"
        best = collapse(passages[0])
        joined = " ".join(collapse(p) for p in passages)
        found: str | None
        if self.kind == "yes_no":
            found = "Yes"
        elif self.kind == "number":
            m = re.search(r"(\d[\d,.]*)\s*([A-Za-z]+)?", best)
            found = None if m is None else f"{m[1].rstrip('.,')} {m[2] or ''}".strip()
        elif self.kind == "date":
            found = _date(joined)
        elif self.kind == "amount":
            m = re.search(r"\b([A-Z]{3})\s?(\d[\d,.]*(?:\s(?:million|billion))?)", joined) or re.search(
                r"(\d[\d,.]*(?:\s(?:million|billion))?)\s(euros?|dollars?)", joined
            )
            if m is None:
                found = None
            elif m[1][0].isdigit():
                found = f"{'EUR' if m[2].startswith('euro') else 'USD'} {m[1].rstrip('.,')}"
            else:
                found = f"{m[1]} {m[2].rstrip('.,')}"
        elif self.kind == "category":
            lowered = joined.lower()
            found = next(
                (c for c in self.categories if c.lower() in lowered),
                self.categories[0] if self.categories else None,
            )
        elif self.kind == "extract":
            found = " ".join(best.split()[:25])
        else:
            found = re.split(r"(?<=[.!?])\s", best, maxsplit=1)[0]
        return found or "not stated"


def _date(text: str) -> str | None:
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if m:
        return m[0]
    m = re.search(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", text, re.IGNORECASE)
    if m:
        return f"{m[3]}-{_MONTHS.index(m[2].lower()) + 1:02d}-{int(m[1]):02d}"
    m = re.search(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", text, re.IGNORECASE)
    if m:
        return f"{m[2]}-{_MONTHS.index(m[1].lower()) + 1:02d}-01"
    return None


def split_form(question: str) -> tuple[str, Form | None]:
    """The question without the instruction, and the form it asks for (None: no instruction)."""
    m = _INSTRUCTION.search(question)
    if m is None:
        return question, None
    what = m["what"]
    if what.startswith("exactly one of: "):
        return question[: m.start()], Form("category", tuple(c.strip() for c in what[16:].split(";")))
    lowered = what.lower()
    for key, kind in (("yes or no", "yes_no"), ("yyyy-mm-dd", "date"), ("currency", "amount"),
                      ("a number", "number"), ("verbatim extract", "extract")):  # fmt: skip
        if key in lowered:
            return question[: m.start()], Form(kind)
    return question[: m.start()], Form("text")
