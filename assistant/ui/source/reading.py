"""Reading a cited source, in workers: which file to show and what has become of it, a PDF's pages
(pypdfium2: the page rendered into a ``QImage``, the passage's character boxes), a text file's text.

PDFium is not thread-safe, even across documents: every call into it holds ``PDFIUM``. Only the page
shown is rendered and only the cited pages' text is read, so a 2,000-page PDF costs what one page does.
A text longer than ``WHOLE_TEXT`` is shown as a window of lines around the passage (the pane says which),
so opening a 50 MB log lays out a few hundred kilobytes, not the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage, QImageReader

from assistant.api.errors import ApiFailure, FailureKind
from assistant.catalog import CitationKind, FileRecord
from assistant.catalog.identity import PDF_AS_TEXT, known_name, text_conversion
from assistant.catalog.records import SourceState
from assistant.documents.stale import source_state
from assistant.ui.source.locate import find_passage, place_in_words

__all__ = [
    "PDFIUM",
    "WHOLE_TEXT",
    "Found",
    "PdfDoc",
    "PdfPassage",
    "Rect",
    "ShownKind",
    "TextPassage",
    "find_on_page",
    "find_source",
    "locate_in_pdf",
    "open_pdf",
    "read_image",
    "read_text",
    "render_page",
]

PDFIUM = threading.Lock()
WHOLE_TEXT = 200_000  # characters; a longer text is shown as a window around the passage (laid out fast)
_AROUND = 50_000  # characters either side of the passage in that window

Rect = tuple[float, float, float, float]  # a PDF page's (left, bottom, right, top), in points


class ShownKind(Enum):
    PDF = "pdf"
    TEXT = "text"
    IMAGE = "image"
    NONE = "none"  # nothing to show: only the cited text from the answer


@dataclass(frozen=True)
class Found:
    """Which file the pane shows for a record, and what to say about it."""

    kind: ShownKind
    path: Path | None
    notes: tuple[str, ...] = ()
    converted: str | None = None  # the kind of original converted to text ("xlsx", "zip"...), or None


def find_source(record: FileRecord) -> Found:
    """The copy to show (blocking: it may hash the local file to tell whether it changed).

    The kept copy is what was uploaded (the converted text of an Office file, a part of a split PDF):
    the citation's pages and characters are counted in it. When the local file is gone the kept copy is
    still shown if it is here; when neither is, there is nothing to show. A PDF sent as text is shown as
    the PDF itself (its citations were turned back into pages); its text only when the PDF is gone."""
    name = known_name(record)
    conversion = text_conversion(record)
    local = Path(record.local_path) if record.local_path else None
    kept = Path(record.kept_path) if record.kept_path else None
    notes: list[str] = []
    as_pdf_text = conversion is not None and conversion.kind == PDF_AS_TEXT
    state = SourceState.MISSING if local is None else _state(record, local)
    if state is SourceState.MISSING:
        where = f" ({local})" if local is not None else ""
        notes.append(f"The local copy of {name} is gone{where}: moved or deleted.")
    elif state is SourceState.CHANGED:
        if as_pdf_text and local is not None:
            notes.append(f"{name} has changed since its text was uploaded: the highlight may be off.")
        elif conversion is not None and kept is not None and kept != local and kept.is_file():
            notes.append(f"{name} has changed since it was uploaded: this is the text that was sent.")
        else:
            notes.append(f"{name} has changed since it was uploaded: the highlight may be off.")
    if as_pdf_text and local is not None and state is not SourceState.MISSING:
        return Found(ShownKind.PDF, local, tuple(notes), PDF_AS_TEXT)  # the PDF, at the cited page
    shown = kept if kept is not None and kept.is_file() else None
    if shown is None and local is not None and state is not SourceState.MISSING:
        shown = local
    if shown is None:
        notes.append("The cited text from the answer is shown instead.")
        return Found(ShownKind.NONE, None, tuple(notes))
    if record.mime_type == "application/pdf":
        kind = ShownKind.PDF
    elif record.is_image:
        kind = ShownKind.IMAGE
    else:
        kind = ShownKind.TEXT
    return Found(kind, shown, tuple(notes), None if conversion is None else conversion.kind)


def _state(record: FileRecord, local: Path) -> SourceState:
    if not local.is_file():
        return SourceState.MISSING
    if record.source_sha256 is None or record.source_size is None or record.source_mtime is None:
        return SourceState.UNCHANGED  # nothing recorded to compare with
    return source_state(
        local, size=record.source_size, mtime=record.source_mtime, sha256=record.source_sha256
    )


# ------------------------------------------------------------------------------------------ PDF


@dataclass
class PdfDoc:
    """An open PDF (a ``pypdfium2.PdfDocument``); use and close it holding ``PDFIUM``."""

    path: Path
    doc: Any
    count: int

    def close(self) -> None:
        with PDFIUM:
            self.doc.close()


def open_pdf(path: Path, name: str | None = None) -> PdfDoc:
    """The PDF at ``path``; a failure names it ``name`` (the name the person knows; the kept copy's
    file name otherwise)."""
    import pypdfium2 as pdfium

    with PDFIUM:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text:
                why = "is password-protected, so it cannot be shown here"
            else:
                why = "cannot be read (damaged, or not a PDF)"
            raise ApiFailure(
                FailureKind.LOCAL, f"“{name or path.name}” {why}. Try Open in system viewer."
            ) from exc
        return PdfDoc(path, doc, len(doc))


@dataclass(frozen=True)
class PdfPassage:
    """The cited passage on the pages it spans: each page's highlight boxes (0-based page index)."""

    rects: dict[int, tuple[Rect, ...]] = field(default_factory=dict)
    found: bool = False
    text_layer: bool = True


def locate_in_pdf(pdf: PdfDoc, cited: str, first: int, last: int) -> PdfPassage:
    """Find ``cited`` on pages ``first``..``last`` (0-based, inclusive): the boxes of its characters as
    PDFium lays them out (one per run of characters on a line), per page."""
    first, last = max(0, first), min(pdf.count - 1, max(first, last))
    with PDFIUM:
        pages = []
        for index in range(first, last + 1):
            page = pdf.doc[index]
            textpage = page.get_textpage()
            pages.append((index, page, textpage, textpage.get_text_range()))
        try:
            joined = "".join(text for *_rest, text in pages)
            if not joined.strip():
                return PdfPassage(text_layer=False)
            hit = find_passage(joined, cited)
            if hit is None:
                return PdfPassage()
            rects: dict[int, tuple[Rect, ...]] = {}
            offset = 0
            for index, _page, textpage, text in pages:
                start, end = max(hit[0], offset) - offset, min(hit[1], offset + len(text)) - offset
                if start < end:
                    count = textpage.count_rects(start, end - start)
                    rects[index] = tuple(tuple(textpage.get_rect(i)) for i in range(count))
                offset += len(text)
            return PdfPassage(rects, found=True)
        finally:
            for _index, page, textpage, _text in pages:
                textpage.close()
                page.close()


def render_page(
    pdf: PdfDoc, index: int, scale_for: Callable[[tuple[float, float]], float]
) -> tuple[QImage, tuple[float, float], float]:
    """Page ``index`` rendered at ``scale_for(its size in points)`` pixels per point: the image, the
    page's size in points and the scale."""
    with PDFIUM:
        page = pdf.doc[index]
        try:
            width, height = page.get_size()
            size = (float(width), float(height))
            scale = scale_for(size)
            bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
            try:
                image = QImage(
                    bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888
                ).copy()  # own the pixels before the bitmap goes
            finally:
                bitmap.close()
        finally:
            page.close()
    return image, size, scale


def find_on_page(pdf: PdfDoc, index: int, text: str) -> tuple[Rect, ...]:
    """The boxes of every place ``text`` is on page ``index`` (case ignored)."""
    with PDFIUM:
        page = pdf.doc[index]
        textpage = page.get_textpage()
        try:
            searcher = textpage.search(text, match_case=False)
            rects: list[Rect] = []
            while (hit := searcher.get_next()) is not None:
                start, count = hit
                rects.extend(tuple(textpage.get_rect(i)) for i in range(textpage.count_rects(start, count)))
            searcher.close()
            return tuple(rects)
        finally:
            textpage.close()
            page.close()


# ----------------------------------------------------------------------------------------- text


@dataclass(frozen=True)
class TextPassage:
    """The text shown (the whole file, or a window of it) and the passage in it."""

    text: str
    start: int  # the passage in ``text``; start == end when it was not found
    end: int
    found: bool
    place: str | None = None  # where it is in a converted file's original, in words
    offset: int = 0  # where ``text`` starts in the file, in characters (0: the whole file)
    first_line: int = 1  # the file's line number of ``text``'s first line
    lines: int = 0  # the file's number of lines, when only a window is shown


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:2_000_000]).best()
        return data.decode(best.encoding if best is not None else "utf-8", errors="replace")


def read_text(path: Path, cited: str, kind: CitationKind, start: int, converted: str | None) -> TextPassage:
    """The text of ``path`` with the cited range: at the citation's characters when the text there is
    the cited text, else where the cited text is found."""
    text = _decode(path.read_bytes())
    hint = start if kind is CitationKind.CHAR else None
    hit = find_passage(text, cited, hint=hint)
    found = hit is not None
    a, b = hit if hit is not None else (min(start, len(text)), min(start, len(text)))
    place = place_in_words(text, a, b, converted) if converted and found else None
    if len(text) <= WHOLE_TEXT:
        return TextPassage(text, a, b, found, place)
    lo = text.rfind("\n", 0, max(0, a - _AROUND)) + 1
    hi = text.find("\n", min(len(text), b + _AROUND))
    hi = len(text) if hi < 0 else hi
    first_line = text.count("\n", 0, lo) + 1
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return TextPassage(text[lo:hi], a - lo, b - lo, found, place, lo, first_line, lines)


def read_image(path: Path, name: str | None = None) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ApiFailure(FailureKind.LOCAL, f"“{name or path.name}” cannot be shown: {reader.errorString()}.")
    return image
