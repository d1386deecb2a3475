"""ZIP and tar archives as one text: each member's path as a heading, supported members converted, other
members listed and skipped. Members are read as bounded streams (into spooled temporary files, never
extracted by name), with guards on total size, member count, nesting depth and compression ratio;
unsafe member paths (absolute, `..`, links, devices) are skipped and reported."""

from __future__ import annotations

import contextlib
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import IO, BinaryIO, Protocol, cast

from .archive_guard import ArchiveReport, Budget, unsafe_reason
from .compressed import COMPRESSED_DETAILS, decompress
from .errors import DocumentError, DocumentErrorKind
from .model import TEXT_KINDS, ArchiveLimits, DocumentKind
from .office import convert_office, heading
from .pdf import pdf_text
from .sink import TextSink, human_size, write_failed
from .sniff import HEAD_BYTES, sniff
from .text import write_text

SPOOL_IN_MEMORY = 4 * 1024 * 1024
CHUNK = 1 << 20

# Member-level failures that skip the member; everything else (the guards, output too large) stops.
_SKIPPABLE = frozenset(
    {
        DocumentErrorKind.CORRUPT_DOCUMENT,
        DocumentErrorKind.CORRUPT_PDF,
        DocumentErrorKind.ENCRYPTED_PDF,
        DocumentErrorKind.EMPTY,
        DocumentErrorKind.UNSUPPORTED,
    }
)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def convert_archive(
    stream: BinaryIO, sink: TextSink, *, name: str, detail: str, limits: ArchiveLimits
) -> ArchiveReport:
    """Convert the archive in `stream` (seekable; `detail` is "zip" or "tar[.gzip|.bzip2|.xz]")."""
    budget = Budget(limits=limits, archive_name=name, stop_check=sink.check)
    sink.write(heading(1, f"Archive: {name}"))
    _convert_any(stream, sink, budget, detail=detail, prefix="", depth=1)
    return budget.report


def _convert_any(
    stream: BinaryIO, sink: TextSink, budget: Budget, *, detail: str, prefix: str, depth: int
) -> None:
    if depth > budget.limits.max_depth:
        raise _too_deep(budget, prefix.rstrip("/"))
    if detail == "zip":
        _convert_zip(stream, sink, budget, prefix=prefix, depth=depth)
    else:
        _convert_tar(stream, sink, budget, prefix=prefix, depth=depth)


def _too_deep(budget: Budget, at: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.ARCHIVE_TOO_DEEP,
        f"“{budget.archive_name}” has archives nested more than {budget.limits.max_depth} deep "
        f"(at “{at}”), more than can be read safely. Unpack it and add the files you need.",
    )


def _member_heading(sink: TextSink, depth: int, path: str) -> None:
    sink.write(heading(1 + depth, path))


def _skip(sink: TextSink, budget: Budget, path: str, reason: str, *, unsafe: bool = False) -> None:
    (budget.report.unsafe if unsafe else budget.report.skipped).append(f"{path} ({reason})")
    sink.write(f"(skipped: {reason})\n\n")


# ---------------------------------------------------------------- zip


def _convert_zip(stream: BinaryIO, sink: TextSink, budget: Budget, *, prefix: str, depth: int) -> None:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(budget, prefix) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if budget.members + len(infos) > budget.limits.max_members:
            budget.members += len(infos)
            budget.count_member()
        # The declared sizes are what zipfile will produce at most; refuse before reading anything.
        budget.reserve(sum(i.file_size for i in infos))
        for info in infos:
            budget.count_member()
            path = prefix + info.filename
            _member_heading(sink, depth, path)
            reason = unsafe_reason(info.filename)
            mode = info.external_attr >> 16
            if reason is None and mode and not (stat.S_ISREG(mode) or stat.S_IFMT(mode) == 0):
                reason = "a link or special file" if not stat.S_ISLNK(mode) else "a symbolic link"
            if reason is not None:
                _skip(sink, budget, path, reason, unsafe=True)
                continue
            if info.flag_bits & 0x1:
                _skip(sink, budget, path, "protected with a password")
                continue
            if info.file_size > budget.limits.max_member_bytes:
                _skip(sink, budget, path, f"larger than {human_size(budget.limits.max_member_bytes)}")
                continue
            if (
                info.file_size > budget.limits.ratio_floor_bytes
                and info.file_size > budget.limits.max_ratio * max(info.compress_size, 1)
            ):
                raise budget.ratio_exceeded()
            try:
                member = archive.open(info)
            except (NotImplementedError, zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
                _skip(sink, budget, path, f"cannot be unpacked ({exc})")
                continue
            try:
                with member:
                    _convert_member(member, sink, budget, path=path, depth=depth, declared=info.file_size)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as exc:
                _skip(sink, budget, path, f"damaged ({exc})")
            finally:
                budget.total_bytes += info.file_size


# ---------------------------------------------------------------- tar


class _CountingReader:
    """Counts the (compressed) bytes tarfile pulls from the archive, for the ratio guard."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.consumed += len(data)
        return data


class _Metered:
    """A member stream that reports how much has been read from it after every read."""

    def __init__(self, raw: _Readable, on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read
        self.read_bytes = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._raw.read(size)
        self.read_bytes += len(data)
        self._on_read(self.read_bytes)
        return data

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def _convert_tar(stream: BinaryIO, sink: TextSink, budget: Budget, *, prefix: str, depth: int) -> None:
    counting = _CountingReader(stream)
    unpacked = 0  # member bytes tarfile has had to unpack so far, read by us or skipped over

    def check_ratio(extra: int = 0) -> None:
        budget.stop_check()
        total = unpacked + extra
        if total > budget.limits.ratio_floor_bytes and total > budget.limits.max_ratio * max(
            counting.consumed, 1
        ):
            raise budget.ratio_exceeded()

    try:
        # Stream mode ("r|*"): one pass, members in order, nothing kept but their headers.
        archive = tarfile.open(fileobj=cast(IO[bytes], counting), mode="r|*")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _damaged(budget, prefix) from exc
    with archive:
        try:
            for info in archive:
                check_ratio()
                if info.isdir():
                    continue
                budget.count_member()
                path = prefix + info.name
                _member_heading(sink, depth, path)
                # Stream mode unpacks every member's data, read or skipped: all of it counts.
                budget.reserve(info.size)
                reason = unsafe_reason(info.name)
                if reason is None and not info.isreg():
                    reason = (
                        "a symbolic link"
                        if info.issym()
                        else "a hard link"
                        if info.islnk()
                        else "a device, fifo or other special file"
                    )
                try:
                    if reason is not None:
                        _skip(sink, budget, path, reason, unsafe=True)
                        continue
                    member = archive.extractfile(info)
                    if member is None:
                        _skip(sink, budget, path, "not a regular file", unsafe=True)
                        continue
                    with member:
                        metered = _Metered(member, check_ratio)
                        if info.size > budget.limits.max_member_bytes:
                            _skip(
                                sink,
                                budget,
                                path,
                                f"larger than {human_size(budget.limits.max_member_bytes)}",
                            )
                        else:
                            _convert_member(metered, sink, budget, path=path, depth=depth, declared=info.size)
                        # Data not read is unpacked anyway to reach the next member: check the ratio.
                        metered.drain()
                finally:
                    unpacked += info.size
                    budget.total_bytes += info.size
            check_ratio()
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise _damaged(budget, prefix) from exc


def _damaged(budget: Budget, prefix: str) -> DocumentError:
    where = f" (at “{prefix.rstrip('/')}”)" if prefix else ""
    return DocumentError(
        DocumentErrorKind.CORRUPT_DOCUMENT,
        f"“{budget.archive_name}” is damaged or incomplete{where} and cannot be unpacked. "
        "Download or create the archive again, or unpack it yourself and add the files.",
    )


# ---------------------------------------------------------------- members


@contextlib.contextmanager
def _spool(head: bytes, member: _Readable, budget: Budget, *, declared: int) -> Iterator[BinaryIO]:
    """`head` and the rest of a member in a spooled temporary file (memory up to a few MB, then an
    anonymous temp file), seekable for the converters. Real bytes are checked against the declared size
    and the budget as they come."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spooled:
        try:
            spooled.write(head)
        except OSError as exc:
            raise write_failed(budget.archive_name, exc) from exc
        read = len(head)
        while chunk := member.read(CHUNK):
            budget.stop_check()
            read += len(chunk)
            if read > declared:
                raise DocumentError(
                    DocumentErrorKind.ARCHIVE_TOO_LARGE,
                    f"“{budget.archive_name}” has a member that unpacks to more than its recorded size, "
                    "a sign of a damaged or crafted archive, so it was not unpacked.",
                )
            budget.reserve(read)
            try:
                spooled.write(chunk)
            except OSError as exc:
                raise write_failed(budget.archive_name, exc) from exc
        spooled.seek(0)
        yield cast(BinaryIO, spooled)


def _reopen(stream: BinaryIO) -> Callable[[], AbstractContextManager[BinaryIO]]:
    def reopen() -> AbstractContextManager[BinaryIO]:
        stream.seek(0)
        return contextlib.nullcontext(stream)

    return reopen


def _no_reopen() -> AbstractContextManager[BinaryIO]:
    raise AssertionError("sniffing this head needs no stream")


# Heads that need the whole member to tell what it is (zip members, compressed tars).
_NEEDS_STREAM = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def _convert_member(
    member: _Readable,
    sink: TextSink,
    budget: Budget,
    *,
    path: str,
    depth: int,
    declared: int,
) -> None:
    """Convert one member. Its first bytes decide: images and unsupported kinds are listed without
    reading further; everything else is spooled and converted."""
    head = member.read(HEAD_BYTES)
    if not head:
        _skip(sink, budget, path, "empty")
        return
    if not head.startswith(_NEEDS_STREAM):
        quick = sniff(head, _no_reopen)
        if quick.kind is DocumentKind.IMAGE:
            _skip(sink, budget, path, "an image; images inside archives are not read, add it on its own")
            return
        if quick.kind is None:
            _skip(sink, budget, path, f"not a supported kind ({quick.detail})")
            return
    with _spool(head, member, budget, declared=declared) as stream:
        _convert_seekable(stream, head, sink, budget, path=path, depth=depth)


def _convert_seekable(
    stream: BinaryIO, head: bytes, sink: TextSink, budget: Budget, *, path: str, depth: int
) -> None:
    sniffed = sniff(head, _reopen(stream))
    stream.seek(0)
    level = 1 + depth
    kind = sniffed.kind
    try:
        if kind is None and sniffed.detail in COMPRESSED_DETAILS:  # one member, compressed: read inside
            _convert_compressed(stream, sink, budget, detail=sniffed.detail, path=path, depth=depth)
            return
        if kind is DocumentKind.ARCHIVE:
            _convert_any(stream, sink, budget, detail=sniffed.detail, prefix=path + "/", depth=depth + 1)
        elif kind in TEXT_KINDS:
            report = write_text(stream, sink)
            if report.replaced:
                budget.report.replaced.append(f"{path} ({report.replaced:,})")
        elif kind is DocumentKind.PDF:
            pdf_text(stream, sink, name=path, level=level)
        elif kind in (DocumentKind.DOCX, DocumentKind.XLSX, DocumentKind.PPTX):
            convert_office(kind, stream, sink, name=path, level=level, limits=budget.limits)
        elif kind is DocumentKind.IMAGE:
            _skip(sink, budget, path, "an image; images inside archives are not read, add it on its own")
            return
        else:
            _skip(sink, budget, path, f"not a supported kind ({sniffed.detail})")
            return
    except DocumentError as exc:
        if exc.kind not in _SKIPPABLE:
            raise
        _skip(sink, budget, path, exc.message)
        return
    budget.report.converted.append(path)


def _convert_compressed(
    stream: BinaryIO, sink: TextSink, budget: Budget, *, detail: str, path: str, depth: int
) -> None:
    """A gzip, bzip2 or xz member that is not a tar: decompressed (one more level of nesting, within the
    budget) and converted by what it holds."""
    if depth + 1 > budget.limits.max_depth:
        raise _too_deep(budget, path)
    with decompress(stream, detail=detail, name=path, budget=budget) as out:
        head = out.stream.read(HEAD_BYTES)
        out.stream.seek(0)
        _convert_seekable(out.stream, head, sink, budget, path=path, depth=depth + 1)
    budget.total_bytes += out.size
