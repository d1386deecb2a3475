"""Typed results and settings of document preparation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal

# Bumped whenever the converted text of any kind changes, so old cached conversions are not reused.
CONVERTER_VERSION = 2  # 2: text encodings by charset-normalizer, UTF-8 kept despite a stray byte

MIB = 1024 * 1024


class DocumentKind(StrEnum):
    """What a file is, decided from its content (and its name where the content is plain text)."""

    PDF = "pdf"
    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    XML = "xml"
    YAML = "yaml"
    HTML = "html"
    LOG = "log"
    CODE = "code"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    IMAGE = "image"
    ARCHIVE = "archive"


TEXT_KINDS = frozenset(
    {
        DocumentKind.TEXT,
        DocumentKind.MARKDOWN,
        DocumentKind.CSV,
        DocumentKind.JSON,
        DocumentKind.JSONL,
        DocumentKind.XML,
        DocumentKind.YAML,
        DocumentKind.HTML,
        DocumentKind.LOG,
        DocumentKind.CODE,
    }
)

Block = Literal["document", "image"]


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Guards against archive bombs. Sizes are uncompressed bytes, counted as they are read."""

    max_total_bytes: int = 256 * MIB  # all members together, nested archives included
    max_member_bytes: int = 128 * MIB  # one member
    max_members: int = 10_000  # all members together, nested archives included
    max_depth: int = 3  # an archive inside an archive inside an archive
    max_ratio: float = 200.0  # uncompressed / compressed, for members above ratio_floor_bytes (bombs: ~1000)
    ratio_floor_bytes: int = 1 * MIB  # small members may compress well; only large ones are judged


@dataclass(frozen=True, slots=True)
class SplitPlan:
    """A PDF with more pages than one request takes: the page ranges (1-based, inclusive) of its parts."""

    page_count: int
    pages_per_part: int
    parts: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A file ready to upload: what to send, under which name and type, and what the user should know."""

    source_path: Path
    upload_path: Path  # the source itself, or converted text (or a decrypted PDF) in the cache dir
    upload_name: str  # a file name the API accepts
    original_name: str  # the source's own name, to show beside upload_name when they differ
    mime_type: str  # application/pdf, text/plain, image/jpeg|png|gif|webp
    block: Block
    kind: DocumentKind
    source_sha256: str
    source_size: int
    source_mtime: float  # st_mtime, for stale detection
    upload_size: int
    converted: bool  # upload_path is in the cache dir, not the source
    # what the source is: a DocumentKind value ("pdf", "markdown", "docx"...), or for an archive or a
    # compressed file what it is ("zip", "tar.gzip", "gzip"...); see catalog.identity.TEXT_CONVERSIONS
    source_kind: str
    page_count: int | None = None  # PDFs only
    needs_split: SplitPlan | None = None  # PDFs over the page limit of one request
    warnings: tuple[str, ...] = field(default=())

    @property
    def renamed(self) -> bool:
        return self.upload_name != self.original_name
