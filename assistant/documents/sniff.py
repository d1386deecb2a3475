"""What a file is, from its first bytes (and, for zips, its member names)."""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO

from .encoding import looks_like_text, mostly_utf8, sample_utf8_counts
from .model import TEXT_KINDS, DocumentKind

HEAD_BYTES = 8192

# Reopens the whole content from its start, as a context manager (a file, or a rewound spool).
Opener = Callable[[], AbstractContextManager[BinaryIO]]

IMAGE_MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The content's verdict. `kind` None means not something we can read; `detail` says what it is."""

    kind: DocumentKind | None
    detail: str  # "pdf", "png", "zip", "tar", "tar.gz", "docx", "text", "ole2", "odf", "gzip", "binary", ...
    mime: str | None = None  # for images


# Extensions -> the kind the name claims; used for text subkinds and for mismatch warnings.
EXTENSION_KINDS: dict[str, DocumentKind] = {
    ".pdf": DocumentKind.PDF,
    ".docx": DocumentKind.DOCX,
    ".xlsx": DocumentKind.XLSX,
    ".pptx": DocumentKind.PPTX,
    ".png": DocumentKind.IMAGE,
    ".jpg": DocumentKind.IMAGE,
    ".jpeg": DocumentKind.IMAGE,
    ".gif": DocumentKind.IMAGE,
    ".webp": DocumentKind.IMAGE,
    ".zip": DocumentKind.ARCHIVE,
    ".tar": DocumentKind.ARCHIVE,
    ".tgz": DocumentKind.ARCHIVE,
    ".gz": DocumentKind.ARCHIVE,
    ".tbz2": DocumentKind.ARCHIVE,
    ".bz2": DocumentKind.ARCHIVE,
    ".txz": DocumentKind.ARCHIVE,
    ".xz": DocumentKind.ARCHIVE,
    ".txt": DocumentKind.TEXT,
    ".text": DocumentKind.TEXT,
    ".md": DocumentKind.MARKDOWN,
    ".markdown": DocumentKind.MARKDOWN,
    ".rst": DocumentKind.MARKDOWN,
    ".csv": DocumentKind.CSV,
    ".tsv": DocumentKind.CSV,
    ".json": DocumentKind.JSON,
    ".jsonl": DocumentKind.JSONL,
    ".ndjson": DocumentKind.JSONL,
    ".xml": DocumentKind.XML,
    ".svg": DocumentKind.XML,
    ".yaml": DocumentKind.YAML,
    ".yml": DocumentKind.YAML,
    ".toml": DocumentKind.CODE,
    ".ini": DocumentKind.CODE,
    ".cfg": DocumentKind.CODE,
    ".html": DocumentKind.HTML,
    ".htm": DocumentKind.HTML,
    ".log": DocumentKind.LOG,
}
CODE_EXTENSIONS = frozenset(
    [
        ".py",
        ".pyi",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".cs",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".pl",
        ".pm",
        ".swift",
        ".m",
        ".mm",
        ".r",
        ".jl",
        ".lua",
        ".sh",
        ".bash",
        ".zsh",
        ".fish",
        ".ps1",
        ".bat",
        ".cmd",
        ".sql",
        ".css",
        ".scss",
        ".sass",
        ".less",
        ".vue",
        ".svelte",
        ".dart",
        ".ex",
        ".exs",
        ".erl",
        ".hrl",
        ".hs",
        ".ml",
        ".mli",
        ".fs",
        ".fsx",
        ".clj",
        ".cljs",
        ".el",
        ".vim",
        ".tex",
        ".bib",
        ".gradle",
        ".cmake",
        ".mk",
        ".proto",
        ".graphql",
        ".tf",
        ".nix",
        ".zig",
        ".asm",
        ".s",
        ".f90",
        ".f",
        ".pas",
        ".groovy",
        ".diff",
        ".patch",
    ]
)
_CODE_NAMES = frozenset({"makefile", "dockerfile", "cmakelists.txt", "gemfile", "rakefile", "vagrantfile"})

_HEIF_BRANDS = frozenset({b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif", b"ftyphevc"})

# Legacy binary office formats and OpenDocument: say what to do instead.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_from_name(name: str) -> DocumentKind | None:
    lower = name.lower()
    if lower in _CODE_NAMES:
        return DocumentKind.CODE
    dot = lower.rfind(".")
    if dot < 0:
        return None
    ext = lower[dot:]
    if ext in CODE_EXTENSIONS:
        return DocumentKind.CODE
    return EXTENSION_KINDS.get(ext)


def text_kind_from_name(name: str) -> DocumentKind:
    """The text subkind a name suggests; plain text when it suggests none (or a binary kind)."""
    claimed = kind_from_name(name)
    return claimed if claimed in TEXT_KINDS else DocumentKind.TEXT


def sniff(head: bytes, open_stream: Opener) -> Sniffed:
    """Classify content from its first bytes. `open_stream` reopens the whole content (seekable) when
    the head is not enough: a zip's member names, or the start of a compressed tar."""
    if head.lstrip(b"\x00\t\n\r\f ")[:5] == b"%PDF-":
        return Sniffed(DocumentKind.PDF, "pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(DocumentKind.IMAGE, "png", IMAGE_MIME["png"])
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(DocumentKind.IMAGE, "jpeg", IMAGE_MIME["jpeg"])
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed(DocumentKind.IMAGE, "gif", IMAGE_MIME["gif"])
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Sniffed(DocumentKind.IMAGE, "webp", IMAGE_MIME["webp"])
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(open_stream)
    if head.startswith(OLE2_MAGIC):
        return Sniffed(None, "ole2")
    bmp = head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00"
    if bmp or head.startswith((b"II*\x00", b"MM\x00*")) or head[4:12] in _HEIF_BRANDS:
        return Sniffed(None, "image")  # TIFF, BMP, HEIC/AVIF: images the API does not take
    if len(head) >= 262 and head[257:262] == b"ustar":
        return Sniffed(DocumentKind.ARCHIVE, "tar")
    for magic, detail in _COMPRESSORS:
        if head.startswith(magic):
            return _sniff_compressed(open_stream, detail)
    if is_probably_text(head):
        return Sniffed(DocumentKind.TEXT, "text")
    return Sniffed(None, "binary")


_COMPRESSORS: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)


def _decompressed_head(raw: BinaryIO, detail: str) -> bytes:
    if detail == "gzip":
        with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            return gz.read(512)
    if detail == "bzip2":
        with bz2.BZ2File(raw, mode="rb") as bz:
            return bz.read(512)
    with lzma.LZMAFile(raw, mode="rb") as xz:
        return xz.read(512)


def _sniff_compressed(open_stream: Opener, detail: str) -> Sniffed:
    try:
        with open_stream() as raw:
            block = _decompressed_head(raw, detail)
    except (OSError, EOFError, lzma.LZMAError, ValueError, zlib.error):
        return Sniffed(None, f"broken {detail}")
    if len(block) >= 262 and block[257:262] == b"ustar":
        return Sniffed(DocumentKind.ARCHIVE, f"tar.{detail}")
    return Sniffed(None, detail)


# Main-part content types the libraries open; other Office packages (macro-enabled Word, templates,
# slide shows, binary workbooks) are named so the message can say what to do.
_OPENABLE_OFFICE: tuple[tuple[bytes, DocumentKind], ...] = (
    (b"wordprocessingml.document.main+xml", DocumentKind.DOCX),
    (b"spreadsheetml.sheet.main+xml", DocumentKind.XLSX),
    (b"ms-excel.sheet.macroEnabled.main+xml", DocumentKind.XLSX),
    (b"spreadsheetml.template.main+xml", DocumentKind.XLSX),
    (b"ms-excel.template.macroEnabled.main+xml", DocumentKind.XLSX),
    (b"presentationml.presentation.main+xml", DocumentKind.PPTX),
    (b"ms-powerpoint.presentation.macroEnabled.main+xml", DocumentKind.PPTX),
)
_OFFICE_FOLDERS = (("word/", DocumentKind.DOCX), ("xl/", DocumentKind.XLSX), ("ppt/", DocumentKind.PPTX))


def _sniff_zip(open_stream: Opener) -> Sniffed:
    try:
        with open_stream() as raw, zipfile.ZipFile(raw) as zf:
            names = set(zf.namelist())
            mimetype = content_types = b""
            if "mimetype" in names:
                with zf.open("mimetype") as m:
                    mimetype = m.read(100)
            if "[Content_Types].xml" in names:
                with zf.open("[Content_Types].xml") as m:
                    content_types = m.read(1 << 20)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
        return Sniffed(None, "broken zip")
    if content_types:
        for marker, kind in _OPENABLE_OFFICE:
            if marker in content_types:
                return Sniffed(kind, kind.value)
        if b"main+xml" in content_types and any(n.startswith(f) for n in names for f, _ in _OFFICE_FOLDERS):
            return Sniffed(None, "office-other")
        for (
            folder,
            kind,
        ) in _OFFICE_FOLDERS:  # no readable content types: the library will say if it is damaged
            if any(name.startswith(folder) for name in names):
                return Sniffed(kind, kind.value)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return Sniffed(None, "odf")
    if mimetype.startswith(b"application/epub"):
        return Sniffed(None, "epub")
    return Sniffed(DocumentKind.ARCHIVE, "zip")


def is_probably_text(head: bytes) -> bool:
    """No NULs (unless a UTF-16/32 BOM says so), few control characters, and it reads as text: UTF-8
    (a stray byte or two allowed), or an encoding the detector finds in which it is mostly printable."""
    if not head:
        return True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls > max(2, len(head) // 100):
        return False
    complete = len(head) < HEAD_BYTES  # else the head may end inside a character
    return mostly_utf8(*sample_utf8_counts(head, complete=complete)) or looks_like_text(
        head, complete=complete
    )
