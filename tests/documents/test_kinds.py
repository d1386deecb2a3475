"""Every kind of document prepares into what the Files API takes, with the structure a reader needs."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from helpers_pdf import write_pdf
from pypdf import PdfReader

from assistant.documents import (
    DocumentError,
    DocumentErrorKind,
    DocumentKind,
    PreparedDocument,
    prepare,
    split_pdf,
)
from assistant.documents.model import CONVERTER_VERSION

from . import corpus


def text_of(doc: PreparedDocument) -> str:
    return doc.upload_path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- text kinds


def test_plain_utf8_text_is_uploaded_as_is(src: Path, cache_dir: Path) -> None:
    path = src / "notes.txt"
    path.write_text("Grüße — the meeting is at noon.\n", encoding="utf-8")
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.upload_path == path
    assert not doc.converted
    assert (doc.mime_type, doc.block, doc.kind) == ("text/plain", "document", DocumentKind.TEXT)
    assert doc.upload_name == doc.original_name == "notes.txt"
    assert doc.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.source_size == path.stat().st_size == doc.upload_size
    assert doc.source_mtime == path.stat().st_mtime
    assert doc.warnings == ()
    assert doc.page_count is None and doc.needs_split is None


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("README.md", "# Title\n\nSome *markdown*.\n", DocumentKind.MARKDOWN),
        ("table.csv", "a,b\n1,2\n", DocumentKind.CSV),
        ("data.json", '{"a": [1, 2]}\n', DocumentKind.JSON),
        ("events.jsonl", '{"n": 1}\n{"n": 2}\n', DocumentKind.JSONL),
        ("feed.xml", "<?xml version='1.0'?><a><b>x</b></a>\n", DocumentKind.XML),
        ("config.yaml", "key: value\nlist: [1, 2]\n", DocumentKind.YAML),
        ("main.py", "def f() -> int:\n    return 1\n", DocumentKind.CODE),
        ("Makefile", "all:\n\techo hi\n", DocumentKind.CODE),
        ("server.log", "2024-01-01 INFO started\n", DocumentKind.LOG),
        ("page.html", "<html><body>Hi</body></html>\n", DocumentKind.HTML),
        ("LICENSE", "Permission is hereby granted\n", DocumentKind.TEXT),
    ],
)
def test_text_kinds_keep_their_names(
    src: Path, cache_dir: Path, name: str, content: str, kind: DocumentKind
) -> None:
    path = src / name
    path.write_text(content, encoding="utf-8")
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type, doc.block) == (kind, "text/plain", "document")
    assert doc.upload_name == name
    assert doc.upload_path == path
    assert doc.warnings == ()


def test_cp1252_text_is_converted_to_utf8(src: Path, cache_dir: Path) -> None:
    original = "Café “quoted” — 10 € déjà vu\n"
    path = src / "legacy.txt"
    path.write_bytes(original.encode("cp1252"))
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.converted and doc.upload_path.parent == cache_dir
    assert doc.source_sha256 in doc.upload_path.name
    assert doc.upload_path.read_bytes().decode("utf-8").startswith(original)
    assert doc.upload_name == "legacy.txt"
    assert any("Windows-1252" in w for w in doc.warnings)


def test_latin1_text_with_bytes_cp1252_lacks(src: Path, cache_dir: Path) -> None:
    path = src / "odd.csv"
    path.write_bytes(b"name,value\n\x81\xe9t\xe9,1\n")  # 0x81 is undefined in cp1252
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.CSV
    assert "\x81été,1" in text_of(doc)
    assert any("latin-1" in w for w in doc.warnings)


@pytest.mark.parametrize(("encoding", "label"), [("utf-16", "UTF-16"), ("utf-8-sig", "byte-order mark")])
def test_text_with_a_bom_is_converted(src: Path, cache_dir: Path, encoding: str, label: str) -> None:
    path = src / "bom.md"
    path.write_text("# Überschrift\n\nText\n", encoding=encoding)
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.MARKDOWN
    raw = doc.upload_path.read_bytes()
    assert raw.startswith("# Überschrift".encode())  # no BOM left
    assert any(label in w for w in doc.warnings)


# ---------------------------------------------------------------- office


def test_docx_keeps_headings_paragraphs_and_tables_in_order(src: Path, cache_dir: Path) -> None:
    path = src / "report.docx"
    path.write_bytes(corpus.docx_bytes())
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type, doc.block) == (DocumentKind.DOCX, "text/plain", "document")
    assert doc.upload_name == "report.docx.txt" and doc.original_name == "report.docx"
    assert doc.converted and doc.upload_path.parent == cache_dir
    text = text_of(doc)
    assert text.startswith("# Quarterly Report\n\nThe first paragraph explains the numbers.\n")
    assert "\n## Regional results\n" in text
    assert "| Region | Revenue | Notes |\n|---|---|---|\n| North | 1200 | up \\| strongly |\n" in text
    assert "| South | 900 |  |" in text
    assert "- Keep costs down" in text
    positions = [
        text.index(s) for s in ("Quarterly", "Regional results", "| North", "After the table", "- Keep")
    ]
    assert positions == sorted(positions)
    assert doc.warnings == ()


def test_xlsx_sheets_with_names_ranges_and_cell_rows(src: Path, cache_dir: Path) -> None:
    path = src / "book.xlsx"
    path.write_bytes(corpus.xlsx_bytes())
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.XLSX
    text = text_of(doc)
    assert (
        "## Sales (A1:C6)\n\n| Row | A | B | C |\n|---|---|---|---|\n| 1 | Name | Amount | Date |\n" in text
    )
    assert "| 2 | Alice | 42 | 2024-01-31 |" in text
    assert "| 3 | Bob \\| Jr | 3.5 | 2024-02-01 09:30:00 |" in text
    assert "| 6 |  | far below |  |" in text
    assert "| 4 |" not in text.split("## Empty sheet")[0]  # empty rows are left out
    assert "## Empty sheet (empty)" in text
    assert (
        "## Costs (C3:D5)\n\n| Row | C | D |\n|---|---|---|\n| 3 | offset start |  |\n| 4 |  | 7 |\n"
        "| 5 |  | =SUM(D3:D4)*2 |\n"
    ) in text  # a formula with no stored value shows as the formula
    assert text.index("## Sales") < text.index("## Empty sheet") < text.index("## Costs")


def test_pptx_slides_with_numbers_titles_tables_and_notes(src: Path, cache_dir: Path) -> None:
    path = src / "deck.pptx"
    path.write_bytes(corpus.pptx_bytes())
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.PPTX
    text = text_of(doc)
    assert "## Slide 1: Introduction\n\nWhy we are here\n" in text
    assert "### Notes\n\nRemember to thank the hosts\n" in text
    assert "## Slide 2: Numbers\n" in text
    assert "| Metric | Value |\n|---|---|\n| Users | 1,024 |" in text
    assert "A text box below the table" in text
    assert "## Slide 3\n" in text
    assert text.index("Slide 1") < text.index("thank the hosts") < text.index("Slide 2")


# ---------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("fmt", "name", "mime"),
    [
        ("PNG", "a.png", "image/png"),
        ("JPEG", "b.jpeg", "image/jpeg"),
        ("GIF", "c.gif", "image/gif"),
        ("WEBP", "d.webp", "image/webp"),
    ],
)
def test_images_are_image_blocks(src: Path, cache_dir: Path, fmt: str, name: str, mime: str) -> None:
    path = src / name
    path.write_bytes(corpus.image_bytes(fmt))
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.block, doc.mime_type) == (DocumentKind.IMAGE, "image", mime)
    assert doc.upload_path == path and doc.upload_name == name and doc.warnings == ()


# ---------------------------------------------------------------- PDF


def test_pdf_with_text_is_uploaded_as_is(src: Path, cache_dir: Path) -> None:
    path = write_pdf(src / "paper.pdf", [["Abstract", "We study things."], ["Results"]])
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type, doc.block) == (DocumentKind.PDF, "application/pdf", "document")
    assert doc.upload_path == path and not doc.converted
    assert doc.page_count == 2 and doc.needs_split is None
    assert doc.warnings == ()


def test_pdf_generator_makes_a_real_text_layer(src: Path) -> None:
    path = write_pdf(src / "t.pdf", [["Hello (there)", "second line"], []])
    reader = PdfReader(io.BytesIO(path.read_bytes()), strict=True)
    assert [p.extract_text() for p in reader.pages] == ["Hello (there)\nsecond line", ""]


def test_pdf_without_text_layer_warns_that_citations_will_not_work(src: Path, cache_dir: Path) -> None:
    path = write_pdf(src / "scan.pdf", [[], []])
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.page_count == 2
    assert any("citations will not work" in w and "OCR" in w for w in doc.warnings)


def test_long_pdf_needs_split_and_splits_by_page_ranges(src: Path, cache_dir: Path) -> None:
    path = write_pdf(src / "book.pdf", [[f"page {i}"] for i in range(1, 26)])
    doc = prepare(path, cache_dir=cache_dir, max_pdf_pages=10)
    assert doc.page_count == 25
    assert doc.needs_split is not None
    assert doc.needs_split.parts == ((1, 10), (11, 20), (21, 25))
    assert prepare(path, cache_dir=cache_dir).needs_split is None  # default limit: 100 pages
    parts = split_pdf(path, cache_dir, 10)
    assert [p.name for p in parts] == [
        "book (pages 1-10).pdf",
        "book (pages 11-20).pdf",
        "book (pages 21-25).pdf",
    ]
    counts = []
    for part in parts:
        reader = PdfReader(io.BytesIO(part.read_bytes()))
        counts.append(len(reader.pages))
        assert reader.pages[0].extract_text() == f"page {int(part.name.split()[2].split('-')[0])}"
    assert counts == [10, 10, 5]
    # Parts are prepared like any PDF, and splitting again reuses them.
    assert prepare(parts[2], cache_dir=cache_dir).page_count == 5
    mtimes = [p.stat().st_mtime_ns for p in parts]
    assert split_pdf(path, cache_dir, 10) == parts
    assert [p.stat().st_mtime_ns for p in parts] == mtimes


def test_pdf_with_only_an_owner_password_uploads_an_unprotected_copy(src: Path, cache_dir: Path) -> None:
    path = corpus.write_encrypted_pdf(src / "locked.pdf", [["secret text"]], user="", owner="owner-pw")
    assert PdfReader(io.BytesIO(path.read_bytes())).is_encrypted
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.converted and doc.upload_path != path and doc.upload_path.parent == cache_dir
    copy = PdfReader(io.BytesIO(doc.upload_path.read_bytes()))
    assert not copy.is_encrypted
    assert copy.pages[0].extract_text() == "secret text"
    assert any("empty password" in w for w in doc.warnings)


def test_aes_pdf_with_only_an_owner_password_opens(src: Path, cache_dir: Path) -> None:
    pytest.importorskip("cryptography")
    path = corpus.write_encrypted_pdf(
        src / "aes.pdf", [["aes text"]], user="", owner="o", algorithm="AES-256"
    )
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.converted and PdfReader(doc.upload_path).pages[0].extract_text() == "aes text"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected_pdf_is_refused_with_what_to_do(
    src: Path, cache_dir: Path, algorithm: str
) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography")
    path = corpus.write_encrypted_pdf(
        src / "private.pdf", [["secret"]], user="user-pw", owner="owner-pw", algorithm=algorithm
    )
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir)
    assert info.value.kind is DocumentErrorKind.ENCRYPTED_PDF
    assert "private.pdf" in info.value.message and "remove the password" in info.value.message


# ---------------------------------------------------------------- cache


def test_converted_text_is_reused_and_outlives_its_source(
    src: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = src / "report.docx"
    path.write_bytes(corpus.docx_bytes())
    first = prepare(path, cache_dir=cache_dir)
    assert first.upload_path.name == f"{first.source_sha256}-v{CONVERTER_VERSION}.txt"

    def no_conversion(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr("assistant.documents.conversion.convert_office", no_conversion)
    second = prepare(path, cache_dir=cache_dir)
    assert second.upload_path == first.upload_path
    path.unlink()
    assert "Quarterly Report" in first.upload_path.read_text(encoding="utf-8")  # renewable without the source
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_cached_paths_lists_what_the_cache_keeps_for_a_source(src: Path, cache_dir: Path) -> None:
    from assistant.documents import cached_paths

    doc = prepare(write_pdf(src / "long.pdf", [["x"]] * 3), cache_dir=cache_dir)
    assert cached_paths(cache_dir, doc.source_sha256) == []
    parts = split_pdf(doc.source_path, cache_dir, 2)
    xlsx = src / "book.xlsx"
    xlsx.write_bytes(corpus.xlsx_bytes())
    book = prepare(xlsx, cache_dir=cache_dir)
    assert cached_paths(cache_dir, doc.source_sha256) == [parts[0].parent]
    assert [p.name for p in cached_paths(cache_dir, book.source_sha256)] == [
        f"{book.source_sha256}-v{CONVERTER_VERSION}.json",
        f"{book.source_sha256}-v{CONVERTER_VERSION}.txt",
    ]
    with pytest.raises(ValueError):
        cached_paths(cache_dir, "*")


def test_supported_suffixes_for_file_dialogs() -> None:
    from assistant.documents import SUPPORTED_SUFFIXES

    for suffix in (
        ".pdf",
        ".txt",
        ".md",
        ".csv",
        ".json",
        ".docx",
        ".xlsx",
        ".pptx",
        ".png",
        ".jpg",
        ".zip",
        ".tgz",
    ):
        assert suffix in SUPPORTED_SUFFIXES
    assert ".doc" not in SUPPORTED_SUFFIXES


def test_docx_content_controls_text_boxes_and_merged_cells(src: Path, cache_dir: Path) -> None:
    path = src / "form.docx"
    path.write_bytes(corpus.docx_with_controls_bytes())
    text = text_of(prepare(path, cache_dir=cache_dir))
    assert text.startswith("Cover page title\n\n")
    assert "Name: Ada Lovelace\n" in text
    assert "Before the box.\nBoxed remark\n" in text and text.count("Boxed remark") == 1
    assert "left\tright\nnext line\n" in text
    assert "| Merged header |  | Plain |\n|---|---|---|\n| Outer | Nested inside | Last |" in text


def test_macro_enabled_workbook_and_presentation_are_read(src: Path, cache_dir: Path) -> None:
    import zipfile

    for name, data, marker, content_type in [
        (
            "book.xlsm",
            corpus.xlsx_bytes(),
            b"spreadsheetml.sheet.main+xml",
            b"ms-excel.sheet.macroEnabled.main+xml",
        ),
        (
            "deck.pptm",
            corpus.pptx_bytes(),
            b"presentationml.presentation.main+xml",
            b"ms-powerpoint.presentation.macroEnabled.main+xml",
        ),
    ]:
        # Rewrite the main part's content type, as Office does when it saves with macros.
        source = zipfile.ZipFile(io.BytesIO(data))
        members = {}
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                assert marker in content
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument." + marker,
                    b"application/vnd." + content_type,
                )
            members[item.filename] = content
        source.close()
        path = src / name
        path.write_bytes(corpus.zip_bytes(members))
        doc = prepare(path, cache_dir=cache_dir)
        assert doc.kind in (DocumentKind.XLSX, DocumentKind.PPTX) and doc.warnings == ()
        assert ("## Sales (A1:C6)" if name.endswith("xlsm") else "## Slide 1: Introduction") in text_of(doc)


def test_xlsx_computed_values_win_over_formulas(src: Path, cache_dir: Path) -> None:
    import zipfile

    # As Excel saves it: the formula and its computed value.
    source = zipfile.ZipFile(io.BytesIO(corpus.xlsx_bytes()))
    members = {item.filename: source.read(item) for item in source.infolist()}
    source.close()
    sheet = "xl/worksheets/sheet3.xml"
    assert b"<f>SUM(D3:D4)*2</f><v></v>" in members[sheet]
    members[sheet] = members[sheet].replace(b"<f>SUM(D3:D4)*2</f><v></v>", b"<f>SUM(D3:D4)*2</f><v>14</v>")
    path = src / "computed.xlsx"
    path.write_bytes(corpus.zip_bytes(members))
    text = text_of(prepare(path, cache_dir=cache_dir))
    assert "| 5 |  | 14 |" in text and "SUM" not in text


def test_xlsx_library_warnings_do_not_escape(src: Path, cache_dir: Path) -> None:
    import zipfile

    # A date cell whose serial number is out of range: openpyxl warns (an error under this test config)
    # and reads it as #VALUE!.
    source = zipfile.ZipFile(io.BytesIO(corpus.xlsx_bytes()))
    members = {item.filename: source.read(item) for item in source.infolist()}
    source.close()
    sheet = "xl/worksheets/sheet1.xml"
    marker = b'<c r="C2" s="1" t="n"><v>'
    assert marker in members[sheet], members[sheet][:600]
    start = members[sheet].index(marker) + len(marker)
    end = members[sheet].index(b"</v>", start)
    members[sheet] = members[sheet][:start] + b"99999999999" + members[sheet][end:]
    path = src / "odd-date.xlsx"
    path.write_bytes(corpus.zip_bytes(members))
    text = text_of(prepare(path, cache_dir=cache_dir))
    assert "| 2 | Alice | 42 | #VALUE! |" in text
