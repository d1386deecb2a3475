"""Export of a review grid: CSV, XLSX (openpyxl) or Markdown, picked by the path's suffix.

One row per file (first column "File"), then for each question two columns: the value, and
"<question> — quote" with the supporting quote and its page ('"..." (p. 3)'). Markdown puts the
quotes as footnotes under the table instead. A cell without a value says what it is ("not stated",
"errored: <why>", "queued"); a cell never run is empty.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from assistant.catalog.review_records import AnswerType, Cell, CellState, Question
from assistant.review.records import ReviewGrid

__all__ = ["EXPORT_SUFFIXES", "cell_text", "export_grid", "grid_table", "in_order", "xlsx_number"]

EXPORT_SUFFIXES = (".csv", ".xlsx", ".md")
QUOTE_SUFFIX = " — quote"


def cell_text(cell: Cell) -> str:
    """What a cell exports as its value."""
    if cell.state in (CellState.ANSWERED, CellState.NOT_ANSWERED):
        return cell.value
    if cell.state is CellState.EMPTY:
        return ""
    label = str(cell.state).replace("_", " ")
    return f"{label}: {cell.why}" if cell.why and cell.state.failed else label


def grid_table(grid: ReviewGrid) -> tuple[list[str], list[list[str]]]:
    """The header and the rows: File, then per question its value and its quote."""
    header = ["File"]
    for q in grid.review.questions:
        header += [q.text, q.text + QUOTE_SUFFIX]
    rows = []
    for row in grid.rows:
        line = [row.name]
        for q in grid.review.questions:
            cell = grid.cell(row.file_row_id, q.id)
            line += [cell_text(cell), cell.quote_label]
        rows.append(line)
    return header, rows


def in_order(grid: ReviewGrid, order: Sequence[int] | None) -> ReviewGrid:
    """``grid`` with its rows in ``order`` (file row ids, as the view shows them: sorted); rows not in
    ``order`` follow in the catalog's order. ``None``: the catalog's order."""
    if order is None:
        return grid
    place = {file_row_id: i for i, file_row_id in enumerate(order)}
    rows = sorted(
        grid.rows, key=lambda r: place.get(r.file_row_id, len(place))
    )  # stable: the rest keep theirs
    return dataclasses.replace(grid, rows=tuple(rows))


def export_grid(grid: ReviewGrid, path: Path, order: Sequence[int] | None = None) -> Path:
    """Writes ``grid`` to ``path`` (suffix .csv, .xlsx or .md; any other: ValueError with the choices),
    through a temporary file replaced at the end (a failed export leaves no half file). ``order``: the
    rows' file row ids in the order the user sees them (else the catalog's order)."""
    grid = in_order(grid, order)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ValueError(f"Export to {', '.join(EXPORT_SUFFIXES)}; “{path.name}” is none of them.")
    part = path.with_name(path.name + ".part")
    try:
        if suffix == ".csv":
            _csv(grid, part)
        elif suffix == ".xlsx":
            _xlsx(grid, part)
        else:
            part.write_text(_markdown(grid), encoding="utf-8")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def _csv(grid: ReviewGrid, path: Path) -> None:
    header, rows = grid_table(grid)
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: spreadsheets read UTF-8 so
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def _xlsx(grid: ReviewGrid, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows = grid_table(grid)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (grid.review.title or "Review")[:31].translate(str.maketrans("", "", "[]:*?/\\"))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for at, grid_row in enumerate(grid.rows, start=2):  # numbers as numbers: a sum works in the sheet
        for column, question in enumerate(grid.review.questions):
            number = xlsx_number(grid.cell(grid_row.file_row_id, question.id), question)
            if number is not None:
                target = sheet.cell(row=at, column=2 + 2 * column)
                target.value, target.number_format = number
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    book.save(path)


def xlsx_number(cell: Cell, question: Question) -> tuple[float | int, str] | None:
    """(the number, its number format) of an answered number or amount: "14 days" -> (14, '#,##0" days"'),
    "EUR 2,000,000" -> (2000000, '"EUR "#,##0'); ``None`` for any other cell (it stays text)."""
    value = cell.sort_value
    if (
        cell.state is not CellState.ANSWERED
        or question.type not in (AnswerType.NUMBER, AnswerType.AMOUNT)
        or not isinstance(value, int | float)
        or isinstance(value, bool)
    ):
        return None
    number = int(value) if float(value).is_integer() else float(value)
    decimals = 0 if isinstance(number, int) else min(6, len(repr(number).partition(".")[2]))
    code = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = cell.value.strip()
    if question.type is AnswerType.AMOUNT:
        prefix = text.split(" ", 1)[0] if " " in text else ""
        return number, (f'"{_quoted(prefix)} "' if prefix else "") + code
    unit = text.split(" ", 1)[1] if " " in text else ""
    return number, code + (f'" {_quoted(unit)}"' if unit else "")


def _quoted(text: str) -> str:
    return text.replace('"', "")


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _markdown(grid: ReviewGrid) -> str:
    questions = grid.review.questions
    lines = [f"# {_md(grid.review.title)}", "", f"Model: {grid.review.model}", ""]
    lines.append("| File | " + " | ".join(_md(q.text) for q in questions) + " |")
    lines.append("|---" * (len(questions) + 1) + "|")
    notes: list[str] = []
    for row in grid.rows:
        cells = []
        for q in questions:
            cell = grid.cell(row.file_row_id, q.id)
            text = _md(cell_text(cell))
            if cell.quote is not None:
                notes.append(
                    f"[^{len(notes) + 1}]: {_md(row.name)}, “{_md(q.text)}”: {_md(cell.quote_label)}"
                )
                text += f"[^{len(notes)}]"
            cells.append(text)
        lines.append(f"| {_md(row.name)} | " + " | ".join(cells) + " |")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
