"""Converted uploads: text re-encoded to UTF-8, compressed text decompressed, Office files and archives
converted to text, written atomically into the cache folder under the source's SHA-256 and reused when
already there."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .archive import convert_archive
from .archive_guard import ArchiveReport
from .compressed import decompressed, inner_name
from .encoding import TextEncoding
from .errors import DocumentError, DocumentErrorKind
from .messages import IN_ARCHIVES, compressed_not_text, listing, no_text, unsupported
from .model import CONVERTER_VERSION, TEXT_KINDS, ArchiveLimits, DocumentKind
from .office import convert_office
from .sink import TextSink, is_disk_problem, write_failed
from .sniff import HEAD_BYTES, Sniffed, kind_from_name, sniff
from .text import text_warnings, write_text

Converter = Callable[[TextSink], tuple[str, ...]]  # writes the text, returns warnings


def reencode(path: Path, sink: TextSink, encoding: TextEncoding) -> tuple[str, ...]:
    with path.open("rb") as stream:
        report = write_text(stream, sink, encoding)
    if not sink.has_content:
        raise no_text(path.name)
    return text_warnings(report)


def compressed_converter(path: Path, name: str, detail: str, limits: ArchiveLimits) -> Converter:
    """A single compressed file, decompressed (within `limits`) and read by the kind of what is inside."""
    inner = inner_name(name)

    def convert(sink: TextSink) -> tuple[str, ...]:
        with decompressed(path, name=name, detail=detail, limits=limits, stop_check=sink.check) as out:
            head = out.stream.read(HEAD_BYTES)
            out.stream.seek(0)
            sniffed = sniff(head, lambda: contextlib.nullcontext(out.stream))
            out.stream.seek(0)
            if sniffed.kind is DocumentKind.ARCHIVE:  # a tar the head alone did not show
                report = convert_archive(out.stream, sink, name=name, detail=sniffed.detail, limits=limits)
                if not report.converted:
                    raise no_text(name)
                return _archive_warnings(report)
            if sniffed.kind is not None and sniffed.kind not in TEXT_KINDS:
                raise compressed_not_text(name, inner, sniffed.kind)
            utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            if sniffed.kind is None or (out.has_nul and not utf16):
                raise unsupported(name, sniffed, kind_from_name(inner))
            report_text = write_text(out.stream, sink)
        if not sink.has_content:
            raise no_text(name)
        return text_warnings(report_text)

    return convert


def office_converter(path: Path, name: str, kind: DocumentKind, limits: ArchiveLimits) -> Converter:
    def convert(sink: TextSink) -> tuple[str, ...]:
        with path.open("rb") as stream:
            convert_office(kind, stream, sink, name=name, level=0, limits=limits)
        return ()

    return convert


def archive_converter(path: Path, name: str, sniffed: Sniffed, limits: ArchiveLimits) -> Converter:
    def convert(sink: TextSink) -> tuple[str, ...]:
        with path.open("rb") as stream:
            report = convert_archive(stream, sink, name=name, detail=sniffed.detail, limits=limits)
        if not report.converted:
            if report.unsafe:
                raise DocumentError(
                    DocumentErrorKind.UNSAFE_ARCHIVE_PATH,
                    f"“{name}” has nothing that can be read safely: {listing(report.unsafe)}. "
                    "Unpack it with a tool you trust and add the files you need.",
                )
            raise DocumentError(
                DocumentErrorKind.EMPTY,
                f"“{name}” has no files that can be read as text"
                + (f" ({listing(report.skipped)})" if report.skipped else "")
                + f". Kinds that work inside archives: {IN_ARCHIVES}.",
            )
        return _archive_warnings(report)

    return convert


def _archive_warnings(report: ArchiveReport) -> tuple[str, ...]:
    warnings = []
    if report.unsafe:
        warnings.append(
            f"{len(report.unsafe)} archive member(s) with unsafe paths were skipped: "
            f"{listing(report.unsafe)}."
        )
    if report.skipped:
        warnings.append(
            f"{len(report.skipped)} archive member(s) were listed but not read: {listing(report.skipped)}."
        )
    if report.replaced:
        warnings.append(
            f"{len(report.replaced)} archive member(s) had bytes that are not valid text, each replaced with "
            f"“\ufffd” (bytes per member): {listing(report.replaced)}."
        )
    return tuple(warnings)


def convert_cached(
    sha256: str,
    cache_dir: Path,
    convert: Converter,
    *,
    limit: int,
    name: str,
    should_stop: Callable[[], bool] | None,
    variant: str = "",
    extra: dict[str, object] | None = None,
) -> tuple[Path, tuple[str, ...]]:
    """Run `convert` into `cache_dir/<sha256>-v<N>[-variant].txt` (atomically), or reuse what is there.

    `extra`: what the converter found besides warnings (a PDF's page starts): saved in the notes beside
    the text and filled from them when the text is reused."""
    stem = f"{sha256}-v{CONVERTER_VERSION}" + (f"-{variant}" if variant else "")
    target = cache_dir / f"{stem}.txt"
    meta = cache_dir / f"{stem}.json"
    if target.exists() and meta.exists():
        try:
            notes = json.loads(meta.read_text(encoding="utf-8"))
            warnings = notes["warnings"]
            if extra is not None:
                extra.update({k: v for k, v in notes.items() if k not in ("warnings", "source")})
            return target, tuple(str(w) for w in warnings)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # convert again
    try:
        fd, temp = tempfile.mkstemp(dir=cache_dir, prefix=".convert-", suffix=".tmp")
    except OSError as exc:
        raise write_failed(name, exc) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            sink = TextSink(out, limit, name=name, should_stop=should_stop)
            warnings = convert(sink)
        if not sink.has_content:
            raise no_text(name)
        os.replace(temp, target)
        notes = {**(extra or {}), "warnings": list(warnings), "source": name}
        meta.write_text(json.dumps(notes), encoding="utf-8")
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError) and is_disk_problem(exc):
            raise write_failed(name, exc) from exc
        raise
    return target, warnings


def cached_paths(cache_dir: Path, sha256: str) -> list[Path]:
    """Everything `prepare` and `split_pdf` keep in `cache_dir` for the source with this hash (converted
    text and its notes, a decrypted PDF, split parts), for clean-up when no upload uses it any more."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sorted(cache_dir.glob(f"{sha256}-*"))
