"""Renewal: upload exactly the bytes uploaded before into the same row, with a fresh expiry.

``renew`` and ``SourceChanged``: see ``assistant.api.lifecycle`` for the contract. Blocking (hashing,
converting, uploading): run in a worker. No Qt.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService
from assistant.api.lifecycle_common import (
    Progress,
    display_name,
    document_failure,
    get_record,
    hash_or_none,
    is_file,
    parts_size,
    should_stop,
)
from assistant.api.lifecycle_stale import stale_state
from assistant.catalog import FileRecord, Store
from assistant.catalog.identity import sent_as_text
from assistant.catalog.rules import can_renew
from assistant.documents import DocumentError, SourceState, prepare, split_pdf

__all__ = ["SourceChanged", "renew"]

log = logging.getLogger("assistant.api.lifecycle")


class SourceChanged(ApiFailure):
    """Renewal would upload different content: the only copy left has changed since it was uploaded."""


def _changed(record: FileRecord) -> SourceChanged:
    return SourceChanged(
        FailureKind.LOCAL,
        f"“{display_name(record)}” has changed since it was uploaded, and the uploaded version is not kept, "
        "so it cannot be renewed as it was. Re-upload it to send the current version instead.",
    )


def _nothing_left(record: FileRecord) -> ApiFailure:
    where = f" from {record.local_path}" if record.local_path else ""
    return ApiFailure(
        FailureKind.LOCAL,
        f"“{display_name(record)}” cannot be renewed: the copy kept when it was uploaded is gone, and so is "
        f"the original{where}. Add the file again to upload it afresh.",
    )


def _recreate_kept(
    record: FileRecord, source: Path, kept: Path, cache_dir: Path | None, cancel: CancelToken | None
) -> Path:
    """The kept copy again, from an unchanged source: converted text, a decrypted PDF or a PDF part."""
    per_part = parts_size(record)
    try:
        if per_part is not None:
            for part in split_pdf(source, cache_dir or kept.parent.parent, per_part):
                if part.name == kept.name:
                    return part
            raise _nothing_left(record)
        return prepare(
            source,
            cache_dir=cache_dir or kept.parent,
            should_stop=should_stop(cancel),
            pdf_as_text=sent_as_text(record),  # a PDF sent as text is renewed as its text
        ).upload_path
    except DocumentError as exc:
        raise document_failure(exc) from None


def _renewal_copy(
    store: Store, record: FileRecord, cache_dir: Path | None, cancel: CancelToken | None
) -> Path:
    """The file to upload for a renewal: exactly the bytes uploaded before (or the unchanged source's)."""
    if not can_renew(record):
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{display_name(record)}” was not uploaded by this app, so there is no copy here to renew it "
            "from.",
        )
    kept = Path(record.kept_path) if record.kept_path else None
    source = Path(record.local_path) if record.local_path else None
    if kept is not None and is_file(kept):
        if kept == source:
            state = stale_state(record)  # size and time first; hashes only when the time changed
            if state is SourceState.UNCHANGED:
                return kept
            if state is SourceState.CHANGED:
                raise _changed(record)
        elif record.sha256 is None or hash_or_none(kept, cancel) == record.sha256:
            return kept
        else:
            log.warning("renewal: the kept copy of row %s is not what was uploaded; not used", record.id)
    if source is None:
        raise _nothing_left(record)
    state = stale_state(record)
    if state is None:  # nothing recorded about the source: only the very bytes uploaded will do
        if record.sha256 is not None and hash_or_none(source, cancel) == record.sha256:
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
    record = get_record(store, record_id)
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
