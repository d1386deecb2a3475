"""The cheap half of ``prepare`` for watched folders: can this file be sent at all, and its SHA-256.

Reads the file once (its head is sniffed as ``prepare`` sniffs it, the rest only hashed); converts
nothing, writes nothing. Blocking: run in a worker.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from .compressed import COMPRESSED_DETAILS
from .errors import DocumentError, DocumentErrorKind
from .messages import SUPPORTED_KINDS_TEXT, unsupported
from .model import TEXT_KINDS
from .sink import human_size
from .sniff import HEAD_BYTES, kind_from_name, sniff
from .source import hash_rest, reading, stat_source

__all__ = ["Precheck", "precheck"]


@dataclass(frozen=True)
class Precheck:
    """``error``: why ``prepare`` would refuse the file (its kind and message), else None; ``sha256``:
    the file's hash when it can be sent (None when refused); ``size``/``mtime``: as read."""

    sha256: str | None
    error: DocumentError | None
    size: int
    mtime: float


HASH_FIRST_BYTES = 8 * 1024 * 1024
"""Files up to this size are hashed before they are sniffed: content already accepted (``known``) is
not judged again. Larger ones are sniffed first, so a big file of a kind that cannot be sent is not read
to the end for nothing."""


def precheck(path: Path, *, max_file_bytes: int, known: Container[str] = ()) -> Precheck:
    """Empty, over ``max_file_bytes``, a kind that cannot be read (the documents layer's own messages),
    or its SHA-256. Content whose hash is in ``known`` (on the server already) is not sniffed again.
    Raises DocumentError when the file cannot be read (gone, not a file, permission)."""
    name = path.name or str(path)
    info = stat_source(path, name)
    size, mtime = info.st_size, info.st_mtime
    if size == 0:
        return Precheck(
            None, DocumentError(DocumentErrorKind.EMPTY, f"“{name}” is empty (0 bytes)."), 0, mtime
        )
    if size > max_file_bytes:
        error = DocumentError(
            DocumentErrorKind.TOO_LARGE,
            f"“{name}” is {human_size(size)}; one file can be at most {human_size(max_file_bytes)}.",
        )
        return Precheck(None, error, size, mtime)
    with reading(name), path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        digest = hashlib.sha256(head)
        if size <= HASH_FIRST_BYTES:
            rest = stream.read()
            digest.update(rest)
            if digest.hexdigest() in known:
                return Precheck(digest.hexdigest(), None, size, mtime)
        sniffed = sniff(head, lambda: path.open("rb"))
        if sniffed.kind is None and sniffed.detail not in COMPRESSED_DETAILS:
            return Precheck(None, unsupported(name, sniffed, kind_from_name(name)), size, mtime)
        if size <= HASH_FIRST_BYTES:
            has_nul = b"\x00" in head or b"\x00" in rest
        else:
            has_nul = hash_rest(stream, digest, b"\x00" in head, name)
    if (
        sniffed.kind in TEXT_KINDS
        and has_nul
        and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    ):
        error = DocumentError(
            DocumentErrorKind.UNSUPPORTED,
            f"“{name}” starts like text but has binary data further on, so it cannot be read as text. "
            f"Kinds that work: {SUPPORTED_KINDS_TEXT}.",
        )
        return Precheck(None, error, size, mtime)
    return Precheck(digest.hexdigest(), None, size, mtime)
