"""Stale copies: has the source changed since upload, re-uploading its current version into the same
row, and removing a row's converted copy from the cache.

``stale_state``, ``refresh_stale`` and ``discard_kept_copy``: see ``assistant.api.lifecycle`` for the
contract. Blocking (hashing, converting, uploading): run in a worker. No Qt.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService
from assistant.api.lifecycle_common import (
    Progress,
    display_name,
    document_failure,
    get_record,
    parts_size,
    record_source,
    should_stop,
)
from assistant.catalog import FileRecord, Store
from assistant.catalog.identity import sent_as_text
from assistant.documents import DEFAULT_MAX_PDF_PAGES, DocumentError, SourceState, prepare, source_state
from assistant.documents.model import PreparedDocument

__all__ = ["discard_kept_copy", "refresh_stale", "stale_state", "swap_prepared"]


def stale_state(record: FileRecord) -> SourceState | None:
    """Has the source changed since it was uploaded? None when no source was recorded. Blocking when
    the source's time changed (it hashes then): call it from a worker."""
    if (
        record.local_path is None
        or record.source_size is None
        or record.source_mtime is None
        or record.source_sha256 is None
    ):
        return None
    return source_state(
        Path(record.local_path),
        size=record.source_size,
        mtime=record.source_mtime,
        sha256=record.source_sha256,
    )


def discard_kept_copy(store: Store, record_id: int) -> bool:
    """Remove a row's converted copy from the cache (text and its notes, a decrypted PDF, a PDF part) once
    no other catalog row keeps it, e.g. after the file was deleted in Clean up. The source itself is never
    touched. True if something was removed. Afterwards the row can be renewed only from its source."""
    record = store.get_file(record_id)
    if record is None:
        return False
    return forget_kept(store, record, keep=None)


def forget_kept(store: Store, old: FileRecord, keep: Path | None) -> bool:
    """Remove ``old``'s converted copy (unless it is ``keep`` or another row keeps it)."""
    if old.kept_path is None or old.kept_path == old.local_path:
        return False
    kept = Path(old.kept_path)
    if keep is not None and kept == keep.absolute():
        return False
    if any(r.kept_path == old.kept_path and r.id != old.id for r in store.list_files()):
        return False
    removed = False
    for path in (kept, kept.with_suffix(".json")) if parts_size(old) is None else (kept,):
        with contextlib.suppress(OSError):
            path.unlink()
            removed = True
    return removed  # kept_path stays: renew converts the unchanged source again into the same place


def refresh_stale(
    files: FileService,
    store: Store,
    record_id: int,
    cache_dir: Path,
    *,
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> FileRecord:
    """Upload the source's current version into the same row and delete the old remote file."""
    record = get_record(store, record_id)
    if record.local_path is None:
        raise ApiFailure(
            FailureKind.LOCAL, f"“{display_name(record)}” has no file on this computer to upload again."
        )
    if parts_size(record) is not None:
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{display_name(record)}” was uploaded in parts. Add the file again to split and upload its "
            "new version, then remove the old parts.",
        )
    state = stale_state(record)
    if state is SourceState.UNCHANGED:
        return record
    source = Path(record.local_path)
    if state is SourceState.MISSING:
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{display_name(record)}” is no longer at {source}. Add it again from where it is now.",
        )
    try:
        doc = prepare(
            source,
            cache_dir=cache_dir,
            max_pdf_pages=max_pdf_pages,
            should_stop=should_stop(cancel),
            pdf_as_text=sent_as_text(record),  # a PDF sent as text stays so
        )
    except DocumentError as exc:
        raise document_failure(exc) from None
    extra: tuple[str, ...] = ()
    if doc.needs_split is not None:
        extra = (
            f"“{doc.original_name}” now has {doc.page_count} pages, more than one request takes "
            f"({doc.needs_split.pages_per_part}), so questions about it may fail. Add it again to split "
            "it into parts.",
        )
    return swap_prepared(files, store, record, doc, extra, progress=progress, cancel=cancel)


def swap_prepared(
    files: FileService,
    store: Store,
    record: FileRecord,
    doc: PreparedDocument,
    extra_warnings: tuple[str, ...],
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> FileRecord:
    """Upload ``doc`` into ``record``'s row (a new file id, the old remote file deleted), record what
    it was made from, and let the old kept copy go. Conversations that use the row keep working."""
    if cancel is not None:
        cancel.raise_if_cancelled()
    swapped = files.replace(
        record.id,
        doc.upload_path,
        filename=doc.upload_name,
        mime_type=doc.mime_type,
        progress=progress,
        cancel=cancel,
    )
    # what replace had to say (its old file could not be deleted): in the result, not in the row
    notes = swapped.warnings[len(get_record(store, record.id).warnings) :]
    refreshed = record_source(
        store,
        record.id,
        doc,
        doc.upload_path,
        original_name=doc.original_name if doc.renamed else None,
        extra_warnings=extra_warnings,
        identity=True,
    )
    forget_kept(store, record, doc.upload_path)
    return dataclasses.replace(refreshed, warnings=(*refreshed.warnings, *notes)) if notes else refreshed
