"""`prepare`: decide, before any byte is sent, what to upload for a file, or why it cannot be."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from .compressed import COMPRESSED_DETAILS, inner_name
from .conversion import archive_converter, compressed_converter, convert_cached, office_converter, reencode
from .encoding import choose_encoding
from .errors import DocumentError, DocumentErrorKind
from .messages import SUPPORTED_KINDS_TEXT, family, is_derived_name, kind_label, no_text, unsupported
from .model import MIB, TEXT_KINDS, ArchiveLimits, Block, DocumentKind, PdfTokenFigures, PreparedDocument
from .names import hidden_name_warning, is_acceptable_name, safe_upload_name, with_suffix_for
from .pdf import inspect_pdf, split_plan
from .pdf_text import pdf_figures as estimate_pdf
from .pdf_text import pdf_to_text
from .sink import human_size, write_failed
from .sniff import (
    CODE_EXTENSIONS,
    EXTENSION_KINDS,
    HEAD_BYTES,
    IMAGE_SUFFIX,
    kind_from_name,
    sniff,
    text_kind_from_name,
)
from .source import read_head_and_hash, stat_source

__all__ = ["DEFAULT_MAX_FILE_BYTES", "DEFAULT_MAX_PDF_PAGES", "SUPPORTED_SUFFIXES", "prepare"]

DEFAULT_MAX_FILE_BYTES = 500 * MIB  # the Files API's per-file limit
DEFAULT_MAX_PDF_PAGES = 100  # pages of one request (600 on some models; 100 is the safe default)

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
            ".gz",  # a single compressed text file: man-db-manual.txt.gz
            ".bz2",
            ".xz",
        }
    )
)


def prepare(
    path: Path,
    *,
    cache_dir: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES,
    archive_limits: ArchiveLimits | None = None,
    should_stop: Callable[[], bool] | None = None,
    pdf_as_text: bool = False,
    pdf_figures: bool = False,
) -> PreparedDocument:
    """What to upload for `path`, or DocumentError saying why not and what to do.

    Blocking (reads, hashes and may convert the whole file): run it in a worker, never on the GUI thread.
    Converted text is written to `cache_dir` under a name made from the source's SHA-256 and reused when
    it is already there. `max_file_bytes` limits both the source and what is uploaded. `should_stop` is
    polled while reading and converting (e.g. a worker's abort flag); when it returns True, preparation
    stops with DocumentError(CANCELLED) and leaves nothing half-written.

    A PDF with `pdf_as_text` is sent as its text, page by page (``pdf_text``): text/plain with its page
    starts, still known as the PDF (``source_kind`` "pdf"). `pdf_figures` estimates a PDF's tokens per
    question both ways (``figures``) without converting it.
    """
    path = Path(path)
    name = path.name or str(path)
    limits = archive_limits or ArchiveLimits()
    info = stat_source(path, name)
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
    head, sha256, has_nul = read_head_and_hash(path, name, should_stop)
    after = stat_source(path, name)
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
    hidden = hidden_name_warning(name)
    if hidden is not None:
        warnings.append(hidden)
    actual = sniffed.kind
    if actual is not None and claimed is not None and family(claimed) != family(actual):
        warnings.append(
            f"“{name}” is named like {kind_label(claimed)} but is really {kind_label(actual)}; it is read as "
            f"{kind_label(actual)}."
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
        base_name: str = name,  # what upload_name is made from: the name, or what a compressed file holds
        source_kind: str | None = None,  # what the source is, when not `kind` (an archive, a compressed file)
        page_starts: tuple[int, ...] = (),
        figures: PdfTokenFigures | None = None,
    ) -> PreparedDocument:
        all_warnings = [*warnings, *extra]
        if not is_acceptable_name(base_name) or (
            upload_name != base_name and not is_derived_name(upload_name, base_name)
        ):
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
            source_kind=source_kind or kind.value,
            page_count=page_count,
            needs_split=(  # a PDF's text has no page limit per request
                split_plan(page_count, max_pdf_pages)
                if page_count is not None and mime_type == "application/pdf"
                else None
            ),
            warnings=tuple(all_warnings),
            page_starts=page_starts,
            figures=figures,
        )

    if actual is DocumentKind.PDF:
        facts = inspect_pdf(path, name=name, cache_dir=cache_dir, sha256=sha256)
        if pdf_as_text:
            pages = pdf_to_text(
                facts.decrypted_copy or path,
                name=name,
                sha256=sha256,
                cache_dir=cache_dir,
                limit=max_file_bytes,
                should_stop=should_stop,
            )
            return result(
                upload_path=pages.path,
                upload_name=with_suffix_for(name, ".pdf") + ".txt",
                mime_type="text/plain",
                kind=DocumentKind.PDF,
                converted=True,
                page_count=facts.page_count,
                extra=pages.warnings,
                page_starts=pages.page_starts,
                figures=pages.figures,
            )
        figures = (
            estimate_pdf(facts.decrypted_copy or path, name=name, should_stop=should_stop)
            if pdf_figures
            else None
        )
        return result(
            upload_path=facts.decrypted_copy or path,
            upload_name=with_suffix_for(name, ".pdf"),
            mime_type="application/pdf",
            kind=DocumentKind.PDF,
            converted=facts.decrypted_copy is not None,
            page_count=facts.page_count,
            extra=facts.warnings,
            figures=figures,
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
        if encoding.as_is:
            if info.st_size <= HEAD_BYTES and not head.strip():
                raise no_text(name)
            return result(upload_path=path, upload_name=upload_name, mime_type="text/plain", kind=kind)
        target, extra = convert_cached(
            sha256,
            cache_dir,
            lambda sink: reencode(path, sink, encoding),
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
            office_converter(path, name, actual, limits)
            if actual is not DocumentKind.ARCHIVE
            else archive_converter(path, name, sniffed, limits)
        )
        target, extra = convert_cached(
            sha256, cache_dir, converter, limit=max_file_bytes, name=name, should_stop=should_stop
        )
        return result(
            upload_path=target,
            upload_name=with_suffix_for(name, ".txt"),
            mime_type="text/plain",
            kind=actual,
            converted=True,
            extra=extra,
            source_kind=sniffed.detail if actual is DocumentKind.ARCHIVE else None,
        )
    if actual is None and sniffed.detail in COMPRESSED_DETAILS:  # one file, compressed (not a tar)
        inner = inner_name(name)
        inner_claimed = kind_from_name(inner)
        target, extra = convert_cached(
            sha256,
            cache_dir,
            compressed_converter(path, name, sniffed.detail, limits),
            limit=max_file_bytes,
            name=name,
            should_stop=should_stop,
        )
        return result(
            upload_path=target,
            upload_name=(
                safe_upload_name(inner)
                if inner_claimed in (None, *TEXT_KINDS)
                else with_suffix_for(inner, ".txt")
            ),
            mime_type="text/plain",
            kind=text_kind_from_name(inner),
            converted=True,
            extra=extra,
            base_name=inner,
            source_kind=sniffed.detail,
        )
    raise unsupported(name, sniffed, claimed)
