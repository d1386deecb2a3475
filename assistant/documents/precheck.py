"""The cheap half of ``prepare`` for watched folders: can this file be sent at all, and its SHA-256.

Reads the file once (its head is sniffed as ``prepare`` sniffs it, the rest only hashed); converts
nothing, writes nothing. Blocking: run in a worker.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .compressed import COMPRESSED_DETAILS
from .errors import DocumentError, DocumentErrorKind
from .messages import SUPPORTED_KINDS_TEXT, unsupported
from .model import TEXT_KINDS
from .sink import human_size
from .sniff import HEAD_BYTES, kind_from_name, sniff
from .source import CHUNK, stat_source, unreadable

__all__ = ["Precheck", "precheck"]


@dataclass(frozen=True)
class Precheck:
    """``error``: why ``prepare`` would refuse the file (its kind and message), else None; ``sha256``:
    the file's hash when it can be sent (None when refused); ``size``/``mtime``: as read."""

    sha256: str | None
    error: DocumentError | None
    size: int
    mtime: float


def precheck(path: Path, *, max_file_bytes: int) -> Precheck:
    """Empty, over ``max_file_bytes``, a kind that cannot be read (the documents layer's own messages),
    or its SHA-256. Raises DocumentError when the file cannot be read (gone, not a file, permission)."""
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
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
            sniffed = sniff(head, lambda: path.open("rb"))
            refused: DocumentError | None = None
            if sniffed.kind is None and sniffed.detail not in COMPRESSED_DETAILS:
                refused = unsupported(name, sniffed, kind_from_name(name))
            if refused is not None:
                return Precheck(None, refused, size, mtime)
            digest = hashlib.sha256(head)
            has_nul = b"\x00" in head
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                has_nul = has_nul or b"\x00" in chunk
    except PermissionError as exc:
        raise unreadable(name) from exc
    except OSError as exc:
        raise DocumentError(
            DocumentErrorKind.UNREADABLE, f"“{name}” could not be read ({exc.strerror or exc})."
        ) from exc
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
