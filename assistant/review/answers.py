"""Typed answers: the instruction each answer type adds to its question, and reading the value back.

The model is asked to open its reply with one line ``ANSWER: <value>`` in the type's form, then to
explain in a sentence or two citing the passages it relies on (so the cell keeps its supporting quote).
``parse_answer`` reads that line (failing it, the first line) and normalises it: "Yes"/"No", numbers
(with a unit kept: "14 days"), ISO dates, "EUR 2,000,000", one category of the list; "not stated" and
its variants become the not-answered marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from assistant.catalog.review_records import AnswerType, Question

__all__ = ["NOT_STATED", "ParsedAnswer", "instruction", "parse_answer"]

NOT_STATED = "not stated"

_FORMS = {
    AnswerType.TEXT: "a short answer of one sentence",
    AnswerType.YES_NO: "Yes or No",
    AnswerType.NUMBER: "a number, followed by its unit if it has one (for example: 14 days)",
    AnswerType.DATE: "a date written as YYYY-MM-DD",
    AnswerType.AMOUNT: "an amount with its ISO currency code first (for example: EUR 2,000,000)",
    AnswerType.EXTRACT: "a short verbatim extract from the document, at most 25 words",
}


@dataclass(frozen=True)
class ParsedAnswer:
    """``value`` as shown; ``sort_value`` for sorting; ``answered`` False when the document does not
    say (``value`` is then NOT_STATED); ``note`` when the answer did not fit the type (shown as why)."""

    value: str
    sort_value: float | str | None
    answered: bool
    note: str | None = None


def instruction(question: Question) -> str:
    """The question as sent: its text, then how to open the reply (the answer type's form)."""
    if question.type is AnswerType.CATEGORY:
        form = "exactly one of: " + "; ".join(question.categories)
    else:
        form = _FORMS[question.type]
    return (
        f"{question.text.strip()}\n\n"
        f'Start your reply with one line "ANSWER: <value>" where <value> is {form}. '
        f'If the document does not say, write "ANSWER: {NOT_STATED}". '
        "Then explain in one or two sentences, citing the passages you rely on."
    )


_ANSWER_LINE = re.compile(r"^\s*\**\s*ANSWER\s*\**\s*:\s*\**\s*(.*?)\s*\**\s*$", re.IGNORECASE | re.MULTILINE)
_NOT_STATED = re.compile(
    r"^(not (stated|specified|mentioned|given|found)|n/?a|none stated|unknown|the document does not say)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[-+]?\d[\d,\u202f\u00a0 ]*(?:\.\d+)?|[-+]?\.\d+")
_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pounds": "GBP"}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}  # fmt: skip


def answer_body(text: str) -> str:
    """The answer without its "ANSWER: <value>" line (the value is shown on its own)."""
    return _ANSWER_LINE.sub("", text, count=1).strip()


def _raw_value(text: str) -> str:
    m = _ANSWER_LINE.search(text)
    if m is not None:
        return m[1].strip().strip("\"'\u201c\u201d").strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first


def _number(raw: str) -> tuple[float, str] | None:
    """The first number in ``raw`` and the text after it."""
    m = _NUMBER.search(raw)
    if m is None:
        return None
    digits = re.sub(r"[,\u202f\u00a0 ]", "", m[0])
    try:
        value = float(digits)
    except ValueError:
        return None
    rest = raw[m.end() :].strip()
    for word, factor in (("million", 1e6), ("billion", 1e9), ("thousand", 1e3)):
        if rest.lower().startswith(word):
            value *= factor
            rest = rest[len(word) :].strip()
    return value, rest


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _date(raw: str) -> date | None:
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})", raw)
    if m and m[2][:3].lower() in _MONTHS:
        return _safe_date(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
    m = re.search(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})", raw)
    if m and m[1][:3].lower() in _MONTHS:
        return _safe_date(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]))
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw)  # day first, as most of the world writes it
    if m:
        return _safe_date(int(m[3]), int(m[2]), int(m[1]))
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return datetime(year, month, day).date()
    except ValueError:
        return None


def _currency(raw: str) -> str | None:
    m = re.search(r"\b([A-Z]{3})\b", raw)
    if m:
        return m[1]
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in raw:
            return code
    words = re.findall(r"[a-z]+", raw.lower())
    return next((_CURRENCY_WORDS[w] for w in words if w in _CURRENCY_WORDS), None)


def _unfit(raw: str, what: str) -> ParsedAnswer:
    return ParsedAnswer(raw, raw.lower(), True, f"The answer is not {what}; shown as the model wrote it.")


def parse_answer(question: Question, text: str) -> ParsedAnswer:
    """The typed value of an answer to ``question``."""
    raw = _raw_value(text)
    if not raw or _NOT_STATED.match(raw):
        return ParsedAnswer(NOT_STATED, None, False)
    kind = question.type
    if kind is AnswerType.YES_NO:
        word = raw.split()[0].strip(".,;:!").lower()
        if word in ("yes", "no"):
            return ParsedAnswer(word.capitalize(), word, True)
        return _unfit(raw, "Yes or No")
    if kind is AnswerType.NUMBER:
        number = _number(raw)
        if number is None:
            return _unfit(raw, "a number")
        value, unit = number
        return ParsedAnswer(f"{_fmt(value)} {unit}".strip(), value, True)
    if kind is AnswerType.DATE:
        when = _date(raw)
        if when is None:
            return _unfit(raw, "a date")
        return ParsedAnswer(when.isoformat(), when.isoformat(), True)
    if kind is AnswerType.AMOUNT:
        number = _number(raw)
        if number is None:
            return _unfit(raw, "an amount")
        code = _currency(raw)
        shown = f"{code} {_fmt(number[0])}" if code else _fmt(number[0])
        note = None if code else "No currency was given."
        return ParsedAnswer(shown, number[0], True, note)
    if kind is AnswerType.CATEGORY:
        lowered = raw.lower().strip(" .")
        exact = next((c for c in question.categories if c.lower() == lowered), None)
        found = exact or next((c for c in question.categories if c.lower() in lowered), None)
        if found is None:
            return _unfit(raw, "one of the categories")
        return ParsedAnswer(found, found.lower(), True)
    return ParsedAnswer(raw, raw.lower(), True)
