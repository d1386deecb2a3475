"""Work the UI runs in a worker for a batch item that is not a plain upload (issue 12). No Qt."""

from __future__ import annotations

from pathlib import Path

from assistant.api.errors import ApiFailure, CancelToken
from assistant.api.files import FileService
from assistant.api.lifecycle_stale import refresh_stale
from assistant.catalog import FileRecord, Store
from assistant.folders.engine import FolderSync
from assistant.folders.model import ChangedItem

__all__ = ["reupload_changed"]


def reupload_changed(
    files: FileService,
    store: Store,
    sync: FolderSync,
    item: ChangedItem,
    cache_dir: Path,
    *,
    cancel: CancelToken | None = None,
) -> FileRecord:
    """Re-upload a changed file into its row (``lifecycle_stale.refresh_stale`` → ``swap_prepared``: a
    new file id, the old remote file deleted, every conversation using the row keeps working) and mark
    it synced; on failure it is marked failed (why) and the ApiFailure raised. Blocking."""
    try:
        record = refresh_stale(files, store, item.row_id, cache_dir, cancel=cancel)
    except ApiFailure as exc:
        sync.upload_failed(item.path, exc.message, exc.permanent)
        raise
    sync.uploaded(item.path, record)
    return record
