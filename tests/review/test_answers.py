"""Typed values read back from answers, normalised per type (pure)."""

from __future__ import annotations

import pytest

from assistant.review import AnswerType, PollBackoff, Question
from assistant.review.answers import NOT_STATED, instruction, parse_answer


def q(kind: AnswerType, categories: tuple[str, ...] = ()) -> Question:
    return Question(1, 1, "?", kind, categories)


@pytest.mark.parametrize(
    ("kind", "text", "value", "sort"),
    [
        (AnswerType.YES_NO, "ANSWER: yes.\nIt covers remote work.", "Yes", "yes"),
        (AnswerType.YES_NO, "**ANSWER:** No", "No", "no"),
        (AnswerType.NUMBER, "ANSWER: 14 days\nSee clause 3.", "14 days", 14.0),
        (AnswerType.NUMBER, "ANSWER: 1,250.5", "1,250.5", 1250.5),
        (AnswerType.DATE, "ANSWER: 31 March 2025", "2025-03-31", "2025-03-31"),
        (AnswerType.DATE, "ANSWER: March 31, 2025", "2025-03-31", "2025-03-31"),
        (AnswerType.DATE, "ANSWER: 2025-3-1", "2025-03-01", "2025-03-01"),
        (AnswerType.AMOUNT, "ANSWER: EUR 2000000", "EUR 2,000,000", 2_000_000.0),
        (AnswerType.AMOUNT, "ANSWER: €2 million", "EUR 2,000,000", 2_000_000.0),
        (AnswerType.AMOUNT, "ANSWER: 400,000 euros", "EUR 400,000", 400_000.0),
        (AnswerType.EXTRACT, 'ANSWER: "ninety days notice"', "ninety days notice", "ninety days notice"),
        (AnswerType.TEXT, "The supplier is Acme.", "The supplier is Acme.", "the supplier is acme."),
    ],
)
def test_values_normalised(kind: AnswerType, text: str, value: str, sort: object) -> None:
    parsed = parse_answer(q(kind), text)
    assert (parsed.value, parsed.sort_value, parsed.answered) == (value, sort, True)


def test_categories_from_the_list_only() -> None:
    question = q(AnswerType.CATEGORY, ("Supply", "Service"))
    assert parse_answer(question, "ANSWER: supply").value == "Supply"
    assert parse_answer(question, "ANSWER: A service agreement").value == "Service"
    odd = parse_answer(question, "ANSWER: Lease")
    assert odd.value == "Lease" and odd.note and "categories" in odd.note
    assert "exactly one of: Supply; Service" in instruction(question)


@pytest.mark.parametrize("text", ["ANSWER: not stated", "ANSWER: Not specified.", "ANSWER: N/A", ""])
def test_not_stated_is_the_marker(text: str) -> None:
    parsed = parse_answer(q(AnswerType.NUMBER), text)
    assert (parsed.value, parsed.answered, parsed.sort_value) == (NOT_STATED, False, None)


def test_unfit_answers_are_kept_with_a_note() -> None:
    parsed = parse_answer(q(AnswerType.DATE), "ANSWER: sometime next spring")
    assert parsed.value == "sometime next spring" and parsed.note


def test_backoff_grows_resets_and_backs_off_on_failure() -> None:
    backoff = PollBackoff(first=5, factor=2, cap=30, failure_cap=100)
    assert [backoff.next() for _ in range(4)] == [5, 10, 20, 30]
    assert backoff.next(progressed=True) == 5
    assert [backoff.failed() for _ in range(4)] == [10, 20, 40, 80]
    assert backoff.failed() == 100
    backoff.reset()
    assert backoff.next() == 5
