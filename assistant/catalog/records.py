"""The catalog's records: enums and frozen dataclasses; times are timezone-aware UTC ``datetime``.

Standard library only, no SQL: the UI and the API layer build and read these without opening a catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

__all__ = [
    "IMAGE_TYPES",
    "Citation",
    "CitationKind",
    "Conversation",
    "FileOrigin",
    "FileRecord",
    "FileState",
    "NewFile",
    "PendingUpload",
    "RemoteUpdate",
    "SourceState",
    "Turn",
    "TurnState",
    "Usage",
]


class FileState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    MISSING = "missing"
    DELETED = "deleted"


class FileOrigin(StrEnum):
    APP = "app"
    ADOPTED = "adopted"


class CitationKind(StrEnum):
    PAGE = "page"  # a PDF's pages: 1-indexed, end exclusive
    CHAR = "char"  # a text's characters: 0-indexed, end exclusive


class SourceState(StrEnum):
    """How a file's local source compares with what was uploaded (``documents.source_state``)."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    MISSING = "missing"  # gone, unreadable, or no longer a regular file


class TurnState(StrEnum):
    STREAMING = "streaming"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    FAILED = "failed"


IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""The image types the API takes (as image blocks); every other file is sent as a document."""


@dataclass(frozen=True)
class Citation:
    """One citation of an answer: where in which document the cited text is, and where in the answer.

    ``answer_offset`` is the length of the answer text (``str`` index, code points) at the moment the
    citation arrived in the stream. The API sends a text block's citations before that block's text, so
    it is where the cited block *starts* in the answer. Replaying the answer with each citation at its
    offset reproduces exactly what was shown while streaming, whatever the wording (a paraphrase does
    not quote ``cited_text``). None for citations saved before it was recorded (their place is found by
    searching for the cited text) and for citations not from a stream.
    """

    kind: CitationKind
    cited_text: str
    document_index: int
    document_title: str | None
    file_id: str | None
    start: int
    end: int
    answer_offset: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "cited_text": self.cited_text,
            "document_index": self.document_index,
            "document_title": self.document_title,
            "file_id": self.file_id,
            "start": self.start,
            "end": self.end,
            **({} if self.answer_offset is None else {"answer_offset": self.answer_offset}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Citation:
        return cls(
            CitationKind(data["kind"]),
            str(data["cited_text"]),
            int(data["document_index"]),
            data.get("document_title"),
            data.get("file_id"),
            int(data["start"]),
            int(data["end"]),
            None if data.get("answer_offset") is None else int(data["answer_offset"]),
        )


@dataclass(frozen=True)
class Usage:
    """Token usage of one request, as the API reports it (``assistant.api.parse.usage_from_api``)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @property
    def total_input_tokens(self) -> int:
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def to_json(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_write_5m_tokens": self.cache_write_5m_tokens,
            "cache_write_1h_tokens": self.cache_write_1h_tokens,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: int(data.get(k) or 0) for k in cls().to_json()})


@dataclass(frozen=True)
class FileRecord:
    id: int
    file_id: str
    filename: str
    mime_type: str
    size_bytes: int
    sha256: str | None
    local_path: str | None
    uploaded_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    state: FileState
    origin: FileOrigin
    source_sha256: str | None = None
    source_size: int | None = None
    source_mtime: float | None = None
    kept_path: str | None = None
    original_name: str | None = None
    warnings: tuple[str, ...] = ()
    # the catalog's change stamp of this row (schema 4): every write moves it on; not compared
    revision: int = field(default=0, compare=False)
    leftover_of: int | None = None  # a file this app left on the server (the row it was renewed from)
    # what the source was when it was prepared ("pdf", "docx", "zip", "gzip"...; schema 5): a file converted
    # to text here is shown by its own name, kind and size (``catalog.identity``); None in older rows
    source_kind: str | None = None
    # a PDF sent as text (schema 7): where each page starts in the uploaded text, 0-based characters, one
    # per page; empty for every other file
    page_starts: tuple[int, ...] = ()

    def expires_in(self, now: datetime | None = None) -> timedelta | None:
        """Time left before expiry (negative once past); None when the file never expires."""
        if self.expires_at is None:
            return None
        return self.expires_at - (now or datetime.now(UTC))

    @property
    def is_image(self) -> bool:
        return self.mime_type in IMAGE_TYPES

    @property
    def is_active(self) -> bool:
        return self.state is FileState.ACTIVE


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    model: str
    created_at: datetime
    updated_at: datetime
    file_ids: tuple[int, ...] = ()
    set_id: int | None = None  # the document set it was started on (the sets migration), None for none


@dataclass(frozen=True)
class Turn:
    id: int
    conversation_id: int
    question: str
    answer: str
    citations: tuple[Citation, ...]
    usage: Usage | None
    cost_usd: float | None
    state: TurnState
    error: str | None
    model: str
    created_at: datetime
    updated_at: datetime
    stop_reason: str | None = None  # why the API ended the answer (end_turn, max_tokens, ...)


@dataclass(frozen=True)
class RemoteUpdate:
    """A change to one catalog row found by reconciling with the remote list."""

    id: int
    state: FileState
    expires_at: datetime | None


@dataclass(frozen=True)
class NewFile:
    """A file to add to the catalog (used by ``apply_remote`` for adopted files)."""

    file_id: str
    filename: str
    mime_type: str
    size_bytes: int
    uploaded_at: datetime
    expires_at: datetime | None
    state: FileState = FileState.ACTIVE
    origin: FileOrigin = FileOrigin.ADOPTED
    sha256: str | None = None
    local_path: str | None = None


@dataclass(frozen=True)
class PendingUpload:
    """An upload recorded before it is sent (schema 4): found again on the server after a lost answer
    or a crash. ``row_id``: the row a renewal uploads into; None for a new file."""

    id: int
    filename: str
    size_bytes: int
    sha256: str
    mime_type: str
    local_path: str | None
    started_at: datetime
    row_id: int | None = None
