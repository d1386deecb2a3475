"""Passages a reader would quote: headings are context, table rows and sentences are passages, exactly."""

from __future__ import annotations

from collections import Counter

from assistant.sandbox.reading.passages import MAX_PASSAGE_CHARS, split_passages
from assistant.sandbox.reading.scoring import query_weights, score
from assistant.sandbox.reading.text import terms

MEMO = (
    "# Q3 budget memo\n\n"
    "## Costs\n\n"
    "| Item | Planned | Actual |\n"
    "|---|---|---|\n"
    "| Travel | 12000 | 9800 |\n\n"
    "# Decisions needed\n\n"
    "- Approve the extra cloud hosting budget.\n"
    "- Decide whether training\n  moves to Q4.\n"
)


def _texts(parts: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(parts[p.part][p.start : p.end], p.context) for p in split_passages(parts)]


def test_headings_are_context_and_rows_and_items_are_passages() -> None:
    assert _texts((MEMO,)) == [
        ("| Item | Planned | Actual |", "Q3 budget memo / Costs"),
        ("| Travel | 12000 | 9800 |", "Q3 budget memo / Costs / | Item | Planned | Actual |"),
        ("Approve the extra cloud hosting budget.", "Decisions needed"),
        ("Decide whether training\n  moves to Q4.", "Decisions needed"),
    ]


def test_a_sheet_skips_its_column_letters_and_heads_rows_with_the_first_data_row() -> None:
    sheet = "## Sales (A1:C3)\n\n| Row | A | B |\n|---|---|---|\n| 1 | Region | Q1 |\n| 2 | North | 120 |\n"
    assert [text for text, _ in _texts((sheet,))] == ["| 1 | Region | Q1 |", "| 2 | North | 120 |"]
    assert _texts((sheet,))[1][1] == "Sales (A1:C3) / | 1 | Region | Q1 |"


def test_pdf_heading_lines_carry_over_and_wrapped_lines_stay_one_sentence() -> None:
    pages = (
        "Rooftop Guide\nPage 1: Cleaning\nClean the panels twice a year.\nUse a soft brush and plain\nwater.",
        "Never use a pressure washer.\nOutlook remains positive",
    )
    assert _texts(pages) == [
        ("Clean the panels twice a year.", "Rooftop Guide / Page 1: Cleaning"),
        ("Use a soft brush and plain\nwater.", "Rooftop Guide / Page 1: Cleaning"),
        ("Never use a pressure washer.", "Rooftop Guide / Page 1: Cleaning"),
        ("Outlook remains positive", "Rooftop Guide / Page 1: Cleaning"),
    ]


def test_numbered_title_headings_and_short_content_lines() -> None:
    text = (
        "  4. Conveying Verbatim Copies.\n\n  You may charge any price.\n\n"
        "Remember to thank the hosts\n\n## Next\n"
    )
    assert _texts((text,)) == [
        ("You may charge any price.", "4. Conveying Verbatim Copies."),
        ("Remember to thank the hosts", "4. Conveying Verbatim Copies."),
    ]


def test_long_sentences_split_at_semicolons_within_the_limit() -> None:
    clause = "keep intact all the notices stating that this License applies to the code"
    text = "You may convey copies; " + "; ".join([clause] * 12) + "."
    spans = split_passages((text,))
    assert len(spans) > 1
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and len(piece) <= MAX_PASSAGE_CHARS


def test_more_distinct_question_words_and_a_matching_heading_rank_higher() -> None:
    texts = ["Copies are made daily.", "You may charge any price for each copy.", "The weather is fine."]
    bodies = [Counter(terms(t)) for t in texts]
    contexts = [frozenset(), frozenset(terms("Conveying Verbatim Copies")), frozenset()]
    scores = score(query_weights("Can I sell copies?"), bodies, contexts)
    assert scores[1] > scores[0] > scores[2] == 0.0
    assert terms("provides provided providing provide") == ["provid"] * 4
    assert terms("copies copy modified modification") == ["copi", "copi", "modifi", "modifi"]
