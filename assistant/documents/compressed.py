"""A single gzip, bzip2 or xz compressed file (man-db-manual.txt.gz, server.log.xz): decompressed as a
stream into a spooled temporary file under the archive guard's limits (unpacked size, and the ratio
that gives a bomb away long before it has expanded), then read by the kind of what is inside. A tar
inside is found earlier, by `sniff`, and read as an archive."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from .archive_guard import Budget
from .errors import DocumentError, DocumentErrorKind
from .model import ArchiveLimits
from .sink import write_failed

CHUNK = 1 << 20
SPOOL_IN_MEMORY = 4 * 1024 * 1024

COMPRESSED_DETAILS = frozenset({"gzip", "bzip2", "xz"})  # `Sniffed.detail` of one compressed stream
# Suffixes that only say "compressed": the name of what is inside is the name without them.
_SUFFIXES = (".gz", ".gzip", ".z", ".bz2", ".bz", ".xz", ".lzma")


def inner_name(name: str) -> str:
    """The name of what a compressed file holds: "man-db-manual.txt.gz" -> "man-db-manual.txt"."""
    lower = name.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class _CountingReader:
    """Counts the compressed bytes the decompressor pulls, for the ratio guard."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.consumed += len(data)
        return data


def _decompressor(raw: _CountingReader, detail: str) -> BinaryIO:
    source = cast(IO[bytes], raw)
    if detail == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=source, mode="rb"))
    if detail == "bzip2":
        return cast(BinaryIO, bz2.BZ2File(source, mode="rb"))
    return cast(BinaryIO, lzma.LZMAFile(source, mode="rb"))


@dataclass(frozen=True, slots=True)
class Decompressed:
    """What came out: a seekable stream at its start, its size, and whether it holds any NUL byte."""

    stream: BinaryIO
    size: int
    has_nul: bool


@contextlib.contextmanager
def decompressed(
    path: Path,
    *,
    name: str,
    detail: str,
    limits: ArchiveLimits,
    stop_check: Callable[[], None],
) -> Iterator[Decompressed]:
    """`decompress` the file at `path`, under a budget of its own."""
    budget = Budget(limits=limits, archive_name=name, stop_check=stop_check)
    with (
        path.open("rb") as raw,
        decompress(cast(BinaryIO, raw), detail=detail, name=name, budget=budget) as out,
    ):
        yield out


@contextlib.contextmanager
def decompress(raw: BinaryIO, *, detail: str, name: str, budget: Budget) -> Iterator[Decompressed]:
    """Decompress `raw` into a spooled temporary file (memory up to a few MB, then an anonymous file),
    refusing as soon as it unpacks past what `budget` has left or expands more than `max_ratio` times
    what it has read (above `ratio_floor_bytes`). `name` is what a damaged stream's message names."""
    limits = budget.limits
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        counting = _CountingReader(raw)
        size = 0
        has_nul = False
        try:
            with _decompressor(counting, detail) as inner:
                while chunk := inner.read(CHUNK):
                    budget.stop_check()
                    size += len(chunk)
                    budget.reserve(size)
                    packed = max(counting.consumed, 1)
                    if size > limits.ratio_floor_bytes and size > limits.max_ratio * packed:
                        raise budget.ratio_exceeded()
                    has_nul = has_nul or b"\x00" in chunk
                    try:
                        spool.write(chunk)
                    except OSError as exc:
                        raise write_failed(budget.archive_name, exc) from exc
        except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as exc:
            raise DocumentError(
                DocumentErrorKind.CORRUPT_DOCUMENT,
                f"“{name}” is damaged or incomplete and cannot be decompressed. Download or create it "
                "again, or decompress it yourself and add the file inside.",
            ) from exc
        spool.seek(0)
        yield Decompressed(cast(BinaryIO, spool), size, has_nul)
