"""Tiny, valid PDFs with real text, for tests (pypdf can read text but cannot easily write it).

    make_pdf([["First line of page 1.", "Second line."], ["Page 2 text."]]) -> bytes

Each page is a list of lines set in Helvetica (WinAnsi, so Latin-1 text); pypdf's `extract_text()`
gives the lines back joined by newlines. Pass a page as a single string to have it split on newlines.
A page with no lines has no text layer: a filled rectangle, what a scan looks like to a text extractor.

The one PDF writer of the test suite: tests/ is on sys.path (tests/conftest.py sits in a folder without
an __init__.py), so tests import it as `from helpers_pdf import make_pdf` (or as tests.helpers_pdf).
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: Sequence[str]) -> bytes:
    if not lines:
        return b"0.5 g 72 72 468 648 re f\n"
    stream = b"BT /F1 11 Tf 14 TL 56 780 Td\n"
    for n, line in enumerate(lines):
        stream += (b"T* " if n else b"") + b"(" + _escape(line) + b") Tj\n"
    return stream + b"ET\n"


def make_pdf(pages: Sequence[Sequence[str] | str], *, title: str | None = None) -> bytes:
    """A PDF whose page i shows the lines of `pages[i]` from the top, one per line."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_count = len(pages)
    # 1: catalog, 2: pages, 3: font, then per page: page object, content stream.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, page in enumerate(pages):
        stream = _content(page.split("\n") if isinstance(page, str) else list(page))
        content_number = 5 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_number} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream")
    info_number = None
    if title is not None:
        objects.append(b"<< /Title (" + _escape(title) + b") >>")
        info_number = len(objects)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if info_number is not None:
        trailer += f" /Info {info_number} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_pdf(
    path: pathlib.Path, pages: Sequence[Sequence[str] | str], *, title: str | None = None
) -> pathlib.Path:
    """Write `make_pdf(pages)` to `path` and return it."""
    path.write_bytes(make_pdf(pages, title=title))
    return path
