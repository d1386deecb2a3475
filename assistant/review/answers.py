"""Typed answers: the instruction each answer type adds to its question, and reading the value back.

The model is asked to open its answer with one line ``ANSWER: <value>`` in the type's form, then explain
with citations. ``parse_answer`` reads that line (or, failing it, the first line) and normalises it:
Yes/No, numbers, ISO dates, "EUR 2,000,000", a category from the list; "not stated" (and its variants)
becomes the not-answered marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.catalog.review_records import Question

__all__ = ["NOT_STATED", "ParsedAnswer", "instruction", "parse_answer"]

NOT_STATED = "not stated"


@dataclass(frozen=True)
class ParsedAnswer:
    """``value`` as shown; ``sort_value`` for sorting; ``answered`` False when the document does not
    say (``value`` is then NOT_STATED); ``note`` when the answer did not fit the type (shown as why)."""

    value: str
    sort_value: float | str | None
    answered: bool
    note: str | None = None


def instruction(question: Question) -> str:
    """The question as sent: its text and the answer type's instruction."""
    raise NotImplementedError


def parse_answer(question: Question, text: str) -> ParsedAnswer:
    raise NotImplementedError
