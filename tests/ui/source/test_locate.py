"""Finding a cited passage and saying where it is in the original, on the text the real converters
write (issue 13): a sheet and its rows, a slide (and its notes), a heading of a Word file, a member of
an archive; spacing, case and line breaks do not hide a passage; a long text is not folded whole."""

from __future__ import annotations

from pathlib import Path

from assistant.documents import prepare
from assistant.ui.source.locate import find_passage, place_in_words
from tests.documents.corpus import docx_bytes, pptx_bytes, xlsx_bytes, zip_bytes


def converted(tmp_path: Path, name: str, data: bytes) -> tuple[str, str]:
    source = tmp_path / name
    source.write_bytes(data)
    doc = prepare(source, cache_dir=tmp_path / "cache")
    return doc.upload_path.read_text("utf-8"), doc.source_kind


def place_of(text: str, passage: str, kind: str) -> str | None:
    hit = find_passage(text, passage)
    assert hit is not None, passage
    return place_in_words(text, *hit, kind)


def test_a_sheet_and_its_rows(tmp_path: Path) -> None:
    text, kind = converted(tmp_path, "budget.xlsx", xlsx_bytes())
    assert kind == "xlsx"
    assert place_of(text, "Alice", kind) == "sheet Sales, row 2"
    assert place_of(text, "Alice | 42 | 2024-01-31 |\n| 3 | Bob", kind) == "sheet Sales, rows 2–3"
    assert place_of(text, "offset start", kind) == "sheet Costs, row 3"


def test_a_slide_and_its_notes(tmp_path: Path) -> None:
    text, kind = converted(tmp_path, "deck.pptx", pptx_bytes())
    assert place_of(text, "Why we are here", kind) == "slide 1"
    assert place_of(text, "Remember to thank the hosts", kind) == "slide 1, speaker notes"
    assert place_of(text, "A text box below the table", kind) == "slide 2"


def test_a_word_heading(tmp_path: Path) -> None:
    text, kind = converted(tmp_path, "memo.docx", docx_bytes())
    assert (
        place_of(text, "After the table comes the conclusion.", kind)
        == "under the heading “Regional results”"
    )


def test_an_archive_member(tmp_path: Path) -> None:
    members = {
        "report/2024/q3.md": b"# Q3\n\nThe third quarter closed with a surplus.\n",
        "budget.xlsx": xlsx_bytes(),
    }
    text, kind = converted(tmp_path, "bundle.zip", zip_bytes(members))
    assert kind == "zip"
    assert place_of(text, "closed with a surplus", kind) == "report/2024/q3.md in the archive"
    assert place_of(text, "offset start", kind) == "sheet Costs, row 3 of budget.xlsx in the archive"


def test_spacing_case_and_line_breaks_do_not_hide_a_passage() -> None:
    page = "The lamp. A rotating LED lamp\r\nreplaced the paraffin burner in\r\nMarch 2023."
    hit = find_passage(page, "a rotating LED lamp replaced the paraffin  burner in March 2023")
    assert (
        hit is not None
        and page[hit[0] : hit[1]].startswith("A rotating")
        and page[hit[1] - 4 : hit[1]] == "2023"
    )
    assert find_passage(page, "a lighthouse keeper") is None
    assert find_passage("ﬁne print", "fine print") == (0, 9)


def test_a_long_text_is_checked_where_the_citation_points() -> None:
    text = "x" * 5_000_000 + "THE PASSAGE" + "y" * 1000
    at = 5_000_000
    assert find_passage(text, "THE PASSAGE", hint=at) == (at, at + 11)
    assert find_passage(text, "the  passage", hint=at - 10) == (at, at + 11)
