"""Builders for the test corpus: every file is made here, with the libraries, into a temporary folder."""

from __future__ import annotations

import datetime as dt
import io
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from helpers_pdf import make_pdf


def write_encrypted_pdf(
    path: Path, pages: Sequence[Sequence[str]], *, user: str, owner: str, algorithm: str = "RC4-128"
) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages))))
    # RC4 needs no optional crypto library; AES needs `cryptography`.
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    with path.open("wb") as out:
        writer.write(out)
    return path


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Quarterly Report", level=1)
    document.add_paragraph("The first paragraph explains the numbers.")
    document.add_heading("Regional results", level=2)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["Region", "Revenue", "Notes"], ["North", "1200", "up | strongly"], ["South", "900", ""]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("After the table comes the conclusion.")
    document.add_paragraph("Keep costs down", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def big_docx(path: Path, pages: int) -> Path:
    """About `pages` pages: each page a heading, four paragraphs and a small table."""
    import docx

    document = docx.Document()
    for page in range(1, pages + 1):
        document.add_heading(f"Section {page}", level=2)
        for p in range(4):
            document.add_paragraph(f"Page {page} paragraph {p}: " + "lorem ipsum dolor sit amet " * 12)
        table = document.add_table(rows=4, cols=4)
        for r in range(4):
            for c in range(4):
                table.cell(r, c).text = f"r{r}c{c}p{page}"
    document.save(str(path))
    return path


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sales = workbook.active
    assert sales is not None
    sales.title = "Sales"
    sales.append(["Name", "Amount", "Date"])
    sales.append(["Alice", 42, dt.date(2024, 1, 31)])
    sales.append(["Bob | Jr", 3.5, dt.datetime(2024, 2, 1, 9, 30)])
    sales["B6"] = "far below"
    workbook.create_sheet("Empty sheet")
    costs = workbook.create_sheet("Costs")
    costs["C3"] = "offset start"
    costs["D4"] = 7
    costs["D5"] = "=SUM(D3:D4)*2"  # written by a program: no computed value stored
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def big_xlsx(path: Path, rows: int) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["id", "name", "amount", "category"])
    for i in range(1, rows + 1):
        sheet.append([i, f"item {i}", i * 1.5, f"cat{i % 7}"])
    workbook.save(str(path))
    return path


def pptx_bytes() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])  # title and content
    assert first.shapes.title is not None
    first.shapes.title.text = "Introduction"
    first.placeholders[1].text_frame.text = "Why we are here"
    first.notes_slide.notes_text_frame.text = "Remember to thank the hosts"
    second = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
    assert second.shapes.title is not None
    second.shapes.title.text = "Numbers"
    shape = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1))
    shape.table.cell(0, 0).text = "Metric"
    shape.table.cell(0, 1).text = "Value"
    shape.table.cell(1, 0).text = "Users"
    shape.table.cell(1, 1).text = "1,024"
    box = second.shapes.add_textbox(Inches(1), Inches(4), Inches(4), Inches(1))
    box.text_frame.text = "A text box below the table"
    presentation.slides.add_slide(presentation.slide_layouts[6])  # blank, no title
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(
    members: dict[str, bytes], *, mode: str = "w:gz", specials: Sequence[tarfile.TarInfo] = ()
) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in specials:
            archive.addfile(info)
    return buffer.getvalue()


def special_member(name: str, kind: bytes, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def docx_with_controls_bytes() -> bytes:
    """A Word document with what python-docx's own text skips: a block-level content control (a cover
    page), an inline content control, a text box with its alternate-content fallback, merged and nested
    table cells, tabs and line breaks."""

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    body = document.element.body
    cover = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>Cover page title</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    body.insert(0, cover)
    paragraph = document.add_paragraph("Name: ")
    inline = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:r><w:t>Ada Lovelace</w:t></w:r></w:sdtContent></w:sdt>"
    )
    paragraph._p.append(inline)
    box = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        "<w:p><w:r><w:t>Boxed remark</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        "<w:p><w:r><w:t>Boxed remark</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    document.add_paragraph("Before the box.")._p.append(box)
    tabbed = document.add_paragraph("left")
    tabbed.add_run().add_tab()
    tabbed.add_run("right")
    tabbed.add_run().add_break()
    tabbed.add_run("next line")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged header"
    table.cell(0, 2).text = "Plain"
    table.cell(1, 0).text = "Outer"
    table.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "Nested inside"
    table.cell(1, 2).text = "Last"

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
