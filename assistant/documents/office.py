"""Word, Excel and PowerPoint to Markdown-like text that keeps what a reader needs to cite: headings and
tables in body order; sheet names, used ranges and cell references; slide numbers, titles and notes."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from .errors import DocumentError, DocumentErrorKind
from .messages import KIND_LABEL
from .model import ArchiveLimits, DocumentKind
from .sink import TextSink, human_size, is_disk_problem, write_failed

_OPENPYXL_WARNINGS = threading.Lock()


def heading(level: int, text: str) -> str:
    return "#" * max(1, min(6, level)) + " " + " ".join(text.split()) + "\n\n"


def _cell_text(text: str) -> str:
    return "<br>".join(line.strip() for line in text.strip().splitlines()).replace("|", "\\|")


def write_table(sink: TextSink, rows: Iterable[list[str]]) -> None:
    """A Markdown table; the first row is the header. Ragged rows are padded."""
    materialised = [[_cell_text(c) for c in row] for row in rows]
    if not materialised:
        return
    width = max(len(r) for r in materialised)
    if width == 0:
        return
    for i, cells in enumerate(materialised):
        padded = cells + [""] * (width - len(cells))
        sink.content("| " + " | ".join(padded) + " |\n")
        if i == 0:
            sink.write("|" + "---|" * width + "\n")
    sink.write("\n")


# ---------------------------------------------------------------- Word


_LIST_PREFIX = {"List Bullet": "- ", "List Number": "1. ", "List Paragraph": "- "}


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIPPED_PROPERTIES = frozenset(
    {_W + "pPr", _W + "rPr", _W + "tblPr", _W + "trPr", _W + "tcPr", _W + "sectPr"}
)


def convert_docx(stream: BinaryIO, sink: TextSink, *, level: int = 0) -> None:
    """Headings as Markdown `#` (Title and Heading 1 -> `#`, shifted by `level`), paragraphs, lists and
    tables, in body order. Content controls (cover pages, forms) and text boxes are read too; headers,
    footers, footnotes and comments are not."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(stream)
    for element in _body_blocks(document.element.body):
        if element.tag == _W + "p":
            text = element_text(element).strip()
            if not text:
                continue
            paragraph = Paragraph(element, document)
            style = paragraph.style.name if paragraph.style is not None and paragraph.style.name else ""
            heading_level = _heading_level(style)
            if heading_level:
                sink.content(heading(level + heading_level, text))
                continue
            prefix = next((p for s, p in _LIST_PREFIX.items() if style.startswith(s)), "")
            sink.content(prefix + text + "\n\n")
        else:
            write_table(sink, _docx_rows(Table(element, document)))


def _body_blocks(parent: Any) -> Iterator[Any]:
    """Paragraph and table elements in body order, looking inside block-level content controls."""
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_blocks(content)


def element_text(element: Any) -> str:
    """The visible text under a WordprocessingML element, in document order: runs, tabs and breaks,
    inline content controls and text boxes (each inner paragraph on its own line); not deleted text,
    field codes, or the fallback copy of alternate content."""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element: Any, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK or tag in _SKIPPED_PROPERTIES:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "p":
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
            _collect_text(child, parts)
        else:
            _collect_text(child, parts)


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        digits = style.removeprefix("Heading ").strip()
        if digits.isdigit():
            return min(int(digits), 6)
    return 0


def _docx_rows(table: Any) -> Iterator[list[str]]:
    for row in table.rows:
        cells: list[str] = []
        previous: Any = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; show its text once.
            same = previous is not None and cell._tc is previous._tc
            cells.append("" if same else element_text(cell._tc).strip())
            previous = cell
        yield cells


# ---------------------------------------------------------------- Excel


def column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _format_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def convert_xlsx(stream: BinaryIO, sink: TextSink, *, level: int = 0) -> None:
    """Each sheet as `## Name (A1:D10)` with its exact used range, then its non-empty rows as a table
    whose first column is the row number and whose header is the column letters. Cells show their
    computed values; a formula never computed (a workbook written by a program, not by Excel) shows as
    `=FORMULA`. Rows are streamed (two read-only readers in step: values and formulas); each sheet is
    staged in a temporary file so its range can head it."""
    import openpyxl

    # openpyxl warns (UserWarning) about what it drops or cannot read in files from other writers
    # ("Workbook contains no default style", unsupported extensions, dates out of range); none of it
    # changes the text. catch_warnings() changes process-wide state, so conversions take turns here.
    with _OPENPYXL_WARNINGS, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        values = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            formulas = openpyxl.load_workbook(stream, read_only=True, data_only=False)
        except BaseException:
            values.close()
            raise
        try:
            for value_sheet, formula_sheet in zip(values.worksheets, formulas.worksheets, strict=True):
                _convert_sheet(value_sheet, formula_sheet, sink, level)
        finally:
            values.close()
            formulas.close()


def _formula_text(value: object) -> str | None:
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return f"={text.lstrip('=')}" if isinstance(text, str) and text else None


def _sheet_rows(value_sheet: Any, formula_sheet: Any) -> Iterator[tuple[int, list[tuple[int, object]]]]:
    """(row number, [(column, value)]) for each row with cells, a formula standing in for a missing value."""
    for sheet in (value_sheet, formula_sheet):
        sheet.reset_dimensions()  # do not trust (or pad to) the stored dimension: read what is there
    for value_row, formula_row in zip(value_sheet.iter_rows(), formula_sheet.iter_rows(), strict=False):
        cells: list[tuple[int, object]] = []
        number = 0
        for value_cell, formula_cell in zip(value_row, formula_row, strict=False):
            value = getattr(value_cell, "value", None)
            if value is None:
                value = _formula_text(getattr(formula_cell, "value", None))
            if value is None or value == "":
                continue
            cells.append((value_cell.column, value))
            number = value_cell.row
        if cells:
            yield number, cells


def _convert_sheet(value_sheet: Any, formula_sheet: Any, sink: TextSink, level: int) -> None:
    min_row = min_col = 10**9
    max_row = max_col = 0
    title = value_sheet.title
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as staged:
        for index, (row_number, cells) in enumerate(_sheet_rows(value_sheet, formula_sheet)):
            if index % 1000 == 0:
                sink.check()
            values = [(column, text) for column, value in cells if (text := _format_value(value)).strip()]
            if not values:
                continue
            min_row = min(min_row, row_number)
            max_row = max(max_row, row_number)
            min_col = min(min_col, values[0][0])
            max_col = max(max_col, values[-1][0])
            staged.write(json.dumps([row_number, values]) + "\n")
        if not max_row:
            sink.write(heading(level + 2, f"{title} (empty)"))
            return
        used = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
        sink.write(heading(level + 2, f"{title} ({used})"))
        columns = range(min_col, max_col + 1)
        sink.write("| Row | " + " | ".join(column_letter(c) for c in columns) + " |\n")
        sink.write("|---|" + "---|" * len(columns) + "\n")
        staged.seek(0)
        for line in staged:
            row_number, values = json.loads(line)
            by_col = dict(values)
            row_cells = [_cell_text(by_col.get(c, "")) for c in columns]
            sink.content(f"| {row_number} | " + " | ".join(row_cells) + " |\n")
        sink.write("\n")


# ---------------------------------------------------------------- PowerPoint


def convert_pptx(stream: BinaryIO, sink: TextSink, *, level: int = 0) -> None:
    """`## Slide N: title`, the text of every text frame and table in shape order (groups included),
    then `### Notes` with the speaker notes."""
    from pptx import Presentation

    presentation = Presentation(stream)
    for number, slide in enumerate(presentation.slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None else ""
        sink.write(heading(level + 2, f"Slide {number}: {title}" if title else f"Slide {number}"))
        if title:
            sink.has_content = True
        for shape in _walk_shapes(slide.shapes):
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            if getattr(shape, "has_table", False) and shape.has_table:
                write_table(sink, ([cell.text for cell in row.cells] for row in shape.table.rows))
            elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                _write_text_frame(sink, shape.text_frame)
        if slide.has_notes_slide:
            frame = slide.notes_slide.notes_text_frame
            if frame is not None and frame.text.strip():
                sink.write(heading(level + 3, "Notes"))
                _write_text_frame(sink, frame)


def _walk_shapes(shapes: Iterable[Any]) -> Iterator[Any]:
    for shape in shapes:
        inner = getattr(shape, "shapes", None)
        if inner is not None:
            yield from _walk_shapes(inner)
        else:
            yield shape


def _write_text_frame(sink: TextSink, frame: Any) -> None:
    lines = []
    for paragraph in frame.paragraphs:
        text = paragraph.text.replace("\v", " ")
        if text.strip():
            lines.append("  " * paragraph.level + text.strip())
    if lines:
        sink.content("\n".join(lines) + "\n\n")


# ---------------------------------------------------------------- guarded entry


def convert_office(
    kind: DocumentKind, stream: BinaryIO, sink: TextSink, *, name: str, level: int, limits: ArchiveLimits
) -> None:
    """Convert a Word, Excel or PowerPoint file after checking its package is not a zip bomb: the
    libraries hold whole parts in memory (all of them for Word and PowerPoint; the shared strings for
    Excel, whose sheets are streamed)."""
    _check_office_package(stream, kind, name, limits)
    converters = {
        DocumentKind.DOCX: convert_docx,
        DocumentKind.XLSX: convert_xlsx,
        DocumentKind.PPTX: convert_pptx,
    }
    converter = converters[kind]
    before = sink.has_content
    sink.has_content = False
    try:
        converter(stream, sink, level=level)
    except DocumentError:
        raise
    except OSError as exc:
        if is_disk_problem(exc):  # the xlsx staging file
            raise write_failed(name, exc) from exc
        raise _office_corrupt(kind, name, exc) from exc
    except Exception as exc:  # the libraries raise anything from KeyError to lxml errors on damage
        raise _office_corrupt(kind, name, exc) from exc
    found = sink.has_content
    sink.has_content = before or found
    if not found:
        raise DocumentError(
            DocumentErrorKind.EMPTY,
            f"“{name}” has no text to read. Add {KIND_LABEL[kind]} with some text in it.",
        )


def _check_office_package(stream: BinaryIO, kind: DocumentKind, name: str, limits: ArchiveLimits) -> None:
    try:
        with zipfile.ZipFile(stream) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _office_corrupt(kind, name, exc) from exc
    finally:
        stream.seek(0)
    streamed = kind is DocumentKind.XLSX
    held = sum(i.file_size for i in infos if not (streamed and i.filename.startswith("xl/worksheets/")))
    bomb = any(
        i.file_size > limits.ratio_floor_bytes and i.file_size > limits.max_ratio * max(i.compress_size, 1)
        for i in infos
    )
    if held > limits.max_total_bytes or len(infos) > limits.max_members or bomb:
        raise DocumentError(
            DocumentErrorKind.TOO_LARGE,
            f"“{name}” is {KIND_LABEL[kind]} that unpacks to more than can be read safely "
            f"({human_size(held)} held in memory, {len(infos):,} parts"
            + (", compressed more than a real document would be" if bomb else "")
            + "). Save it as PDF, or split it, and add that.",
        )


def _office_corrupt(kind: DocumentKind, name: str, exc: Exception) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.CORRUPT_DOCUMENT,
        f"“{name}” looks like {KIND_LABEL[kind]} but cannot be read ({type(exc).__name__}: {exc}). "
        "Open it in its application and save it again, then add the new copy.",
    )
