"""Export of the grid as CSV, XLSX and Markdown, read back (issue 11)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from assistant.review import ReviewService

from .conftest import CAP, MODEL, NOTICE


@pytest.fixture
def answered(reviews: ReviewService, contracts: list[int], files: object) -> int:
    review = reviews.create_review("Supplier checks", MODEL, contracts, [NOTICE, CAP])
    list(reviews.run_now(review.id))
    return review.id


def test_csv(reviews: ReviewService, answered: int, tmp_path: Path) -> None:
    path = reviews.export(answered, tmp_path / "grid.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "File",
        NOTICE.text,
        NOTICE.text + " — quote",
        CAP.text,
        CAP.text + " — quote",
    ]
    acme = rows[1]
    assert acme[:2] == ["acme-supply.txt", "90 days"] and acme[3] == "EUR 2,000,000"
    assert "90 days" in acme[2] and acme[2].endswith(")") and "chars" in acme[2]
    assert [r[0] for r in rows[1:]] == ["acme-supply.txt", "borealis-supply.txt", "cobalt-supply.txt"]


def test_xlsx(reviews: ReviewService, answered: int, tmp_path: Path) -> None:
    path = reviews.export(answered, tmp_path / "grid.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.title == "Supplier checks"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "File" and rows[0][3] == CAP.text
    assert rows[3][:2] == ["cobalt-supply.txt", 14] and rows[3][3] == 750_000  # numbers, to be summed
    assert "liability cap" in str(rows[3][4]).lower()
    assert sheet["B4"].number_format == '#,##0" days"' and sheet["D4"].number_format == '"GBP "#,##0'
    assert isinstance(sheet["B2"].value, int) and sheet["B2"].value == 90


def test_csv_and_markdown_keep_numbers_as_shown(
    reviews: ReviewService, answered: int, tmp_path: Path
) -> None:
    with reviews.export(answered, tmp_path / "grid.csv").open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f))[3][1] == "14 days"
    assert "| cobalt-supply.txt | 14 days" in reviews.export(answered, tmp_path / "grid.md").read_text(
        "utf-8"
    )


def test_markdown_with_footnotes(reviews: ReviewService, answered: int, tmp_path: Path) -> None:
    text = reviews.export(answered, tmp_path / "grid.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Supplier checks"
    header = next(line for line in lines if line.startswith("| File |"))
    assert header == f"| File | {NOTICE.text} | {CAP.text} |"
    acme = next(line for line in lines if line.startswith("| acme-supply.txt |"))
    assert "90 days[^1]" in acme and "EUR 2,000,000[^2]" in acme
    assert any(line.startswith("[^1]: acme-supply.txt") and "90 days" in line for line in lines)


def test_unknown_suffix(reviews: ReviewService, answered: int, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.csv"):
        reviews.export(answered, tmp_path / "grid.pdf")
    assert not list(tmp_path.glob("grid.*"))
