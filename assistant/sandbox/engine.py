"""The sandbox's "model": reads the referenced documents and answers with real citations.

Pure: no HTTP, no threads of its own. The server resolves file ids through `FileResolver` and turns the
`MessagePlan` into a JSON message or a server-sent event stream.

INTERFACE CONTRACT (shared by the server and this module; keep these names and shapes):

    @dataclass(frozen=True)
    class ResolvedFile:            # what the server knows of an uploaded file
        file_id: str
        filename: str
        mime_type: str
        path: pathlib.Path         # the stored bytes on disk
        size_bytes: int

    FileResolver = Callable[[str], ResolvedFile]
        # raises ApiError(404, ..., error_code=None) for an unknown id,
        # ApiError(404, ..., error_code="file_expired") for an expired one.

    @dataclass
    class PlannedBlock:
        text: str
        citations: list[dict[str, object]]   # API citation objects (page_location / char_location), may be []

    @dataclass
    class MessagePlan:
        model: str
        blocks: list[PlannedBlock]
        usage: dict[str, object]  # input_tokens, output_tokens, cache_creation_input_tokens,
                                  # cache_read_input_tokens, cache_creation{ephemeral_5m_input_tokens,
                                  # ephemeral_1h_input_tokens}, service_tier="standard"
        stop_reason: str          # "end_turn" | "max_tokens"

    class CacheLedger:             # thread-safe; one per server; prompt-cache state across requests
        def __init__(self) -> None: ...

    def plan_message(body: dict[str, object], resolve: FileResolver, ledger: CacheLedger,
                     now: float) -> MessagePlan
        # body is the JSON request of POST /v1/messages (server already checked: model, max_tokens,
        # messages is a non-empty list, no temperature/top_p/top_k). Raises ApiError(400, ...) for
        # content the API rejects. `now` is the sandbox clock (seconds since the epoch) for cache TTLs.

    def count_request_tokens(body: dict[str, object], resolve: FileResolver) -> int
        # input_tokens for POST /v1/messages/count_tokens (same validation, no cache effects).

Beyond the contract: `plan_message(..., max_input_tokens=N)` (keyword, default MAX_INPUT_TOKENS) rejects a
longer prompt with the API's "prompt is too long" 400; citations of `content` documents are
`content_block_location`. The tokenizer is documented in reading.text, the prompt-cache rules in
answer.cache (MIN_CACHEABLE_TOKENS, LOOKBACK_BLOCKS, TTLs), document reading and its LRU in
reading.documents.

How an answer is made: the question is the text of the last user message; every document is split into
passages (paragraphs, long ones into sentence groups; within one PDF page), scored with BM25 over
lower-cased, lightly stemmed words without stopwords, and the best few (at most MAX_PASSAGES, each at least
RELATIVE_THRESHOLD of the best) are quoted, each in its own text block whose citation's `cited_text` is
exactly the source text at its location. No match: an honest "found nothing" naming the documents (or,
for an empty question or a request for a summary, the documents' opening passages). Deterministic.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import pathlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from assistant.sandbox.answer.cache import (
    LOOKBACK_BLOCKS,
    MIN_CACHEABLE_TOKENS,
    TTL_SECONDS,
    CacheLedger,
    CacheUsage,
    PromptBlock,
)
from assistant.sandbox.reading.documents import (
    DocText,
    PdfUnreadable,
    image_size,
    image_size_of_file,
    image_tokens,
    image_type,
    index_parts,
    pdf_of_bytes,
    pdf_of_file,
    text_of_file,
    text_of_string,
)
from assistant.sandbox.reading.text import (
    bm25_scores,
    collapse,
    count_tokens,
    terms,
    truncate_to_tokens,
)
from assistant.sandbox.errors import ApiError

__all__ = [
    "LOOKBACK_BLOCKS",
    "MAX_INPUT_TOKENS",
    "MAX_PDF_PAGES",
    "MIN_CACHEABLE_TOKENS",
    "TTL_SECONDS",
    "CacheLedger",
    "FileResolver",
    "MessagePlan",
    "PlannedBlock",
    "ResolvedFile",
    "count_request_tokens",
    "plan_message",
]


@dataclass(frozen=True)
class ResolvedFile:
    """What the server knows of an uploaded file."""

    file_id: str
    filename: str
    mime_type: str
    path: pathlib.Path  # the stored bytes on disk
    size_bytes: int


FileResolver = Callable[[str], ResolvedFile]
"""Raises ApiError(404, ..., error_code=None) for an unknown id, error_code="file_expired" if expired."""


@dataclass
class PlannedBlock:
    """One text block of the answer, with its API citation objects (may be empty)."""

    text: str
    citations: list[dict[str, object]] = field(default_factory=list)


@dataclass
class MessagePlan:
    model: str
    blocks: list[PlannedBlock]
    usage: dict[str, object]
    stop_reason: str  # "end_turn" | "max_tokens"


# --- token overheads (added to the deterministic text tokenizer of reading.text) -------------------------

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

MAX_INPUT_TOKENS = 1_000_000
"""The default context window plan_message enforces (the server may pass a model's own figure)."""
MAX_PDF_PAGES = 600
"""PDF pages allowed in one request (the API's limit for 1M-context models; 100 for others)."""

MAX_PASSAGES = 3
RELATIVE_THRESHOLD = 0.35
"""A passage is quoted when it scores at least this fraction of the best passage's score."""

_PDF_MIME = "application/pdf"
_TEXT_MIME = "text/plain"
_IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_NOT_CACHEABLE = frozenset({"thinking", "redacted_thinking"})
_PASSIVE_TYPES = frozenset(
    {
        "tool_use",
        "tool_result",
        "thinking",
        "redacted_thinking",
        "search_result",
        "server_tool_use",
        "web_search_tool_result",
        "container_upload",
    }
)
_KNOWN_TYPES = ("text", "image", "document", *sorted(_PASSIVE_TYPES))


# --- the parsed request ---------------------------------------------------------------------------------


@dataclass
class _Document:
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
class _Image:
    label: str
    size: tuple[int, int] | None


@dataclass
class _Unit:
    """One block of the prompt before hashing: its canonical key, tokens and breakpoint TTL."""

    key: bytes
    tokens: int
    ttl: str | None
    cacheable: bool
    path: str


@dataclass
class _Request:
    model: str
    units: list[_Unit] = field(default_factory=list)
    documents: list[_Document] = field(default_factory=list)
    images: list[_Image] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    question: str = ""

    @property
    def total_tokens(self) -> int:
        return sum(u.tokens for u in self.units) + REQUEST_TAIL_TOKENS


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def _canonical(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", errors="surrogatepass")  # JSON may carry lone surrogates


def _without_cache_control(block: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in block.items() if k != "cache_control"}


def _ttl(value: object, path: str) -> str | None:
    """The TTL of a `cache_control` value (None when absent), or 400."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(f"{path}: Input should be a valid dictionary")
    if value.get("type") != "ephemeral":
        raise _bad(f"{path}.type: Input should be 'ephemeral'")
    ttl = value.get("ttl", "5m")
    if ttl not in TTL_SECONDS:
        raise _bad(f"{path}.ttl: Input should be '5m' or '1h'")
    return str(ttl)


def _text_of(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise _bad(f"{path}: Input should be a valid string")
    return value


def _optional_text(value: object, path: str) -> str | None:
    return None if value is None else _text_of(value, path)


class _Parser:
    def __init__(self, body: dict[str, object], resolve: FileResolver) -> None:
        self.body = body
        self.resolve = resolve
        model = body.get("model")
        self.request = _Request(model=model if isinstance(model, str) else "")
        self.citation_flags: list[tuple[str, bool]] = []
        self.pdf_pages = 0

    # -- sections --

    def parse(self) -> _Request:
        self._tools()
        self._system()
        self._messages()
        self._automatic_cache()
        self._check_breakpoints()
        self._check_citations()
        return self.request

    def _add(self, key: object, tokens: int, ttl: str | None, path: str, cacheable: bool = True) -> None:
        self.request.units.append(_Unit(_canonical(key), tokens, ttl, cacheable, path))

    def _tools(self) -> None:
        tools = self.body.get("tools")
        if tools is None:
            return
        if not isinstance(tools, list):
            raise _bad("tools: Input should be a valid list")
        for i, tool in enumerate(tools):
            path = f"tools.{i}"
            if not isinstance(tool, dict):
                raise _bad(f"{path}: Input should be a valid dictionary")
            bare = _without_cache_control(tool)
            tokens = count_tokens(json.dumps(bare, sort_keys=True, ensure_ascii=False))
            tokens += TOOLS_TOKENS if i == 0 else 0
            self._add({"at": "tool", "tool": bare}, tokens, _ttl(tool.get("cache_control"), path), path)

    def _system(self) -> None:
        system = self.body.get("system")
        if system is None or system == "":
            return
        if isinstance(system, str):
            blocks: list[object] = [{"type": "text", "text": system}]
        elif isinstance(system, list):
            blocks = list(system)
        else:
            raise _bad("system: Input should be a valid string or a list of text blocks")
        for j, block in enumerate(blocks):
            path = f"system.{j}"
            if not isinstance(block, dict) or block.get("type") != "text":
                raise _bad(f"{path}: system content blocks must be text blocks")
            text = _text_of(block.get("text"), f"{path}.text")
            if not text.strip():
                raise _bad(f"{path}.text: text content blocks must contain non-whitespace text")
            tokens = count_tokens(text) + BLOCK_TOKENS + (SYSTEM_TOKENS if j == 0 else 0)
            key = {"at": "system", "text": text}
            self._add(key, tokens, _ttl(block.get("cache_control"), f"{path}.cache_control"), path)

    def _messages(self) -> None:
        messages = self.body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _bad("messages: at least one message is required")
        last_user = -1
        for i, message in enumerate(messages):
            path = f"messages.{i}"
            if not isinstance(message, dict):
                raise _bad(f"{path}: Input should be a valid dictionary")
            role = message.get("role")
            if role not in ("user", "assistant"):
                raise _bad(f"{path}.role: Input should be 'user' or 'assistant'")
            if i == 0 and role != "user":
                raise _bad('messages: first message must use the "user" role')
            if role == "user":
                last_user = i
        for i, message in enumerate(messages):
            assert isinstance(message, dict)
            self._message(i, message, is_final=i == len(messages) - 1, is_question=i == last_user)

    def _message(self, i: int, message: dict[str, object], *, is_final: bool, is_question: bool) -> None:
        path = f"messages.{i}"
        role = str(message.get("role"))
        content = message.get("content")
        if isinstance(content, str):
            blocks: list[object] = [{"type": "text", "text": content}] if content else []
        elif isinstance(content, list):
            blocks = list(content)
        else:
            raise _bad(f"{path}.content: Input should be a valid string or a list of content blocks")
        if not blocks:
            if is_final and role == "assistant":
                return
            raise _bad(
                f"{path}: all messages must have non-empty content except for the optional final "
                "assistant message"
            )
        question: list[str] = []
        for j, block in enumerate(blocks):
            block_path = f"{path}.content.{j}"
            if not isinstance(block, dict):
                raise _bad(f"{block_path}: Input should be a valid dictionary")
            kind = block.get("type")
            first = j == 0
            overhead = MESSAGE_TOKENS if first else 0
            if kind == "text":
                text = self._text_block(block, block_path, role, is_final and role == "assistant")
                question.append(text)
                key: dict[str, object] = {"role": role, "first": first, "text": text}
                tokens = overhead + BLOCK_TOKENS + count_tokens(text)
            elif kind == "document":
                if role != "user":
                    raise _bad(f"{block_path}: document blocks are only allowed in user messages")
                tokens = overhead + self._document(block, block_path)
                key = {"role": role, "first": first, "block": _without_cache_control(block)}
            elif kind == "image":
                tokens = overhead + self._image(block, block_path)
                key = {"role": role, "first": first, "block": _without_cache_control(block)}
            elif kind in _PASSIVE_TYPES:
                bare = _without_cache_control(block)
                key = {"role": role, "first": first, "block": bare}
                tokens = overhead + BLOCK_TOKENS + count_tokens(json.dumps(bare, ensure_ascii=False))
            else:
                expected = ", ".join(f"'{t}'" for t in _KNOWN_TYPES)
                raise _bad(
                    f"{block_path}: Input tag '{kind}' found using 'type' does not match any of the "
                    f"expected tags: {expected}"
                )
            ttl = _ttl(block.get("cache_control"), f"{block_path}.cache_control")
            cacheable = kind not in _NOT_CACHEABLE
            if ttl and not cacheable:
                raise _bad(f"{block_path}.cache_control: cache_control cannot be set on {kind} blocks")
            self._add(key, tokens, ttl, block_path, cacheable)
        if is_question:
            self.request.question = "\n".join(q for q in question if q)

    def _text_block(self, block: dict[str, object], path: str, role: str, prefill: bool) -> str:
        text = _text_of(block.get("text"), f"{path}.text")
        if not text.strip() and not prefill:
            raise _bad(f"{path}.text: text content blocks must contain non-whitespace text")
        if prefill and text != text.rstrip():
            raise _bad("messages: final assistant content cannot end with trailing whitespace")
        citations = block.get("citations")
        if citations is not None:
            if not isinstance(citations, list):
                raise _bad(f"{path}.citations: Input should be a valid list")
            if citations and role == "user":
                raise _bad(f"{path}.citations: text blocks in user messages cannot have citations")
        return text

    # -- documents and images --

    def _document(self, block: dict[str, object], path: str) -> int:
        source = block.get("source")
        if not isinstance(source, dict):
            raise _bad(f"{path}.source: Field required")
        title = _optional_text(block.get("title"), f"{path}.title")
        context = _optional_text(block.get("context"), f"{path}.context")
        citations_config = block.get("citations")
        enabled = False
        if citations_config is not None:
            if not isinstance(citations_config, dict) or not isinstance(
                citations_config.get("enabled", False), bool
            ):
                raise _bad(f"{path}.citations: Input should be a valid dictionary with a boolean 'enabled'")
            enabled = bool(citations_config.get("enabled", False))
        self.citation_flags.append((path, enabled))
        index = len(self.citation_flags) - 1
        source_type = source.get("type")
        file_id: str | None = None
        label = title or f"document {index + 1}"
        part_indexes: tuple[int, ...] = ()
        extra_tokens = 0
        text: DocText
        if source_type == "file":
            file_id = _text_of(source.get("file_id"), f"{path}.source.file_id")
            resolved = self.resolve(file_id)
            label = title or resolved.filename
            mime = resolved.mime_type.split(";")[0].strip().lower()
            if mime == _PDF_MIME:
                kind, text = "pdf", self._pdf(lambda: pdf_of_file(resolved.path), path, label)
            elif mime == _TEXT_MIME:
                kind = "text"
                try:
                    text = text_of_file(resolved.path)
                except OSError as error:
                    raise ApiError(500, f"The stored file {file_id} could not be read.") from error
            else:
                raise _bad(
                    f"{path}.source: file {file_id} ({resolved.mime_type}) is the wrong type for a document "
                    "block: document blocks take PDF (application/pdf) or plain-text (text/plain) files"
                    + ("; use an image block for images" if mime in _IMAGE_MIMES else "")
                )
        elif source_type == "text":
            if source.get("media_type") != _TEXT_MIME:
                raise _bad(f"{path}.source.media_type: Input should be 'text/plain'")
            kind, text = "text", text_of_string(_text_of(source.get("data"), f"{path}.source.data"))
        elif source_type == "base64":
            if source.get("media_type") != _PDF_MIME:
                raise _bad(f"{path}.source.media_type: Input should be 'application/pdf'")
            data = self._base64(source.get("data"), f"{path}.source.data")
            kind, text = "pdf", self._pdf(lambda: pdf_of_bytes(data), path, label)
        elif source_type == "content":
            parts, part_indexes, extra_tokens = self._content_source(source, path)
            kind, text = "content", index_parts(parts, whole_parts=True)
        elif source_type == "url":
            raise _bad(
                f"{path}.source: the local sandbox is offline and cannot fetch URLs; upload the file with "
                "the Files API and refer to it with a file source"
            )
        else:
            raise _bad(
                f"{path}.source: Input tag '{source_type}' found using 'type' does not match any of the "
                "expected tags: 'base64', 'content', 'file', 'text', 'url'"
            )
        if kind == "pdf":
            extra_tokens += PAGE_TOKENS * len(text.parts)
            self.pdf_pages += len(text.parts)
            if self.pdf_pages > MAX_PDF_PAGES:
                raise _bad(f"A maximum of {MAX_PDF_PAGES} PDF pages may be provided.")
            if not any(p.strip() for p in text.parts):
                self.request.unreadable.append(label)
        self.request.documents.append(
            _Document(index, title, label, file_id, kind, text, part_indexes, enabled)
        )
        extra = count_tokens(title or "") + count_tokens(context or "")
        return DOCUMENT_TOKENS + extra + extra_tokens + text.tokens

    def _content_source(
        self, source: dict[str, object], path: str
    ) -> tuple[tuple[str, ...], tuple[int, ...], int]:
        content = source.get("content")
        if isinstance(content, str):
            return (content,), (0,), 0
        if not isinstance(content, list) or not content:
            raise _bad(f"{path}.source.content: Input should be a non-empty string or list of blocks")
        texts: list[str] = []
        indexes: list[int] = []
        tokens = 0
        for k, item in enumerate(content):
            item_path = f"{path}.source.content.{k}"
            if not isinstance(item, dict):
                raise _bad(f"{item_path}: Input should be a valid dictionary")
            if item.get("type") == "text":
                text = _text_of(item.get("text"), f"{item_path}.text")
                texts.append(text)
                indexes.append(k)
                tokens += BLOCK_TOKENS
            elif item.get("type") == "image":
                tokens += self._image(item, item_path)
            else:
                raise _bad(f"{item_path}: content source blocks must be text or image blocks")
        return tuple(texts), tuple(indexes), tokens

    @staticmethod
    def _pdf(read: Callable[[], DocText], path: str, label: str) -> DocText:
        try:
            return read()
        except PdfUnreadable as error:
            raise _bad(f"{path}.source: The PDF specified was not valid ({label}: {error}).") from error

    @staticmethod
    def _base64(value: object, path: str) -> bytes:
        if not isinstance(value, str):
            raise _bad(f"{path}: Input should be a valid string")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise _bad(f"{path}: invalid base64 data") from error

    def _image(self, block: dict[str, object], path: str) -> int:
        source = block.get("source")
        if not isinstance(source, dict):
            raise _bad(f"{path}.source: Field required")
        source_type = source.get("type")
        number = len(self.request.images) + 1
        if source_type == "file":
            file_id = _text_of(source.get("file_id"), f"{path}.source.file_id")
            resolved = self.resolve(file_id)
            mime = resolved.mime_type.split(";")[0].strip().lower()
            if mime not in _IMAGE_MIMES:
                raise _bad(
                    f"{path}.source: file {file_id} ({resolved.mime_type}) is the wrong type for an image "
                    "block: image blocks take JPEG, PNG, GIF or WebP files"
                    + (
                        "; use a document block for PDF and plain-text files"
                        if mime in (_PDF_MIME, _TEXT_MIME)
                        else ""
                    )
                )
            size = image_size_of_file(resolved.path)
            label = resolved.filename
        elif source_type == "base64":
            media_type = source.get("media_type")
            if media_type not in _IMAGE_MIMES:
                raise _bad(
                    f"{path}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or "
                    "'image/webp'"
                )
            data = self._base64(source.get("data"), f"{path}.source.data")
            shown = image_type(data[:16])
            if shown is None:
                raise _bad(f"{path}.source.data: Could not process image")
            if shown != media_type:
                raise _bad(f"{path}.source.data: Image does not match the provided media type {media_type}")
            size = image_size(data[:65536]) or image_size(data)
            label = f"image {number}"
        elif source_type == "url":
            raise _bad(
                f"{path}.source: the local sandbox is offline and cannot fetch URLs; upload the image with "
                "the Files API and refer to it with a file source"
            )
        else:
            raise _bad(
                f"{path}.source: Input tag '{source_type}' found using 'type' does not match any of the "
                "expected tags: 'base64', 'file', 'url'"
            )
        self.request.images.append(_Image(label, size))
        return IMAGE_BLOCK_TOKENS + image_tokens(size)

    # -- request-wide rules --

    def _automatic_cache(self) -> None:
        ttl = _ttl(self.body.get("cache_control"), "cache_control")
        if ttl is None:
            return
        for unit in reversed(self.request.units):
            if unit.cacheable:
                if unit.ttl is None:
                    unit.ttl = ttl
                return

    def _check_breakpoints(self) -> None:
        ttls = [u.ttl for u in self.request.units if u.ttl]
        if len(ttls) > 4:
            raise _bad(f"A maximum of 4 blocks with cache_control may be provided. Found {len(ttls)}.")
        if "5m" in ttls and "1h" in ttls[ttls.index("5m") :]:
            raise _bad(
                "A ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note "
                "that blocks are processed in the following order: `tools`, `system`, `messages`."
            )

    def _check_citations(self) -> None:
        flags = {enabled for _, enabled in self.citation_flags}
        if len(flags) > 1:
            off = [p for p, enabled in self.citation_flags if not enabled]
            raise _bad(
                "Citations must be enabled on all documents or on none of them; they are not enabled on "
                + ", ".join(off)
            )


def _prompt_blocks(request: _Request) -> list[PromptBlock]:
    digest = hashlib.sha256(b"model\x00" + request.model.encode("utf-8")).digest()
    tokens = 0
    out: list[PromptBlock] = []
    for unit in request.units:
        digest = hashlib.sha256(digest + unit.key).digest()
        tokens += unit.tokens
        out.append(PromptBlock(digest.hex(), tokens, unit.ttl))
    return out


def _parse(body: dict[str, object], resolve: FileResolver) -> _Request:
    return _Parser(body, resolve).parse()


def count_request_tokens(body: dict[str, object], resolve: FileResolver) -> int:
    """input_tokens for POST /v1/messages/count_tokens (same validation as plan_message, no cache effects)."""
    return _parse(body, resolve).total_tokens


# --- the answer -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Passage:
    document: _Document
    part: int  # page (0-based) / content part; 0 for text documents
    start: int  # within the part's text
    end: int
    order: int  # position across the request, for deterministic ties

    @property
    def text(self) -> str:
        return self.document.parts[self.part][self.start : self.end]


_SUMMARY_WORDS = re.compile(
    r"\b(summar\w*|overview|tl;?dr|gist|outline|main points?|key points?|what(?:'s| is) (?:this|it) about)\b",
    re.IGNORECASE,
)


def _passages(documents: list[_Document]) -> list[_Passage]:
    out: list[_Passage] = []
    for document in documents:
        for part, start, end in document.text.passages:
            out.append(_Passage(document, part, start, end, len(out)))
    return out


def _citation(passage: _Passage) -> dict[str, object]:
    document = passage.document
    common: dict[str, object] = {
        "cited_text": passage.text,
        "document_index": document.index,
        "document_title": document.title,
        "file_id": document.file_id,
    }
    if document.kind == "pdf":
        return {
            "type": "page_location",
            **common,
            "start_page_number": passage.part + 1,
            "end_page_number": passage.part + 2,
        }
    if document.kind == "content":
        index = document.part_indexes[passage.part]
        return {
            "type": "content_block_location",
            **common,
            "start_block_index": index,
            "end_block_index": index + 1,
        }
    return {
        "type": "char_location",
        **common,
        "start_char_index": passage.start,
        "end_char_index": passage.end,
    }


def _where(passage: _Passage, several: bool) -> str:
    document = passage.document
    if document.kind == "pdf":
        return f" ({document.label}, page {passage.part + 1})" if several else f" (page {passage.part + 1})"
    return f" ({document.label})" if several else ""


def _names(labels: list[str]) -> str:
    quoted = [f"*{label}*" for label in labels]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


_QUOTE_CHARS = 420


def _quote(text: str) -> str:
    flat = collapse(text)
    if len(flat) > _QUOTE_CHARS:
        cut = flat.rfind(" ", 0, _QUOTE_CHARS)
        flat = flat[: cut if cut > _QUOTE_CHARS // 2 else _QUOTE_CHARS].rstrip(" ,;:") + " …"
    return f"“{flat}”"


def _select(request: _Request, passages: list[_Passage]) -> list[_Passage]:
    query = terms(request.question)
    if not query or not passages:
        return []
    counters = [c for d in request.documents for c in d.text.passage_terms]
    lengths = [n for d in request.documents for n in d.text.passage_lengths]
    scores = bm25_scores(query, counters, lengths)
    ranked = sorted(
        (i for i, score in enumerate(scores) if score > 0), key=lambda i: (-scores[i], passages[i].order)
    )
    if not ranked:
        return []
    best = scores[ranked[0]]
    chosen: list[_Passage] = []
    seen: set[str] = set()
    for i in ranked:
        if len(chosen) == MAX_PASSAGES or scores[i] < RELATIVE_THRESHOLD * best:
            break
        flat = collapse(passages[i].text).lower()
        if flat not in seen:  # running headers and repeated boilerplate are quoted once
            seen.add(flat)
            chosen.append(passages[i])
    return chosen


def _opening(documents: list[_Document], passages: list[_Passage]) -> list[_Passage]:
    """The first passage of each document (the first two when there is one document), at most three."""
    per_document = 2 if len(documents) == 1 else 1
    chosen: list[_Passage] = []
    taken: dict[int, int] = {}
    for passage in passages:
        index = passage.document.index
        if taken.get(index, 0) < per_document and len(chosen) < MAX_PASSAGES:
            chosen.append(passage)
            taken[index] = taken.get(index, 0) + 1
    return chosen


def _compose(request: _Request) -> list[PlannedBlock]:
    documents = request.documents
    labels = [d.label for d in documents]
    several = len(documents) > 1
    passages = _passages(documents)
    chosen = _select(request, passages)
    lead: str
    if not documents:
        if request.images:
            lead = (
                "This is the local Anthropic API sandbox: it runs offline and answers only by quoting "
                "documents attached to the conversation, and no document is attached here."
            )
        else:
            lead = (
                "This is the local Anthropic API sandbox: it runs offline and answers only by quoting "
                "documents attached to the conversation. Nothing is attached here, so there is nothing to "
                "quote. Attach a PDF or a text file and ask again."
            )
    elif chosen:
        quoted = sorted({p.document.label for p in chosen}, key=labels.index)
        lead = f"Here is what {_names(quoted)} {'says' if len(quoted) == 1 else 'say'} about that:"
    else:
        summary = not request.question.strip() or _SUMMARY_WORDS.search(request.question) is not None
        opening = _opening(documents, passages) if summary else []
        if opening:
            chosen = opening
            begins = _names(sorted({p.document.label for p in opening}, key=labels.index))
            lead = (
                f"The local sandbox cannot write a summary offline; here is how {begins} begins:"
                if request.question.strip()
                else f"Here is how {begins} begins:"
            )
        else:
            asked = collapse(request.question)
            asked = asked if len(asked) <= 120 else asked[:117].rstrip() + "…"
            where = _names(labels)
            lead = (
                f"I found nothing about “{asked}” in {where}. The local sandbox answers by quoting the "
                "passages that share words with your question, so try the words the document itself "
                "would use."
                if asked
                else f"There is no text in {where} that the local sandbox could quote."
            )

    blocks: list[PlannedBlock] = []
    pending = lead
    for passage in chosen:
        pending += "\n\n- " if passage is chosen[0] else "\n- "
        blocks.append(PlannedBlock(pending))
        blocks.append(PlannedBlock(_quote(passage.text), [_citation(passage)]))
        pending = _where(passage, several)
    notes: list[str] = []
    if request.unreadable:
        notes.append(
            f"{_names(request.unreadable)} {'has' if len(request.unreadable) == 1 else 'have'} no text layer "
            "the sandbox can read (scanned pages?), so it cannot be quoted."
        )
    if request.images:
        described = [
            f"*{image.label}*" + (f" ({image.size[0]}×{image.size[1]})" if image.size else "")
            for image in request.images
        ]
        notes.append(
            ("Attached image: " if len(described) == 1 else "Attached images: ")
            + ", ".join(described)
            + ". The local sandbox cannot look at images offline, so it cannot describe them."
        )
    if notes:
        pending += "\n\n" + "\n\n".join(notes)
    if pending:
        blocks.append(PlannedBlock(pending))
    if not any(d.citations for d in documents):
        return [PlannedBlock("".join(b.text for b in blocks))]
    return blocks


def _cut(blocks: list[PlannedBlock], max_tokens: int) -> tuple[list[PlannedBlock], int, bool]:
    """The blocks cut to `max_tokens` output tokens, the output tokens, and whether they were cut."""
    out: list[PlannedBlock] = []
    used = 0
    for block in blocks:
        tokens = count_tokens(block.text)
        if used + tokens <= max_tokens:
            out.append(block)
            used += tokens
            continue
        text, kept = truncate_to_tokens(block.text, max_tokens - used)
        if text:
            out.append(PlannedBlock(text, block.citations))
            used += kept
        return out, used, True
    return out, used, False


def _usage(input_tokens: int, output_tokens: int, cache: CacheUsage) -> dict[str, object]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": cache.creation,
        "cache_read_input_tokens": cache.read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": cache.creation_5m,
            "ephemeral_1h_input_tokens": cache.creation_1h,
        },
        "service_tier": "standard",
    }


def plan_message(
    body: dict[str, object],
    resolve: FileResolver,
    ledger: CacheLedger,
    now: float,
    *,
    max_input_tokens: int = MAX_INPUT_TOKENS,
) -> MessagePlan:
    """The answer to POST /v1/messages `body`: text blocks with citations, usage and stop reason.

    Raises ApiError(400, ...) for content the API rejects (including a prompt longer than
    `max_input_tokens`, the model's context window); the resolver's 404s propagate. `now` is the
    sandbox clock for cache TTLs.
    """
    request = _parse(body, resolve)
    if request.total_tokens > max_input_tokens:
        raise _bad(f"prompt is too long: {request.total_tokens} tokens > {max_input_tokens} maximum")
    blocks = _compose(request)
    max_tokens = body.get("max_tokens")
    limit = max_tokens if isinstance(max_tokens, int) and not isinstance(max_tokens, bool) else 1 << 30
    blocks, output_tokens, cut = _cut(blocks, max(0, limit))
    cache = ledger.account(_prompt_blocks(request), now)
    total = request.total_tokens
    return MessagePlan(
        model=request.model,
        blocks=blocks,
        usage=_usage(total - cache.read - cache.creation, output_tokens, cache),
        stop_reason="max_tokens" if cut else "end_turn",
    )
