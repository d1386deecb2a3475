"""Document and image blocks: their sources read (files, inline text, base64, content) and their tokens.

A document's citations flag is recorded for the request-wide "all or none" rule; a PDF's pages cost
their text tokens plus each page as an image (``reading.documents.page_image_tokens``, from the page
size) and are counted against MAX_PDF_PAGES; a PDF without a text layer is named in `Request.unreadable`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from assistant.sandbox.errors import ApiError
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
from assistant.sandbox.reading.text import count_tokens
from assistant.sandbox.request.fields import bad, optional_text, text_of
from assistant.sandbox.request.records import (
    BLOCK_TOKENS,
    DOCUMENT_TOKENS,
    IMAGE_BLOCK_TOKENS,
    PAGE_TOKENS,
    Document,
    Image,
    Request,
)
from assistant.sandbox.storage import FileResolver

MAX_PDF_PAGES = 600
"""PDF pages allowed in one request (the API's limit for 1M-context models; 100 for others)."""
_PDF_MIME = "application/pdf"
_TEXT_MIME = "text/plain"
_IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class SourceReader:
    """Reads the document and image blocks of one request into `request`; each call answers the tokens."""

    def __init__(self, request: Request, resolve: FileResolver) -> None:
        self.request = request
        self.resolve = resolve
        self.citation_flags: list[tuple[str, bool]] = []  # (block path, citations enabled) per document
        self.pdf_pages = 0

    def document(self, block: dict[str, object], path: str) -> int:
        source = block.get("source")
        if not isinstance(source, dict):
            raise bad(f"{path}.source: Field required")
        title = optional_text(block.get("title"), f"{path}.title")
        context = optional_text(block.get("context"), f"{path}.context")
        citations_config = block.get("citations")
        enabled = False
        if citations_config is not None:
            if not isinstance(citations_config, dict) or not isinstance(
                citations_config.get("enabled", False), bool
            ):
                raise bad(f"{path}.citations: Input should be a valid dictionary with a boolean 'enabled'")
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
            file_id = text_of(source.get("file_id"), f"{path}.source.file_id")
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
                raise bad(
                    f"{path}.source: file {file_id} ({resolved.mime_type}) is the wrong type for a document "
                    "block: document blocks take PDF (application/pdf) or plain-text (text/plain) files"
                    + ("; use an image block for images" if mime in _IMAGE_MIMES else "")
                )
        elif source_type == "text":
            if source.get("media_type") != _TEXT_MIME:
                raise bad(f"{path}.source.media_type: Input should be 'text/plain'")
            kind, text = "text", text_of_string(text_of(source.get("data"), f"{path}.source.data"))
        elif source_type == "base64":
            if source.get("media_type") != _PDF_MIME:
                raise bad(f"{path}.source.media_type: Input should be 'application/pdf'")
            data = self._base64(source.get("data"), f"{path}.source.data")
            kind, text = "pdf", self._pdf(lambda: pdf_of_bytes(data), path, label)
        elif source_type == "content":
            parts, part_indexes, extra_tokens = self._content_source(source, path)
            kind, text = "content", index_parts(parts, whole_parts=True)
        elif source_type == "url":
            raise bad(
                f"{path}.source: the local sandbox is offline and cannot fetch URLs; upload the file with "
                "the Files API and refer to it with a file source"
            )
        else:
            raise bad(
                f"{path}.source: Input tag '{source_type}' found using 'type' does not match any of the "
                "expected tags: 'base64', 'content', 'file', 'text', 'url'"
            )
        if kind == "pdf":
            extra_tokens += PAGE_TOKENS * len(text.parts) + text.page_image_tokens  # text + image
            self.pdf_pages += len(text.parts)
            if self.pdf_pages > MAX_PDF_PAGES:
                raise bad(f"A maximum of {MAX_PDF_PAGES} PDF pages may be provided.")
            if not any(p.strip() for p in text.parts):
                self.request.unreadable.append(label)
        self.request.documents.append(
            Document(index, title, label, file_id, kind, text, part_indexes, enabled)
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
            raise bad(f"{path}.source.content: Input should be a non-empty string or list of blocks")
        texts: list[str] = []
        indexes: list[int] = []
        tokens = 0
        for k, item in enumerate(content):
            item_path = f"{path}.source.content.{k}"
            if not isinstance(item, dict):
                raise bad(f"{item_path}: Input should be a valid dictionary")
            if item.get("type") == "text":
                text = text_of(item.get("text"), f"{item_path}.text")
                texts.append(text)
                indexes.append(k)
                tokens += BLOCK_TOKENS
            elif item.get("type") == "image":
                tokens += self.image(item, item_path)
            else:
                raise bad(f"{item_path}: content source blocks must be text or image blocks")
        return tuple(texts), tuple(indexes), tokens

    @staticmethod
    def _pdf(read: Callable[[], DocText], path: str, label: str) -> DocText:
        try:
            return read()
        except PdfUnreadable as error:
            raise bad(f"{path}.source: The PDF specified was not valid ({label}: {error}).") from error

    @staticmethod
    def _base64(value: object, path: str) -> bytes:
        if not isinstance(value, str):
            raise bad(f"{path}: Input should be a valid string")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise bad(f"{path}: invalid base64 data") from error

    def image(self, block: dict[str, object], path: str) -> int:
        source = block.get("source")
        if not isinstance(source, dict):
            raise bad(f"{path}.source: Field required")
        source_type = source.get("type")
        number = len(self.request.images) + 1
        if source_type == "file":
            file_id = text_of(source.get("file_id"), f"{path}.source.file_id")
            resolved = self.resolve(file_id)
            mime = resolved.mime_type.split(";")[0].strip().lower()
            if mime not in _IMAGE_MIMES:
                raise bad(
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
                raise bad(
                    f"{path}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or "
                    "'image/webp'"
                )
            data = self._base64(source.get("data"), f"{path}.source.data")
            shown = image_type(data[:16])
            if shown is None:
                raise bad(f"{path}.source.data: Could not process image")
            if shown != media_type:
                raise bad(f"{path}.source.data: Image does not match the provided media type {media_type}")
            size = image_size(data[:65536]) or image_size(data)
            label = f"image {number}"
        elif source_type == "url":
            raise bad(
                f"{path}.source: the local sandbox is offline and cannot fetch URLs; upload the image with "
                "the Files API and refer to it with a file source"
            )
        else:
            raise bad(
                f"{path}.source: Input tag '{source_type}' found using 'type' does not match any of the "
                "expected tags: 'base64', 'file', 'url'"
            )
        self.request.images.append(Image(label, size))
        return IMAGE_BLOCK_TOKENS + image_tokens(size)
