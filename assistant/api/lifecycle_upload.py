"""Uploading a prepared document with what its source was, and a PDF over the page limit in parts.

``upload_document`` and ``split_and_upload``: see ``assistant.api.lifecycle`` for the contract. Blocking:
run in a worker. No Qt.
"""

from __future__ import annotations

from pathlib import Path

from assistant.api.errors import CancelToken
from assistant.api.files import FileService, UploadProgress, UploadResult
from assistant.api.lifecycle_common import Progress, document_failure, record_source
from assistant.api.lifecycle_pdftext import figures_notes
from assistant.catalog import Store
from assistant.documents import DocumentError, DocumentKind, PreparedDocument, split_pdf

__all__ = ["split_and_upload", "upload_document"]


def upload_document(
    files: FileService,
    store: Store,
    doc: PreparedDocument,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> UploadResult:
    """Upload a prepared document and record its source, kept copy, original name and warnings."""
    source = str(doc.source_path.absolute())
    result = files.upload(
        doc.upload_path,
        filename=doc.upload_name,
        mime_type=doc.mime_type,
        local_path=source,
        progress=progress,
        cancel=cancel,
    )
    if result.reused and result.record.local_path not in (None, source):
        return result  # the same bytes were uploaded from another file: that row keeps its own source
    record = record_source(
        store,
        result.record.id,
        doc,
        doc.upload_path,
        original_name=doc.original_name if doc.renamed else None,
        extra_warnings=figures_notes(doc),
    )
    return UploadResult(record, result.reused)


def split_and_upload(
    files: FileService,
    store: Store,
    doc: PreparedDocument,
    cache_dir: Path,
    *,
    pages_per_part: int | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> list[UploadResult]:
    """Split a PDF into parts of at most ``pages_per_part`` pages (default: ``doc.needs_split``) and
    upload each; a PDF that needs no split is uploaded whole."""
    if doc.kind is not DocumentKind.PDF:
        raise ValueError("only a PDF can be split")
    per_part = pages_per_part or (doc.needs_split.pages_per_part if doc.needs_split else None)
    if per_part is None or (doc.page_count is not None and doc.page_count <= per_part):
        return [upload_document(files, store, doc, progress=progress, cancel=cancel)]
    try:
        parts = split_pdf(doc.source_path, cache_dir, per_part)
    except DocumentError as exc:
        raise document_failure(exc) from None
    source = str(doc.source_path.absolute())
    sizes = [p.stat().st_size for p in parts]
    total = sum(sizes)
    results: list[UploadResult] = []
    for index, part in enumerate(parts):
        if cancel is not None:
            cancel.raise_if_cancelled()
        done = sum(sizes[:index])

        def report(p: UploadProgress, done: int = done) -> None:
            if progress is not None:
                progress(UploadProgress(done + p.sent, total))

        result = files.upload(
            part,
            filename=part.name,
            mime_type="application/pdf",
            local_path=source,
            progress=report,
            cancel=cancel,
        )
        record = result.record
        if not (result.reused and record.local_path not in (None, source)):
            record = record_source(store, record.id, doc, part, original_name=doc.original_name)
        results.append(UploadResult(record, result.reused))
    return results
