"""The life of an uploaded file: upload with what the source was, renewal, stale copies, orphans, gone files.

Plain Python, blocking (hashing, converting, uploading): run it in a worker (``bridge.TaskRunner``), never
on the GUI thread; ``replace_attachment`` only reads and writes the catalog and is cheap, and so are the
pure rules re-exported from ``assistant.catalog.rules`` (``EXPIRY_WARNING``, ``expiring_soon``,
``can_renew``, ``orphans``, ``gone_files_for``: the UI imports them from there, without this module). Built
on ``files.FileService`` (the transport) and ``assistant.catalog.Store`` (the catalog); no Qt.

Conversations refer to catalog rows, never to remote ids, so renewing or refreshing a file (a new
``file_id`` moved into the same row) keeps every conversation that uses it working, history included.

Public API::

    upload_document(files, store, doc, *, progress=None, cancel=None) -> UploadResult
        # doc: documents.PreparedDocument. Uploads doc.upload_path as doc.upload_name (sha256 dedupe as
        # files.upload) and records the source's size, time and hash, the kept copy (the exact bytes
        # uploaded), the source's own name when it differs from the upload's (renamed, or converted:
        # "a.docx" uploaded as "a.docx.txt"; else None), and doc.warnings. A reused row that came from
        # another source keeps its own source info.
    split_and_upload(files, store, doc, cache_dir, *, pages_per_part=None, progress=None, cancel=None)
        -> list[UploadResult]
        # a PDF over the page limit: split with documents.split_pdf into "name (pages a-b).pdf" parts
        # (kept in cache_dir), each uploaded and recorded like upload_document; progress over all parts.
        # Parts uploaded before a failure stay in the catalog; trying again reuses them (dedupe).
    expiring_soon(records, now, within=EXPIRY_WARNING) -> list[FileRecord]   # active, soonest first (rules)
    can_renew(record) -> bool   # uploaded by this app, with a kept copy or a source recorded (rules)
    renew(files, store, record_id, *, cache_dir=None, progress=None, cancel=None) -> FileRecord
        # re-uploads the kept copy (no dedupe) with a fresh expiry from the retention setting, moves the
        # new file id into the same row, deletes the old remote file (404 is fine). Without the kept copy:
        # an unchanged source is used (converted again into cache_dir, default: where the kept copy was).
        # Raises SourceChanged when the only copy left has changed since upload (offer refresh_stale),
        # ApiFailure(LOCAL) when nothing is left to upload from, ApiFailure from the API, Cancelled.
        # Works for expired, missing and deleted rows too: it uploads afresh into the same row.
    stale_state(record) -> SourceState | None
        # unchanged | changed | missing, from the recorded source size/time/hash (hashes only when the
        # time changed); None when nothing was recorded (adopted rows, rows uploaded before schema 2)
    refresh_stale(files, store, record_id, cache_dir, *, max_pdf_pages=DEFAULT_MAX_PDF_PAGES,
                  progress=None, cancel=None) -> FileRecord
        # prepares the changed source again, uploads it into the same row (new name, type, source info,
        # warnings), deletes the old remote file and the old converted copy. Unchanged: returns the row
        # as it is; nothing recorded (stale_state None): uploads the source as it is now. Raises
        # ApiFailure(LOCAL) when the source is gone or cannot be prepared, or the row is a PDF part.
    discard_kept_copy(store, record_id) -> bool   # remove the row's converted copy from the cache when
                                                  # no other row keeps it (after Clean up deleted it)
    orphans(store) -> list[FileRecord]     # active files found remotely that this app did not upload (rules)
    gone_files_for(store, conversation_id) -> list[FileRecord]   # attached, not active, attach order (rules)
    replace_attachment(store, conversation_id, old_row_id, new_row_id) -> Conversation
    SourceChanged                          # ApiFailure (kind LOCAL) raised by renew: offer refresh_stale
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind
from assistant.api.files import FileService, UploadProgress, UploadResult, sha256_file
from assistant.catalog import Conversation, FileRecord, Store
from assistant.catalog.rules import EXPIRY_WARNING, can_renew, expiring_soon, gone_files_for, orphans
from assistant.documents import (
    DEFAULT_MAX_PDF_PAGES,
    DocumentError,
    DocumentErrorKind,
    DocumentKind,
    PreparedDocument,
    SourceState,
    prepare,
    source_state,
    split_pdf,
)

__all__ = [
    "EXPIRY_WARNING",
    "SourceChanged",
    "can_renew",
    "discard_kept_copy",
    "expiring_soon",
    "gone_files_for",
    "orphans",
    "refresh_stale",
    "renew",
    "replace_attachment",
    "split_and_upload",
    "stale_state",
    "upload_document",
]

log = logging.getLogger(__name__)

Progress = Callable[[UploadProgress], object]

# split_pdf keeps parts in "<sha256>-parts-<pages per part>/" inside the cache dir.
_PARTS_FOLDER = re.compile(r"[0-9a-f]{64}-parts-(\d+)")


class SourceChanged(ApiFailure):
    """Renewal would upload different content: the only copy left has changed since it was uploaded."""


# ---------------------------------------------------------------- helpers


def _name(record: FileRecord) -> str:
    return record.original_name or record.filename


def _get(store: Store, record_id: int) -> FileRecord:
    record = store.get_file(record_id)
    if record is None:
        raise ApiFailure(FailureKind.LOCAL, "That file is no longer in the catalog.")
    return record


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _hash(path: Path, cancel: CancelToken | None) -> str | None:
    """SHA-256 of a file, or None when it cannot be read (gone, a folder, no permission)."""
    if not _is_file(path):
        return None
    try:
        return sha256_file(path, cancel)
    except OSError:
        return None


def _should_stop(cancel: CancelToken | None) -> Callable[[], bool] | None:
    return None if cancel is None else cancel.is_cancelled


def _document_failure(exc: DocumentError) -> Exception:
    if exc.kind is DocumentErrorKind.CANCELLED:
        return Cancelled("cancelled")
    return ApiFailure(FailureKind.LOCAL, exc.message)


def _record_source(
    store: Store,
    row_id: int,
    doc: PreparedDocument,
    kept: Path,
    *,
    original_name: str | None,
    extra_warnings: tuple[str, ...] = (),
    identity: bool = False,
) -> FileRecord:
    return store.set_source_info(
        row_id,
        source_sha256=doc.source_sha256,
        source_size=doc.source_size,
        source_mtime=doc.source_mtime,
        kept_path=str(kept.absolute()),
        original_name=original_name,
        warnings=(*doc.warnings, *extra_warnings),
        filename=doc.upload_name if identity else None,
        mime_type=doc.mime_type if identity else None,
    )


def _parts_size(record: FileRecord) -> int | None:
    """Pages per part when the kept copy is one part of a split PDF, else None."""
    if record.kept_path is None:
        return None
    match = _PARTS_FOLDER.fullmatch(Path(record.kept_path).parent.name)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- upload


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
    record = _record_source(
        store,
        result.record.id,
        doc,
        doc.upload_path,
        original_name=doc.original_name if doc.renamed else None,
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
        raise _document_failure(exc) from None
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
            record = _record_source(store, record.id, doc, part, original_name=doc.original_name)
        results.append(UploadResult(record, result.reused))
    return results


# ---------------------------------------------------------------- expiry and renewal


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


def _changed(record: FileRecord) -> SourceChanged:
    return SourceChanged(
        FailureKind.LOCAL,
        f"“{_name(record)}” has changed since it was uploaded, and the uploaded version is not kept, so it "
        "cannot be renewed as it was. Re-upload it to send the current version instead.",
    )


def _nothing_left(record: FileRecord) -> ApiFailure:
    where = f" from {record.local_path}" if record.local_path else ""
    return ApiFailure(
        FailureKind.LOCAL,
        f"“{_name(record)}” cannot be renewed: the copy kept when it was uploaded is gone, and so is the "
        f"original{where}. Add the file again to upload it afresh.",
    )


def _recreate_kept(
    record: FileRecord, source: Path, kept: Path, cache_dir: Path | None, cancel: CancelToken | None
) -> Path:
    """The kept copy again, from an unchanged source: converted text, a decrypted PDF or a PDF part."""
    per_part = _parts_size(record)
    try:
        if per_part is not None:
            for part in split_pdf(source, cache_dir or kept.parent.parent, per_part):
                if part.name == kept.name:
                    return part
            raise _nothing_left(record)
        return prepare(
            source, cache_dir=cache_dir or kept.parent, should_stop=_should_stop(cancel)
        ).upload_path
    except DocumentError as exc:
        raise _document_failure(exc) from None


def _renewal_copy(
    store: Store, record: FileRecord, cache_dir: Path | None, cancel: CancelToken | None
) -> Path:
    """The file to upload for a renewal: exactly the bytes uploaded before (or the unchanged source's)."""
    if not can_renew(record):
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{_name(record)}” was not uploaded by this app, so there is no copy here to renew it from.",
        )
    kept = Path(record.kept_path) if record.kept_path else None
    source = Path(record.local_path) if record.local_path else None
    if kept is not None and _is_file(kept):
        if kept == source:
            state = stale_state(record)  # size and time first; hashes only when the time changed
            if state is SourceState.UNCHANGED:
                return kept
            if state is SourceState.CHANGED:
                raise _changed(record)
        elif record.sha256 is None or _hash(kept, cancel) == record.sha256:
            return kept
        else:
            log.warning("renewal: the kept copy of row %s is not what was uploaded; not used", record.id)
    if source is None:
        raise _nothing_left(record)
    state = stale_state(record)
    if state is None:  # nothing recorded about the source: only the very bytes uploaded will do
        if record.sha256 is not None and _hash(source, cancel) == record.sha256:
            return source
        raise _nothing_left(record)
    if state is SourceState.MISSING:
        raise _nothing_left(record)
    if state is SourceState.CHANGED:
        raise _changed(record)
    if kept is None or kept == source:
        return source
    again = _recreate_kept(record, source, kept, cache_dir, cancel)
    store.set_kept_path(record.id, str(again.absolute()))
    return again


def renew(
    files: FileService,
    store: Store,
    record_id: int,
    *,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> FileRecord:
    """Upload the kept copy afresh into the same catalog row (fresh expiry) and delete the old remote file."""
    record = _get(store, record_id)
    path = _renewal_copy(store, record, cache_dir, cancel)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return files.replace(
        record_id,
        path,
        filename=record.filename,
        mime_type=record.mime_type,
        progress=progress,
        cancel=cancel,
    )


# ---------------------------------------------------------------- stale copies


def discard_kept_copy(store: Store, record_id: int) -> bool:
    """Remove a row's converted copy from the cache (text and its notes, a decrypted PDF, a PDF part) once
    no other catalog row keeps it, e.g. after the file was deleted in Clean up. The source itself is never
    touched. True if something was removed. Afterwards the row can be renewed only from its source."""
    record = store.get_file(record_id)
    if record is None:
        return False
    return _forget_kept(store, record, keep=None)


def _forget_kept(store: Store, old: FileRecord, keep: Path | None) -> bool:
    if old.kept_path is None or old.kept_path == old.local_path:
        return False
    kept = Path(old.kept_path)
    if keep is not None and kept == keep.absolute():
        return False
    if any(r.kept_path == old.kept_path and r.id != old.id for r in store.list_files()):
        return False
    removed = False
    for path in (kept, kept.with_suffix(".json")) if _parts_size(old) is None else (kept,):
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
    record = _get(store, record_id)
    if record.local_path is None:
        raise ApiFailure(
            FailureKind.LOCAL, f"“{_name(record)}” has no file on this computer to upload again."
        )
    if _parts_size(record) is not None:
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{_name(record)}” was uploaded in parts. Add the file again to split and upload its new "
            "version, then remove the old parts.",
        )
    state = stale_state(record)
    if state is SourceState.UNCHANGED:
        return record
    source = Path(record.local_path)
    if state is SourceState.MISSING:
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{_name(record)}” is no longer at {source}. Add it again from where it is now.",
        )
    try:
        doc = prepare(
            source, cache_dir=cache_dir, max_pdf_pages=max_pdf_pages, should_stop=_should_stop(cancel)
        )
    except DocumentError as exc:
        raise _document_failure(exc) from None
    extra: tuple[str, ...] = ()
    if doc.needs_split is not None:
        extra = (
            f"“{doc.original_name}” now has {doc.page_count} pages, more than one request takes "
            f"({doc.needs_split.pages_per_part}), so questions about it may fail. Add it again to split "
            "it into parts.",
        )
    if cancel is not None:
        cancel.raise_if_cancelled()
    files.replace(
        record_id,
        doc.upload_path,
        filename=doc.upload_name,
        mime_type=doc.mime_type,
        progress=progress,
        cancel=cancel,
    )
    refreshed = _record_source(
        store,
        record_id,
        doc,
        doc.upload_path,
        original_name=doc.original_name if doc.renamed else None,
        extra_warnings=extra,
        identity=True,
    )
    _forget_kept(store, record, doc.upload_path)
    return refreshed


# ---------------------------------------------------------------- gone files


def replace_attachment(store: Store, conversation_id: int, old_row_id: int, new_row_id: int) -> Conversation:
    """Attach ``new_row_id`` in the place of ``old_row_id`` (its history stays as it is)."""
    new = store.get_file(new_row_id)
    if new is None or not new.is_active:
        raise ApiFailure(
            FailureKind.LOCAL, "That file is not on the server any more; pick or upload another one."
        )
    store.replace_conversation_file(conversation_id, old_row_id, new_row_id)
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise ApiFailure(FailureKind.LOCAL, "This conversation no longer exists.")
    return conversation
