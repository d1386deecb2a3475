"""`prepare`: decide, before any byte is sent, what to upload for a file, or why it cannot be."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .archive import ArchiveReport, convert_archive, convert_office, write_text
from .errors import DocumentError, DocumentErrorKind
from .model import (
    CONVERTER_VERSION,
    MIB,
    TEXT_KINDS,
    ArchiveLimits,
    Block,
    DocumentKind,
    PreparedDocument,
)
from .names import is_acceptable_name, safe_upload_name, with_suffix_for
from .pdf import inspect_pdf, split_plan
from .sink import TextSink, cancelled, human_size, is_disk_problem, write_failed
from .sniff import (
    CODE_EXTENSIONS,
    EXTENSION_KINDS,
    HEAD_BYTES,
    IMAGE_SUFFIX,
    Sniffed,
    choose_encoding,
    kind_from_name,
    sniff,
    text_kind_from_name,
)

DEFAULT_MAX_FILE_BYTES = 500 * MIB  # the Files API's per-file limit
DEFAULT_MAX_PDF_PAGES = 100  # pages of one request (600 on some models; 100 is the safe default)
CHUNK = 1 << 20

SUPPORTED_KINDS_TEXT = (
    "PDF; plain text, Markdown, CSV, JSON, XML, YAML, logs and source code; Word (.docx), Excel (.xlsx) "
    "and PowerPoint (.pptx); JPEG, PNG, GIF and WebP images; ZIP and tar archives (.zip, .tar, .tar.gz, .tgz)"
)

# For file dialogs. Content decides in the end: other names are accepted when their content is text.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            *(s for s, kind in EXTENSION_KINDS.items() if kind is not DocumentKind.ARCHIVE),
            *CODE_EXTENSIONS,
            ".zip",
            ".tar",
            ".tgz",
            ".tar.gz",
            ".tar.bz2",
            ".tar.xz",
        }
    )
)

_IN_ARCHIVES = SUPPORTED_KINDS_TEXT.replace("; JPEG, PNG, GIF and WebP images", "")

_KIND_LABEL = {
    DocumentKind.PDF: "a PDF",
    DocumentKind.DOCX: "a Word document",
    DocumentKind.XLSX: "an Excel workbook",
    DocumentKind.PPTX: "a PowerPoint presentation",
    DocumentKind.IMAGE: "an image",
    DocumentKind.ARCHIVE: "an archive",
}

_UNSUPPORTED_DETAIL = {
    "ole2": "an old-style Office file (.doc, .xls or .ppt). Open it in Word, Excel or PowerPoint, save it "
    "as .docx, .xlsx or .pptx, and add that",
    "odf": "an OpenDocument file (.odt, .ods or .odp). Save it as .docx, .xlsx or .pptx, or as PDF, "
    "and add that",
    "office-other": "an Office file of a kind that cannot be read here (a macro-enabled Word file, a "
    "template, a slide show or a binary workbook). Open it and save it as .docx, .xlsx or .pptx (or PDF), "
    "and add that",
    "epub": "an e-book (EPUB). Convert it to PDF or text first",
    "image": "an image in a format the API does not take (it takes JPEG, PNG, GIF and WebP). Save or "
    "export it as PNG or JPEG and add that",
    "gzip": "a compressed file that is not a tar archive. Decompress it and add the file inside",
    "bzip2": "a compressed file that is not a tar archive. Decompress it and add the file inside",
    "xz": "a compressed file that is not a tar archive. Decompress it and add the file inside",
}


def prepare(
    path: Path,
    *,
    cache_dir: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES,
    archive_limits: ArchiveLimits | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PreparedDocument:
    """What to upload for `path`, or DocumentError saying why not and what to do.

    Blocking (reads, hashes and may convert the whole file): run it in a worker, never on the GUI thread.
    Converted text is written to `cache_dir` under a name made from the source's SHA-256 and reused when
    it is already there. `max_file_bytes` limits both the source and what is uploaded. `should_stop` is
    polled while reading and converting (e.g. a worker's abort flag); when it returns True, preparation
    stops with DocumentError(CANCELLED) and leaves nothing half-written.
    """
    path = Path(path)
    name = path.name or str(path)
    limits = archive_limits or ArchiveLimits()
    info = _stat(path, name)
    if info.st_size == 0:
        raise DocumentError(
            DocumentErrorKind.EMPTY, f"“{name}” is empty (0 bytes). Add a file with something in it."
        )
    if info.st_size > max_file_bytes:
        raise DocumentError(
            DocumentErrorKind.TOO_LARGE,
            f"“{name}” is {human_size(info.st_size)}; one file can be at most {human_size(max_file_bytes)}. "
            "Split it into smaller files (or, for a PDF, export page ranges) and add those.",
        )
    head, sha256, has_nul = _read_head_and_hash(path, name, should_stop)
    after = _stat(path, name)
    if (after.st_size, after.st_mtime_ns) != (info.st_size, info.st_mtime_ns):
        raise DocumentError(
            DocumentErrorKind.UNREADABLE,
            f"“{name}” changed while it was being read. Wait until it has finished saving and add it again.",
        )
    sniffed = sniff(head, lambda: path.open("rb"))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(name, exc) from exc
    claimed = kind_from_name(name)
    warnings: list[str] = []
    actual = sniffed.kind
    if actual is not None and claimed is not None and _family(claimed) != _family(actual):
        warnings.append(
            f"“{name}” is named like {_label(claimed)} but is really {_label(actual)}; it is read as "
            f"{_label(actual)}."
        )

    def result(
        *,
        upload_path: Path,
        upload_name: str,
        mime_type: str,
        kind: DocumentKind,
        block: Block = "document",
        converted: bool = False,
        page_count: int | None = None,
        extra: tuple[str, ...] = (),
    ) -> PreparedDocument:
        all_warnings = [*warnings, *extra]
        if not is_acceptable_name(name) or (upload_name != name and not _is_derived(upload_name, name)):
            all_warnings.append(
                f"The name “{name}” is not one the API accepts; it is uploaded as “{upload_name}”."
            )
        upload_size = upload_path.stat().st_size
        if upload_size > max_file_bytes:
            raise DocumentError(
                DocumentErrorKind.TOO_LARGE,
                f"“{name}” comes to {human_size(upload_size)} to upload; one file can be at most "
                f"{human_size(max_file_bytes)}. Split it into smaller files and add those.",
            )
        return PreparedDocument(
            source_path=path,
            upload_path=upload_path,
            upload_name=upload_name,
            original_name=name,
            mime_type=mime_type,
            block=block,
            kind=kind,
            source_sha256=sha256,
            source_size=info.st_size,
            source_mtime=info.st_mtime,
            upload_size=upload_size,
            converted=converted,
            page_count=page_count,
            needs_split=split_plan(page_count, max_pdf_pages) if page_count is not None else None,
            warnings=tuple(all_warnings),
        )

    if actual is DocumentKind.PDF:
        facts = inspect_pdf(path, name=name, cache_dir=cache_dir, sha256=sha256)
        return result(
            upload_path=facts.decrypted_copy or path,
            upload_name=with_suffix_for(name, ".pdf"),
            mime_type="application/pdf",
            kind=DocumentKind.PDF,
            converted=facts.decrypted_copy is not None,
            page_count=facts.page_count,
            extra=facts.warnings,
        )
    if actual is DocumentKind.IMAGE:
        assert sniffed.mime is not None
        suffix = IMAGE_SUFFIX[sniffed.mime]
        lower = name.lower()
        fits = lower.endswith(suffix) or (suffix == ".jpg" and lower.endswith(".jpeg"))
        return result(
            upload_path=path,
            upload_name=safe_upload_name(name) if fits else with_suffix_for(name, suffix),
            mime_type=sniffed.mime,
            kind=DocumentKind.IMAGE,
            block="image",
        )
    if actual in TEXT_KINDS and has_nul and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentError(
            DocumentErrorKind.UNSUPPORTED,
            f"“{name}” starts like text but has binary data further on, so it cannot be read as text. "
            f"Kinds that work: {SUPPORTED_KINDS_TEXT}.",
        )
    if actual in TEXT_KINDS:
        kind = text_kind_from_name(name)
        upload_name = (
            safe_upload_name(name) if claimed in (None, *TEXT_KINDS) else with_suffix_for(name, ".txt")
        )
        with path.open("rb") as stream:
            encoding = choose_encoding(stream)
        if encoding == "utf-8":
            if info.st_size <= HEAD_BYTES and not head.strip():
                raise _no_text(name)
            return result(upload_path=path, upload_name=upload_name, mime_type="text/plain", kind=kind)
        target, extra = _converted(
            sha256,
            cache_dir,
            lambda sink: _reencode(path, sink, encoding),
            limit=max_file_bytes,
            name=name,
            should_stop=should_stop,
        )
        return result(
            upload_path=target,
            upload_name=upload_name,
            mime_type="text/plain",
            kind=kind,
            converted=True,
            extra=extra,
        )
    if actual in (DocumentKind.DOCX, DocumentKind.XLSX, DocumentKind.PPTX, DocumentKind.ARCHIVE):
        assert actual is not None
        converter = (
            _office(path, name, actual, limits)
            if actual is not DocumentKind.ARCHIVE
            else _archive(path, name, sniffed, limits)
        )
        target, extra = _converted(
            sha256, cache_dir, converter, limit=max_file_bytes, name=name, should_stop=should_stop
        )
        return result(
            upload_path=target,
            upload_name=with_suffix_for(name, ".txt"),
            mime_type="text/plain",
            kind=actual,
            converted=True,
            extra=extra,
        )
    raise _unsupported(name, sniffed, claimed)


# ---------------------------------------------------------------- checks


def _stat(path: Path, name: str) -> os.stat_result:
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise DocumentError(
            DocumentErrorKind.NOT_FOUND,
            f"“{name}” is not there any more (or is a link to nothing). "
            "Check where it went and add it again.",
        ) from exc
    except PermissionError as exc:
        raise _unreadable(name) from exc
    except OSError as exc:
        raise DocumentError(
            DocumentErrorKind.UNREADABLE,
            f"“{name}” cannot be read ({exc.strerror}). Check the disk or share.",
        ) from exc
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return info
    what = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a named pipe (fifo)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a special file"
    )
    hint = (
        " Drop the folder itself to add the files inside it."
        if stat.S_ISDIR(mode)
        else " Add a regular file."
    )
    raise DocumentError(DocumentErrorKind.NOT_A_FILE, f"“{name}” is {what}, not a file.{hint}")


def _unreadable(name: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.UNREADABLE,
        f"“{name}” cannot be read: permission denied. Give yourself read access to it (or copy it somewhere "
        "you can read) and add it again.",
    )


def _open(path: Path) -> BinaryIO:
    """The one place the source is opened for hashing (tests replace it to simulate errors)."""
    return path.open("rb")


def _read_head_and_hash(
    path: Path, name: str, should_stop: Callable[[], bool] | None = None
) -> tuple[bytes, str, bool]:
    """The first bytes, the SHA-256, and whether any NUL byte occurs (text files have none)."""
    digest = hashlib.sha256()
    try:
        with _open(path) as stream:
            head = stream.read(HEAD_BYTES)
            digest.update(head)
            has_nul = b"\x00" in head
            while chunk := stream.read(CHUNK):
                if should_stop is not None and should_stop():
                    raise cancelled(name)
                digest.update(chunk)
                has_nul = has_nul or b"\x00" in chunk
    except PermissionError as exc:
        raise _unreadable(name) from exc
    except OSError as exc:
        raise DocumentError(
            DocumentErrorKind.UNREADABLE,
            f"“{name}” could not be read to the end ({exc.strerror or exc}). "
            "Check the disk or share and try again.",
        ) from exc
    return head, digest.hexdigest(), has_nul


def _family(kind: DocumentKind) -> str:
    return "text" if kind in TEXT_KINDS else kind.value


def _label(kind: DocumentKind) -> str:
    return "text" if kind in TEXT_KINDS else _KIND_LABEL.get(kind, kind.value)


def _is_derived(upload_name: str, name: str) -> bool:
    """An upload name that only adds a suffix to an acceptable name ("report.docx" -> "report.docx.txt")."""
    return (
        is_acceptable_name(name) and upload_name.startswith(name) and "." not in upload_name[len(name) + 1 :]
    )


def _no_text(name: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.EMPTY, f"“{name}” has no text in it (only blank space). Add a file with some text."
    )


def _unsupported(name: str, sniffed: Sniffed, claimed: DocumentKind | None) -> DocumentError:
    if sniffed.detail.startswith("broken "):
        what = (
            _label(claimed)
            if claimed is not None and claimed not in TEXT_KINDS
            else "a ZIP archive"
            if sniffed.detail == "broken zip"
            else "a compressed file"
        )
        return DocumentError(
            DocumentErrorKind.CORRUPT_DOCUMENT,
            f"“{name}” looks like {what} but is damaged or incomplete, so it cannot be read. "
            "Save or download it again and add the new copy.",
        )
    detail = _UNSUPPORTED_DETAIL.get(sniffed.detail)
    if detail is not None:
        return DocumentError(
            DocumentErrorKind.UNSUPPORTED, f"“{name}” is {detail}. Kinds that work: {SUPPORTED_KINDS_TEXT}."
        )
    named = ""
    if claimed is not None and claimed not in TEXT_KINDS:
        named = f" It is named like {_label(claimed)} but its content is not one."
    return DocumentError(
        DocumentErrorKind.UNSUPPORTED,
        f"“{name}” is not a kind of file that can be read.{named} Kinds that work: {SUPPORTED_KINDS_TEXT}. "
        "Export or convert it to one of these (PDF works for most documents) and add that.",
    )


# ---------------------------------------------------------------- conversions

Converter = Callable[[TextSink], tuple[str, ...]]  # writes the text, returns warnings


def _reencode(path: Path, sink: TextSink, encoding: str) -> tuple[str, ...]:
    with path.open("rb") as stream:
        write_text(stream, sink)
    if not sink.has_content:
        raise _no_text(path.name)
    label = {"utf-8-sig": "UTF-8 with a byte-order mark", "utf-16": "UTF-16", "cp1252": "Windows-1252"}.get(
        encoding, encoding
    )
    return (f"The text was encoded as {label}; it is uploaded converted to UTF-8.",)


def _office(path: Path, name: str, kind: DocumentKind, limits: ArchiveLimits) -> Converter:
    def convert(sink: TextSink) -> tuple[str, ...]:
        with path.open("rb") as stream:
            convert_office(kind, stream, sink, name=name, level=0, limits=limits)
        return ()

    return convert


def _archive(path: Path, name: str, sniffed: Sniffed, limits: ArchiveLimits) -> Converter:
    def convert(sink: TextSink) -> tuple[str, ...]:
        with path.open("rb") as stream:
            report = convert_archive(stream, sink, name=name, detail=sniffed.detail, limits=limits)
        if not report.converted:
            if report.unsafe:
                raise DocumentError(
                    DocumentErrorKind.UNSAFE_ARCHIVE_PATH,
                    f"“{name}” has nothing that can be read safely: {_listing(report.unsafe)}. "
                    "Unpack it with a tool you trust and add the files you need.",
                )
            raise DocumentError(
                DocumentErrorKind.EMPTY,
                f"“{name}” has no files that can be read as text"
                + (f" ({_listing(report.skipped)})" if report.skipped else "")
                + f". Kinds that work inside archives: {_IN_ARCHIVES}.",
            )
        return _archive_warnings(report)

    return convert


def _listing(items: list[str], most: int = 5) -> str:
    shown = "; ".join(items[:most])
    return shown + (f"; and {len(items) - most} more" if len(items) > most else "")


def _archive_warnings(report: ArchiveReport) -> tuple[str, ...]:
    warnings = []
    if report.unsafe:
        warnings.append(
            f"{len(report.unsafe)} archive member(s) with unsafe paths were skipped: "
            f"{_listing(report.unsafe)}."
        )
    if report.skipped:
        warnings.append(
            f"{len(report.skipped)} archive member(s) were listed but not read: {_listing(report.skipped)}."
        )
    return tuple(warnings)


def _converted(
    sha256: str,
    cache_dir: Path,
    convert: Converter,
    *,
    limit: int,
    name: str,
    should_stop: Callable[[], bool] | None,
) -> tuple[Path, tuple[str, ...]]:
    """Run `convert` into `cache_dir/<sha256>-v<N>.txt` (atomically), or reuse what is there."""
    target = cache_dir / f"{sha256}-v{CONVERTER_VERSION}.txt"
    meta = cache_dir / f"{sha256}-v{CONVERTER_VERSION}.json"
    if target.exists() and meta.exists():
        try:
            warnings = json.loads(meta.read_text(encoding="utf-8"))["warnings"]
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
            raise _no_text(name)
        os.replace(temp, target)
        meta.write_text(json.dumps({"warnings": list(warnings), "source": name}), encoding="utf-8")
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
