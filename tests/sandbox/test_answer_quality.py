"""How often the sandbox quotes the passage a reader would pick (issue 10, item 3).

Twenty questions over the two bundled samples and the GPL-3 text (a copy in `data/`), each with the
sentence a person would point at; the measure counts the questions whose quoted passages include it,
prints the score and asks for at least 17 of 20. It runs through the real sandbox over HTTP with the
official SDK, one document per question, as the offline app asks. A converted memo and workbook (the
shapes `assistant/documents/office.py` writes) check that table rows and sentences are quoted, never
bare headings, and that every citation is exact.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import anthropic
import pypdf
from anthropic.types import CitationCharLocation, CitationPageLocation, TextBlock

from .helpers import MODEL, ask, text_doc

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "assets" / "samples" / "remote-work-policy.md"
SOLAR = ROOT / "assets" / "samples" / "solar-maintenance-guide.pdf"
GPL = Path(__file__).resolve().parent / "data" / "GPL-3.txt"

# (document, question, words of the passage a reader would quote; matched with whitespace collapsed)
PAIRS: list[tuple[Path, str, str]] = [
    (POLICY, "How many days a week can I work remotely?", "may work remotely up to three days a week"),
    (POLICY, "What equipment does the company provide?", "provides a laptop, a monitor and a headset"),
    (POLICY, "How much money can I claim for a desk chair?", "claim up to 300 euros"),
    (POLICY, "What are the core hours?", "Core hours are 10:00 to 15:00"),
    (POLICY, "Am I allowed to use public Wi-Fi?", "Public Wi-Fi must be used with the company VPN"),
    (POLICY, "What should I do if my laptop is stolen?", "stolen devices are reported to the IT desk"),
    (POLICY, "Can I work from another country for a while?", "Working from another country is allowed"),
    (SOLAR, "How often should the panels be cleaned?", "Clean the panels twice a year"),
    (SOLAR, "Can I use a pressure washer on the panels?", "never use a pressure washer"),
    (SOLAR, "What does error code E21 mean?", "the code E21 means a grid fault"),
    (SOLAR, "How many years will the inverter last?", "The inverter is expected to last 10 to 15 years"),
    (SOLAR, "What time of day is best for cleaning?", "Clean early in the morning"),
    (SOLAR, "What if the production drops a lot?", "A drop of more than 15 percent"),
    (SOLAR, "What should I keep together with this guide?", "Keep the warranty papers"),
    (GPL, "Can I sell copies of the program?", "You may charge any price or no price for each copy"),
    (GPL, "Is there a warranty for the program?", "THERE IS NO WARRANTY FOR THE PROGRAM"),
    (GPL, "What happens to my rights if I violate the license?", "will automatically terminate your rights"),
    (
        GPL,
        "Must I give the source code when I convey object code?",
        "convey the machine-readable Corresponding Source",
    ),
    (GPL, "Do contributors grant me a patent license?", "Each contributor grants you a non-exclusive"),
    (GPL, "Can I modify the program and share my version?", "You may convey a work based on the Program"),
]

MEMO = (
    "# Q3 budget memo\n\n"
    "## Summary\n\n"
    "Spending in Q3 was 4% under plan, mostly because two hires moved to October.\n\n"
    "## Costs\n\n"
    "| Item | Planned | Actual | Owner |\n"
    "|---|---|---|---|\n"
    "| Travel | 12000 | 9800 | Dana |\n"
    "| Cloud hosting | 30000 | 34500 | Lee |\n"
    "| Training | 8000 | 7600 | Dana |\n\n"
    "# Decisions needed\n\n"
    "- Approve the extra cloud hosting budget of 4500 euros before 15 October.\n"
    "- Decide whether the training budget moves to Q4.\n\n"
)
SHEET = (
    "## Sales (A1:E5)\n\n"
    "| Row | A | B | C | D | E |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | Region | Q1 | Q2 | Q3 | Q4 |\n"
    "| 2 | North | 120 | 135 | 150 | 170 |\n"
    "| 3 | South | 90 | 80 | 95 | 110 |\n"
    "| 4 | East | 60 | 75 | 70 | 65 |\n"
    "| 5 | West | 100 | 105 | 98 | 120 |\n\n"
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _upload(client: anthropic.Anthropic, path: Path) -> str:
    kind = "application/pdf" if path.suffix == ".pdf" else "text/plain"
    return client.files.upload(file=(path.name, path.read_bytes(), kind)).id


def _quoted(client: anthropic.Anthropic, file_id: str, question: str) -> tuple[str, list[Any]]:
    messages: Any = ask(text_doc(file_id), question=question)
    message = client.messages.create(model=MODEL, max_tokens=1024, messages=messages)
    text = "".join(b.text for b in message.content if isinstance(b, TextBlock))
    cites = [c for b in message.content if isinstance(b, TextBlock) for c in (b.citations or [])]
    return text, cites


def _is_heading(cited: str) -> bool:
    return bool(re.fullmatch(r"#{1,6} .*", cited.strip())) or cited.strip() in {
        "Rooftop Solar Maintenance Guide",
        "Page 1: Cleaning and inspection",
        "Page 2: Inverter and monitoring",
    }


def test_the_expected_passage_is_quoted_for_at_least_17_of_20_questions(client: anthropic.Anthropic) -> None:
    ids = {path: _upload(client, path) for path in (POLICY, SOLAR, GPL)}
    texts = {POLICY: POLICY.read_text(encoding="utf-8"), GPL: GPL.read_text(encoding="utf-8")}
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(SOLAR.read_bytes())).pages]
    hits = first = 0
    misses: list[str] = []
    leads: list[str] = []
    headings: list[str] = []
    for path, question, expected in PAIRS:
        lead, cites = _quoted(client, ids[path], question)
        assert cites, (question, lead)
        leads.append(lead.split("\n", 1)[0])
        quoted: list[str] = []
        for cite in cites:
            if isinstance(cite, CitationPageLocation):
                assert cite.cited_text in pages[cite.start_page_number - 1]
                assert cite.end_page_number == cite.start_page_number + 1
            else:
                assert isinstance(cite, CitationCharLocation)
                assert texts[path][cite.start_char_index : cite.end_char_index] == cite.cited_text
            if _is_heading(cite.cited_text):
                headings.append(f"{question!r}: {cite.cited_text!r}")
            quoted.append(_flat(cite.cited_text))
        first += expected in quoted[0]
        if any(expected in q for q in quoted):
            hits += 1
        else:
            misses.append(f"{question!r}: expected {expected!r}, quoted {quoted}")
    print(f"\nanswer quality: {hits}/{len(PAIRS)} questions quote the expected passage ({first} first)")
    for miss in misses:
        print("  miss:", miss)
    assert len(PAIRS) == 20
    assert hits >= 17, "\n".join(misses)
    assert not headings, headings
    assert all("closest" in lead for lead in leads), leads


def test_memo_and_sheet_answers_quote_rows_and_sentences_not_headings(client: anthropic.Anthropic) -> None:
    memo = client.files.upload(file=("q3-budget-memo.docx.txt", MEMO.encode(), "text/plain")).id
    sheet = client.files.upload(file=("sales.xlsx.txt", SHEET.encode(), "text/plain")).id
    cases = [
        (memo, MEMO, "What decisions are needed?", "Approve the extra cloud hosting budget"),
        (memo, MEMO, "How much did cloud hosting cost?", "| Cloud hosting | 30000 | 34500 | Lee |"),
        (memo, MEMO, "Why was spending under plan?", "two hires moved to October"),
        (sheet, SHEET, "What were the sales in the South region?", "| 3 | South | 90 | 80 | 95 | 110 |"),
        (sheet, SHEET, "How did the West do?", "| 5 | West |"),
    ]
    for file_id, text, question, expected in cases:
        _, cites = _quoted(client, file_id, question)
        assert cites, question
        for cite in cites:
            assert isinstance(cite, CitationCharLocation)
            assert text[cite.start_char_index : cite.end_char_index] == cite.cited_text
            assert not cite.cited_text.lstrip().startswith("#"), (question, cite.cited_text)
            assert not re.fullmatch(r"\|[-|\s]*\|", cite.cited_text.strip()), cite.cited_text
        assert any(expected in c.cited_text for c in cites), (question, [c.cited_text for c in cites])
