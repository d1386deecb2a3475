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
class PdfTokenFigures:
    """What a PDF costs per question, estimated: sent as a PDF document, and sent as its text."""

    pages: int
    as_pdf: int  # tokens: each page's text plus the page as an image
    as_text: int  # tokens: the text alone
    empty_pages: tuple[int, ...]  # 1-based pages with no text (scans, figures): lost when sent as text

    @property
    def ratio(self) -> float:
        """As text over as a PDF (0.3: text costs 30% of the PDF)."""
        return self.as_text / self.as_pdf if self.as_pdf else 1.0

    def to_json(self) -> dict[str, object]:
        return {
            "pages": self.pages,
            "as_pdf": self.as_pdf,
            "as_text": self.as_text,
            "empty_pages": list(self.empty_pages),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PdfTokenFigures:
        empty = data.get("empty_pages") or []
        assert isinstance(empty, list)
        return cls(int(str(data["pages"])), int(str(data["as_pdf"])), int(str(data["as_text"])), tuple(empty))


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
    # a PDF sent as text (mime text/plain, source_kind "pdf"): where each page starts in the text (0-based
    # characters, one per page), to turn char_location citations back into pages
    page_starts: tuple[int, ...] = ()
    # a PDF's tokens per question both ways (estimated), when asked for or sent as text
    figures: PdfTokenFigures | None = None

    @property
    def as_text(self) -> bool:
        """A PDF sent as its text."""
        return self.source_kind == "pdf" and self.mime_type == "text/plain"

    @property
    def renamed(self) -> bool:
        return self.upload_name != self.original_name
