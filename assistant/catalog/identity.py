"""What the user knows a file as: a file converted to text on this computer (a Word document, a
workbook, slides, an archive, a compressed file, a PDF sent as text) keeps its own name, kind and size
wherever it is shown or cited; the remote file keeps the name the API needed ("q3-budget-memo.docx.txt").

``text_conversion(record)`` says what was converted (None for a file sent as it is) and ``known_name``
is the name to show and cite. Rows prepared by this version record ``source_kind``; rows from older
catalogs (and files found remotely) are read from their names: "x.docx.txt", or "man.txt.gz" uploaded
as "man.txt". Pure: records only.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.catalog.records import FileRecord

__all__ = [
    "PDF_AS_TEXT",
    "TEXT_CONVERSIONS",
    "TextConversion",
    "known_name",
    "sent_as_text",
    "text_conversion",
]

# The source kinds ``documents.prepare`` converts to text before upload (``PreparedDocument.source_kind``):
# Office files, archives (zip, tar, compressed tar) and single compressed files.
OFFICE = frozenset({"docx", "xlsx", "pptx"})
ARCHIVES = frozenset({"zip", "tar", "tar.gzip", "tar.bzip2", "tar.xz"})
COMPRESSED = frozenset({"gzip", "bzip2", "xz"})
PDF_AS_TEXT = "pdf"  # a PDF sent as its text, page by page (``documents.pdf_text``)
TEXT_CONVERSIONS = OFFICE | ARCHIVES | COMPRESSED | {PDF_AS_TEXT}

# older rows: the suffix of the original name (the upload name is it + ".txt")
_CONVERTED_SUFFIXES = (
    (".pdf", "pdf"),
    (".docx", "docx"),
    (".xlsx", "xlsx"),
    (".pptx", "pptx"),
    (".zip", "zip"),
    (".tar", "tar"),
    (".tar.gz", "tar.gzip"),
    (".tgz", "tar.gzip"),
    (".tar.bz2", "tar.bzip2"),
    (".tbz2", "tar.bzip2"),
    (".tar.xz", "tar.xz"),
    (".txz", "tar.xz"),
)
# older rows: a compressed file's suffix (the upload name is the name without it)
_COMPRESSED_SUFFIXES = (
    (".gz", "gzip"),
    (".gzip", "gzip"),
    (".bz2", "bzip2"),
    (".bz", "bzip2"),
    (".xz", "xz"),
)


@dataclass(frozen=True, slots=True)
class TextConversion:
    """A file converted to text on this computer before it was uploaded."""

    name: str  # the file's own name ("q3-budget-memo.docx")
    kind: str  # what it is: one of TEXT_CONVERSIONS
    size: int | None  # the file's size in bytes; None when an older catalog did not record it
    text_size: int  # the bytes of text uploaded
    uploaded_as: str  # the remote file's name ("q3-budget-memo.docx.txt")

    @property
    def decompressed(self) -> bool:
        """A single compressed file: its text was decompressed, not converted."""
        return self.kind in COMPRESSED


def text_conversion(record: FileRecord) -> TextConversion | None:
    """What was converted to text on this computer to make ``record``'s upload, or None."""
    if record.mime_type != "text/plain":
        return None
    if record.source_kind is not None:
        if record.source_kind not in TEXT_CONVERSIONS:
            return None
        return _conversion(record, record.original_name or record.filename, record.source_kind)
    found = _from_names(record)
    return None if found is None else _conversion(record, *found)


def sent_as_text(record: FileRecord) -> bool:
    """A PDF sent as its text (its citations are turned back into pages by ``record.page_starts``)."""
    converted = text_conversion(record)
    return converted is not None and converted.kind == PDF_AS_TEXT


def known_name(record: FileRecord) -> str:
    """The name the user knows the file by: the original's for a file converted to text here, else the
    name it was uploaded under."""
    converted = text_conversion(record)
    return converted.name if converted is not None else record.filename


def _conversion(record: FileRecord, name: str, kind: str) -> TextConversion:
    return TextConversion(name, kind, record.source_size, record.size_bytes, record.filename)


def _from_names(record: FileRecord) -> tuple[str, str] | None:
    """(original name, kind) of a row recorded before ``source_kind`` was, judged by its names."""
    filename, original = record.filename, record.original_name
    if filename.lower().endswith(".txt"):
        name = original or filename[:-4]
        lower = name.lower()
        for suffix, kind in _CONVERTED_SUFFIXES:
            if lower.endswith(suffix) and len(name) > len(suffix):
                return name, kind
    if original is not None:
        lower = original.lower()
        for suffix, kind in _COMPRESSED_SUFFIXES:
            inner = original[: -len(suffix)]
            if lower.endswith(suffix) and inner and filename in (inner, inner + ".txt"):
                return original, kind
    return None
