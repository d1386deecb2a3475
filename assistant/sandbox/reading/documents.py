"""Reading what a request refers to: PDF text per page (with a bounded LRU cache), image dimensions."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import pathlib
import struct
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from assistant.sandbox.reading.passages import split_passages
from assistant.sandbox.reading.text import count_tokens, terms

DOCUMENT_CACHE_ENTRIES = 24
"""How many read documents are kept: the same files are sent again on every turn of a conversation."""


class PdfUnreadable(Exception):
    """The bytes are not a PDF that can be read (corrupt, truncated, encrypted)."""


@dataclass(frozen=True)
class DocText:
    """A document read and indexed once: its parts (PDF pages, or the one text), their tokens, and its
    passages (part, start, end) with each passage's term counts and the terms of the headings above it
    (`reading.passages`, `reading.scoring`)."""

    parts: tuple[str, ...]
    part_tokens: tuple[int, ...]
    passages: tuple[tuple[int, int, int], ...]
    passage_terms: tuple[Counter[str], ...]
    passage_context: tuple[frozenset[str], ...]
    page_sizes: tuple[tuple[float, float], ...] = ()  # a PDF's pages: (width, height) in points

    @property
    def tokens(self) -> int:
        return sum(self.part_tokens)

    @property
    def page_image_tokens(self) -> int:
        """What a PDF's pages cost as images (``page_image_tokens`` of each page's size)."""
        return sum(page_image_tokens(w, h) for w, h in self.page_sizes)


def index_parts(parts: tuple[str, ...], *, whole_parts: bool = False) -> DocText:
    """Index `parts`: passages split within each part (or each whole part with `whole_parts`)."""
    spans: list[tuple[int, int, int]] = []
    contexts: list[frozenset[str]] = []
    if whole_parts:
        for number, text in enumerate(parts):
            if text.strip():
                spans.append((number, 0, len(text)))
                contexts.append(frozenset())
    else:
        for passage in split_passages(parts):
            spans.append((passage.part, passage.start, passage.end))
            contexts.append(frozenset(terms(passage.context)))
    return DocText(
        parts=parts,
        part_tokens=tuple(count_tokens(text) for text in parts),
        passages=tuple(spans),
        passage_terms=tuple(Counter(terms(parts[n][a:b])) for n, a, b in spans),
        passage_context=tuple(contexts),
    )


class _Lru:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[object, DocText] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: object, make: Callable[[], DocText]) -> DocText:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = make()  # outside the lock: reading can be slow and other requests must go on
        with self._lock:
            self._items[key] = made
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


_CACHE = _Lru(DOCUMENT_CACHE_ENTRIES)


def page_image_tokens(width: float, height: float) -> int:
    """Tokens of a PDF page read as an image, as the API's vision pricing computes them: the page
    rendered with its long edge at 1,568 px, brought within ~1.15 megapixels, then w * h / 750 (at most
    1,600). A US Letter or A4 page costs about 1,530 tokens; a narrow receipt far fewer."""
    if width <= 0 or height <= 0:
        return IMAGE_MAX_TOKENS
    scale = IMAGE_LONG_EDGE / max(width, height)
    pixels = width * scale * height * scale
    pixels = min(pixels, IMAGE_MAX_PIXELS)
    return max(1, min(IMAGE_MAX_TOKENS, math.ceil(pixels / 750)))


def _extract(stream: BinaryIO) -> tuple[tuple[str, ...], tuple[tuple[float, float], ...]]:
    """The text of each page of the PDF in `stream` (index 0 is page 1), and each page's size."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            raise PdfUnreadable("the PDF is encrypted")
        pages = tuple(page.extract_text() or "" for page in reader.pages)
        sizes = tuple((float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages)
    except PdfUnreadable:
        raise
    except Exception as error:  # pypdf raises many kinds of errors for broken files
        raise PdfUnreadable(f"{type(error).__name__}: {error}") from error
    if not pages:
        raise PdfUnreadable("the PDF has no pages")
    return pages, sizes


def _pdf_text(stream: BinaryIO) -> DocText:
    pages, sizes = _extract(stream)
    return dataclasses.replace(index_parts(pages), page_sizes=sizes)


def _file_key(kind: str, path: pathlib.Path) -> tuple[str, str, int, int]:
    stat = path.stat()
    return (kind, str(path), stat.st_size, stat.st_mtime_ns)


def pdf_of_file(path: pathlib.Path) -> DocText:
    """A stored PDF's pages, cached per (path, size, mtime). Raises PdfUnreadable."""
    try:
        key = _file_key("pdf", path)
    except OSError as error:
        raise PdfUnreadable(f"the stored file cannot be read: {error.strerror}") from error

    def make() -> DocText:
        with path.open("rb") as stream:
            return _pdf_text(stream)

    return _CACHE.get_or_make(key, make)


def pdf_of_bytes(data: bytes) -> DocText:
    """An inline (base64) PDF's pages, cached per content digest. Raises PdfUnreadable."""
    key = ("pdf-bytes", hashlib.sha256(data).hexdigest())
    return _CACHE.get_or_make(key, lambda: _pdf_text(io.BytesIO(data)))


def text_of_file(path: pathlib.Path) -> DocText:
    """A stored text/plain file decoded as UTF-8 (undecodable bytes replaced), cached per (path, size, mtime).
    Raises OSError."""
    key = _file_key("text", path)
    return _CACHE.get_or_make(
        key, lambda: index_parts((path.read_bytes().decode("utf-8", errors="replace"),))
    )


def text_of_string(text: str) -> DocText:
    """An inline text document, cached per content digest."""
    key = ("text", hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest())
    return _CACHE.get_or_make(key, lambda: index_parts((text,)))


def clear_document_cache() -> None:
    _CACHE.clear()


def document_cache_size() -> int:
    return len(_CACHE)


# --- images ---------------------------------------------------------------------------------------------

IMAGE_MAX_TOKENS = 1600
"""The API resizes large images to about 1.15 megapixels, i.e. about 1,600 tokens (w * h / 750)."""
IMAGE_LONG_EDGE = 1568
"""The longest edge, in pixels, an image is read at (larger ones are scaled down)."""
IMAGE_MAX_PIXELS = 1_150_000


def image_tokens(size: tuple[int, int] | None) -> int:
    """Tokens of an image of `size` (width, height): w * h / 750, at least 1, capped; unknown: the cap."""
    if size is None:
        return IMAGE_MAX_TOKENS
    width, height = size
    return max(1, min(IMAGE_MAX_TOKENS, (width * height + 749) // 750))


def image_type(head: bytes) -> str | None:
    """The media type the first bytes of an image show (JPEG, PNG, GIF, WebP), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of a PNG, GIF, WebP or JPEG file, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return int(width), int(height)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and len(head) >= 30:
        chunk = head[12:16]
        if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
            width, height = struct.unpack("<HH", head[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        if chunk == b"VP8L" and head[20:21] == b"\x2f":
            bits = int.from_bytes(head[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X":
            width = int.from_bytes(head[24:27], "little") + 1
            height = int.from_bytes(head[27:30], "little") + 1
            return width, height
        return None
    if head[:2] == b"\xff\xd8":
        return _jpeg_size(head)
    return None


_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _JPEG_SOF and position + 9 <= len(data):
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            return width, height
        if length < 2:
            return None
        position += 2 + length
    return None


IMAGE_HEAD_BYTES = 512 * 1024
"""How much of an image file is read to find its dimensions (JPEG metadata can precede the frame)."""


def image_size_of_file(path: pathlib.Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as stream:
            return image_size(stream.read(IMAGE_HEAD_BYTES))
    except OSError:
        return None
