"""Files API service: upload (streamed from disk, with progress and cancel), dedupe, list, reconcile, delete.

Plain Python, blocking: run it in a worker (``bridge.TaskRunner``). The client comes in through the
constructor (built by ``client.make_client``); the catalog is ``store.Store``.

Public API::

    RemoteFile       file_id, filename, mime_type, size_bytes, created_at, expires_at (None = never),
                     downloadable; RemoteFile.from_api(obj)
    UploadProgress   sent, total  (bytes of the file body sent so far; restarts at 0 if the SDK retries)
    UploadResult     record (FileRecord), reused (True: same content already active, nothing sent)
    ReconcileReport  adopted (FileRecord rows found remotely, origin=adopted), missing, expired,
                     reactivated (catalog row ids), remote_count
    DeleteOutcome    record_id, file_id, already_gone (404 counts as deleted), failure (ApiFailure|None)

    files = FileService(client, store, retention_seconds=30 * 86400)  # or a callable returning it
    files.upload(path, *, filename=None, mime_type=None, local_path=None,
                 progress=None, cancel=None) -> UploadResult
        # sha256 first (streamed, cancellable); an active catalog row with the same hash is returned
        # instead of uploading again (a concurrent upload of the same bytes is waited for, then
        # reused); else a multipart upload read from disk in 64 KiB chunks with
        # expires_in_seconds from the retention; progress(UploadProgress) at most every 1 MiB and at
        # the end; cancel (CancelToken) aborts mid-body and closes the connection -> raises Cancelled
    files.replace(record_id, path, ...) -> FileRecord   # renewal / stale copy: new upload, same row,
                                                        # conversations keep it; the old file deleted
    files.iter_remote(page_size=1000) -> Iterator[RemoteFile]   # every page
    files.reconcile(now=None) -> ReconcileReport
    files.delete(record_id) -> DeleteOutcome            # raises ApiFailure on other errors
    files.delete_many(record_ids, cancel=None) -> Iterator[DeleteOutcome]   # never raises per file
    sha256_file(path, cancel=None) -> str;  guess_mime_type(path) -> str
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.api.errors import ApiFailure, CancelToken, to_failure
from assistant.api.files_reconcile import ReconcileReport, apply_remote_list
from assistant.api.files_remote import RemoteFile
from assistant.api.files_upload import (
    UploadProgress,
    UploadResult,
    check_size,
    guess_mime_type,
    send_file,
    sha256_file,
)
from assistant.catalog import FileRecord, FileState, Store

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "DeleteOutcome",
    "FileService",
    "ReconcileReport",
    "RemoteFile",
    "UploadProgress",
    "UploadResult",
    "guess_mime_type",
    "sha256_file",
]

log = logging.getLogger(__name__)

# An active upload this close to expiry is not reused: upload afresh instead.
REUSE_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class DeleteOutcome:
    record_id: int
    file_id: str
    already_gone: bool = False
    failure: ApiFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class FileService:
    def __init__(
        self,
        client: anthropic.Anthropic,
        store: Store,
        *,
        retention_seconds: int | Callable[[], int | None] | None = 30 * 86_400,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._retention = retention_seconds
        self._clock = clock or (lambda: datetime.now(UTC))
        self._inflight_lock = threading.Lock()
        self._inflight: dict[str, threading.Event] = {}

    def _retention_seconds(self) -> int | None:
        value = self._retention() if callable(self._retention) else self._retention
        return value

    # --------------------------------------------------------------- upload

    def upload(
        self,
        path: Path | str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        local_path: str | None = None,
        progress: Callable[[UploadProgress], object] | None = None,
        cancel: CancelToken | None = None,
        dedupe: bool = True,
    ) -> UploadResult:
        path = Path(path)
        size = check_size(path)
        digest = sha256_file(path, cancel)
        if not dedupe:
            record = self._upload_new(path, digest, size, filename, mime_type, local_path, progress, cancel)
            return UploadResult(record, reused=False)
        # One upload per content at a time: a second upload of the same bytes (the same file dropped
        # twice, or a copy) waits for the first and then reuses its result.
        while True:
            with self._inflight_lock:
                existing = self._reusable(digest)
                running = None if existing is not None else self._inflight.get(digest)
                if existing is None and running is None:
                    done = threading.Event()
                    self._inflight[digest] = done
                    break
            if existing is not None:
                if progress is not None:
                    progress(UploadProgress(size, size))
                return UploadResult(existing, reused=True)
            assert running is not None
            while not running.wait(0.05):
                if cancel is not None:
                    cancel.raise_if_cancelled()
        try:
            record = self._upload_new(path, digest, size, filename, mime_type, local_path, progress, cancel)
        finally:
            with self._inflight_lock:
                del self._inflight[digest]
            done.set()
        return UploadResult(record, reused=False)

    def _reusable(self, digest: str) -> FileRecord | None:
        existing = self._store.find_active_by_sha256(digest)
        if existing is None:
            return None
        left = existing.expires_in(self._clock())
        return existing if left is None or left > REUSE_MARGIN else None

    def _upload_new(  # noqa: PLR0917
        self,
        path: Path,
        digest: str,
        size: int,
        filename: str | None,
        mime_type: str | None,
        local_path: str | None,
        progress: Callable[[UploadProgress], object] | None,
        cancel: CancelToken | None,
    ) -> FileRecord:
        remote = self._send(
            path,
            filename or path.name,
            mime_type or guess_mime_type(path),
            size=size,
            progress=progress,
            cancel=cancel,
        )
        return self._store.add_file(
            file_id=remote.file_id,
            filename=remote.filename or filename or path.name,
            mime_type=remote.mime_type,
            size_bytes=remote.size_bytes or size,
            sha256=digest,
            local_path=local_path if local_path is not None else str(path.resolve()),
            uploaded_at=remote.created_at,
            expires_at=remote.expires_at,
        )

    def _send(
        self,
        path: Path,
        filename: str,
        mime_type: str,
        *,
        size: int,
        progress: Callable[[UploadProgress], object] | None,
        cancel: CancelToken | None,
    ) -> RemoteFile:
        retention = self._retention_seconds()
        return send_file(
            self._client,
            path,
            filename,
            mime_type,
            size=size,
            retention=retention,
            progress=progress,
            cancel=cancel,
        )

    def replace(
        self,
        record_id: int,
        path: Path | str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        progress: Callable[[UploadProgress], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> FileRecord:
        """Upload ``path`` afresh for an existing row (renewal, stale copy); delete the old remote file."""
        old = self._store.get_file(record_id)
        if old is None:
            raise KeyError(record_id)
        path = Path(path)
        size = path.stat().st_size
        digest = sha256_file(path, cancel)
        remote = self._send(
            path,
            filename or old.filename,
            mime_type or old.mime_type,
            size=size,
            progress=progress,
            cancel=cancel,
        )
        record = self._store.replace_file_id(
            record_id,
            file_id=remote.file_id,
            uploaded_at=remote.created_at,
            expires_at=remote.expires_at,
            size_bytes=remote.size_bytes or size,
            sha256=digest,
        )
        try:
            self._client.files.delete(old.file_id)
        except Exception as exc:
            failure = to_failure(exc)
            if failure.status != 404:
                log.warning("renewal: the old file %s was not deleted: %s", old.file_id, failure)
        return record

    # --------------------------------------------------------------- list

    def iter_remote(self, page_size: int = 1000) -> Iterator[RemoteFile]:
        try:
            page = self._client.files.list(limit=page_size)
            for item in page:  # the SDK fetches the next page (``next_page``) when one is done
                yield RemoteFile.from_api(item)
        except Exception as exc:
            raise to_failure(exc) from None

    def list_remote(self, page_size: int = 1000) -> list[RemoteFile]:
        return list(self.iter_remote(page_size))

    # --------------------------------------------------------------- reconcile

    def reconcile(self, now: datetime | None = None) -> ReconcileReport:
        remote = {f.file_id: f for f in self.iter_remote()}
        return self.apply_remote_list(remote, now)

    def apply_remote_list(
        self, remote: dict[str, RemoteFile], now: datetime | None = None
    ) -> ReconcileReport:
        """The catalog half of ``reconcile`` (pure database work, no network)."""
        return apply_remote_list(self._store, remote, now or self._clock())

    # --------------------------------------------------------------- delete

    def delete(self, record_id: int) -> DeleteOutcome:
        record = self._store.get_file(record_id)
        if record is None:
            raise KeyError(record_id)
        already_gone = False
        try:
            self._client.files.delete(record.file_id)
        except Exception as exc:
            failure = to_failure(exc)
            if failure.status != 404:
                raise failure from None
            already_gone = True
        self._store.set_file_state(record_id, FileState.DELETED)
        return DeleteOutcome(record_id, record.file_id, already_gone=already_gone)

    def delete_many(
        self, record_ids: Iterable[int], cancel: CancelToken | None = None
    ) -> Iterator[DeleteOutcome]:
        for record_id in record_ids:
            if cancel is not None and cancel.is_cancelled():
                return
            record = self._store.get_file(record_id)
            if record is None:
                continue
            try:
                yield self.delete(record_id)
            except ApiFailure as failure:
                yield DeleteOutcome(record_id, record.file_id, failure=failure)
