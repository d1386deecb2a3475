"""What the parts of ``lifecycle`` share: finding a row, reading a file safely, recording a source.

``get_record`` (ApiFailure(LOCAL) when the row is gone), ``display_name`` (the name the user knows),
``is_file`` / ``hash_or_none`` (never raise for an unreadable path), ``should_stop`` (a CancelToken as
``documents.prepare`` takes it), ``document_failure`` (DocumentError as ApiFailure or Cancelled),
``record_source`` (a prepared document's source info into a row) and ``parts_size`` (pages per part when
a row's kept copy is one part of a split PDF). Plain Python, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind
from assistant.api.files import UploadProgress, sha256_file
from assistant.catalog import FileRecord, Store
from assistant.documents import DocumentError, DocumentErrorKind, PreparedDocument

__all__ = [
    "Progress",
    "display_name",
    "document_failure",
    "get_record",
    "hash_or_none",
    "is_file",
    "parts_size",
    "record_source",
    "should_stop",
]

Progress = Callable[[UploadProgress], object]

# split_pdf keeps parts in "<sha256>-parts-<pages per part>/" inside the cache dir.
_PARTS_FOLDER = re.compile(r"[0-9a-f]{64}-parts-(\d+)")


def display_name(record: FileRecord) -> str:
    return record.original_name or record.filename


def get_record(store: Store, record_id: int) -> FileRecord:
    record = store.get_file(record_id)
    if record is None:
        raise ApiFailure(FailureKind.LOCAL, "That file is no longer in the catalog.")
    return record


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def hash_or_none(path: Path, cancel: CancelToken | None) -> str | None:
    """SHA-256 of a file, or None when it cannot be read (gone, a folder, no permission)."""
    if not is_file(path):
        return None
    try:
        return sha256_file(path, cancel)
    except OSError:
        return None


def should_stop(cancel: CancelToken | None) -> Callable[[], bool] | None:
    return None if cancel is None else cancel.is_cancelled


def document_failure(exc: DocumentError) -> Exception:
    if exc.kind is DocumentErrorKind.CANCELLED:
        return Cancelled("cancelled")
    return ApiFailure(FailureKind.LOCAL, exc.message)


def record_source(
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
        source_kind=doc.source_kind,
        page_starts=doc.page_starts,
    )


def parts_size(record: FileRecord) -> int | None:
    """Pages per part when the kept copy is one part of a split PDF, else None."""
    if record.kept_path is None:
        return None
    match = _PARTS_FOLDER.fullmatch(Path(record.kept_path).parent.name)
    return int(match.group(1)) if match else None
