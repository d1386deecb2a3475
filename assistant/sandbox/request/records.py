"""The parsed request: the prompt's blocks (for counting and caching), its documents, images and question.

Token overheads are added to the deterministic text tokenizer of `reading.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.sandbox.reading.documents import DocText

REQUEST_TAIL_TOKENS = 5
"""The framing that opens the assistant's turn: after every block, so never cached (always input)."""
SYSTEM_TOKENS = 3
"""Framing of the system prompt (added to its first block)."""
MESSAGE_TOKENS = 4
"""Framing of each message (role marker; added to the message's first block)."""
BLOCK_TOKENS = 1
"""Framing of each text block."""
DOCUMENT_TOKENS = 8
"""Framing of each document block (plus its title's and context's tokens)."""
PAGE_TOKENS = 3
"""Framing of each page of a PDF document."""
IMAGE_BLOCK_TOKENS = 3
"""Framing of each image block (plus the image's own size-based tokens)."""
TOOLS_TOKENS = 60
"""The tool-use preamble when `tools` is present (plus each tool's JSON tokens)."""


@dataclass
class Document:
    index: int
    title: str | None
    label: str
    file_id: str | None
    kind: str  # "pdf" | "text" | "content"
    text: DocText  # parts: PDF pages, the text, or the content source's text blocks
    part_indexes: tuple[int, ...]  # for "content": each part's index in the content array
    citations: bool

    @property
    def parts(self) -> tuple[str, ...]:
        return self.text.parts


@dataclass
class Image:
    label: str
    size: tuple[int, int] | None


@dataclass
class Unit:
    """One block of the prompt before hashing: its canonical key, tokens and breakpoint TTL."""

    key: bytes
    tokens: int
    ttl: str | None
    cacheable: bool
    path: str


@dataclass
class Request:
    model: str
    units: list[Unit] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    question: str = ""

    @property
    def total_tokens(self) -> int:
        return sum(u.tokens for u in self.units) + REQUEST_TAIL_TOKENS
