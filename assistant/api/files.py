"""Files API service: upload (streamed from disk, with progress and cancel), dedupe, list, reconcile, delete.

Plain Python, blocking: run it in a worker (``bridge.TaskRunner``). The client comes in through the
constructor (built by ``client.make_client``); the catalog is ``store.Store``.

Public API::

    RemoteFile       file_id, filename, mime_type, size_bytes, created_at, expires_at (None = never),
                     downloadable; RemoteFile.from_api(obj)
    UploadProgress   sent, total  (bytes of the file body sent so far; restarts at 0 if it is sent again)
    UploadResult     record (FileRecord), reused (True: same content already active, nothing sent)
    ReconcileReport  adopted (FileRecord rows found remotely, origin=adopted), missing, expired,
                     reactivated (catalog row ids), remote_count, recovered (this app's own uploads
                     whose answer was lost, found again)
    DeleteOutcome    record_id, file_id, already_gone (404 counts as deleted), failure (ApiFailure|None)

    files = FileService(client, store, retention_seconds=30 * 86400)  # or a callable returning it
    files.upload(path, *, filename=None, mime_type=None, local_path=None,
                 progress=None, cancel=None) -> UploadResult
        # sha256 first (streamed, cancellable); an active row this app uploaded (not adopted, not a
        # leftover) with the same hash is returned
        # instead of uploading again (a concurrent upload of the same bytes is waited for, then
        # reused); else a multipart upload read from disk in 64 KiB chunks with
        # expires_in_seconds from the retention; progress(UploadProgress) at most every 1 MiB and at
        # the end; cancel (CancelToken) aborts mid-body and closes the connection -> raises Cancelled
        # the upload is recorded as pending first and sent without the SDK's retry: after an unclear
        # failure the server's list is searched for it before it is sent again (files_pending); tried
        # again while an earlier attempt is still pending (its file could not be looked for), that
        # attempt's file is looked for first and taken (or, unlistable, fails and sends nothing); a
        # source that changes while it is sent (size, time, the hash of the bytes that went out)
        # fails with "changed while it was being sent" and nothing is kept; an answer with a file id
        # another row holds fails (FailureKind.SERVER), never a raw sqlite3 error
    files.replace(record_id, path, ...) -> FileRecord   # renewal / stale copy: new upload, same row,
                                                        # conversations keep it; the old file deleted;
        # when that delete fails, the old file is recorded as left over by this app (leftover_of,
        # Clean up offers it) and the returned record's warnings end with a note that says so
    files.iter_remote(page_size=1000) -> Iterator[RemoteFile]   # every page
    files.reconcile(now=None) -> ReconcileReport
        # judges only rows not written since its listing began and not at work (replace and delete
        # of one row run one at a time, and the row is busy meanwhile); pending uploads found are
        # this app's own (report.recovered)
    files.recover_pending() -> ReconcileReport          # at start: uploads a crash cut short
    files.delete(record_id) -> DeleteOutcome            # raises ApiFailure on other errors
    files.delete_many(record_ids, cancel=None) -> Iterator[DeleteOutcome]   # never raises per file
    sha256_file(path, cancel=None) -> str;  guess_mime_type(path) -> str
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.api.errors import ApiFailure, CancelToken, to_failure
from assistant.api.files_guards import RowGuards
from assistant.api.files_pending import (
    duplicate_failure,
    find_pending,
    retire,
    send_checked,
)
from assistant.api.files_reconcile import ReconcileReport, apply_remote_list
from assistant.api.files_remote import DeleteOutcome, RemoteFile
from assistant.api.files_upload import (
    UploadProgress,
    UploadResult,
    check_size,
    file_stamp,
    guess_mime_type,
    sha256_file,
)
from assistant.catalog import FileRecord, FileState, Store
from assistant.catalog.file_sync import DuplicateFileId
from assistant.catalog.records import PendingUpload

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


class FileService(RowGuards):
    def __init__(
        self,
        client: anthropic.Anthropic,
        store: Store,
        *,
        retention_seconds: int | Callable[[], int | None] | None = 30 * 86_400,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(client, store, clock or (lambda: datetime.now(UTC)))
        self._retention = retention_seconds
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
        stamp = file_stamp(path)
        digest = sha256_file(path, cancel)
        args = (path, digest, stamp[0], filename, mime_type, local_path, progress, cancel, stamp)
        if not dedupe:
            return UploadResult(self._upload_new(*args), reused=False)
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
            record = self._upload_new(*args)
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
        stamp: tuple[int, int],
    ) -> FileRecord:
        name = filename or path.name
        local = local_path if local_path is not None else str(path.resolve())
        mime = mime_type or guess_mime_type(path)
        with self._same_name(name, size):
            with self._earlier(name, size, digest, None, progress) as earlier:
                if earlier is not None:  # stored before its answer was lost: taken, not sent again
                    return self._record_new(*earlier, name, size)
            recorded = self._reusable(digest)  # a refresh took the earlier attempt's file meanwhile
            if recorded is not None:
                if progress is not None:
                    progress(UploadProgress(size, size))
                return recorded
            with self._pending(name, size, digest, mime=mime, local=local, row_id=None) as pending:
                remote = send_checked(
                    self._client,
                    self._store,
                    pending,
                    path,
                    stamp,
                    self._retention_seconds(),
                    progress,
                    cancel,
                )
                return self._record_new(pending, remote, name, size)

    def _record_new(self, pending: PendingUpload, remote: RemoteFile, name: str, size: int) -> FileRecord:
        try:
            return self._store.record_upload(
                pending,
                file_id=remote.file_id,
                filename=remote.filename or name,
                mime_type=remote.mime_type,
                size_bytes=remote.size_bytes or size,
                uploaded_at=remote.created_at,
                expires_at=remote.expires_at,
            )
        except DuplicateFileId as dup:
            raise duplicate_failure(name, dup) from None

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
        """Upload ``path`` afresh for an existing row (renewal, stale copy); delete the old remote file.

        When that delete fails, the old file is recorded as this app's leftover (Clean up offers it)
        and the record returned carries a warning that says so (the catalog's row does not keep it)."""
        with self._operating(record_id):
            old = self._store.get_file(record_id)
            if old is None:
                raise KeyError(record_id)
            path = Path(path)
            stamp = file_stamp(path)
            digest = sha256_file(path, cancel)
            name = filename or old.filename
            mime = mime_type or old.mime_type
            with self._same_name(name, stamp[0]):
                with self._earlier(name, stamp[0], digest, record_id, progress) as earlier:
                    if earlier is not None:  # an earlier renewal's file, stored before its answer was lost
                        record = self._swap_in(record_id, *earlier, name, stamp[0], digest)
                if earlier is None:
                    with self._pending(
                        name, stamp[0], digest, mime=mime, local=old.local_path, row_id=record_id
                    ) as pending:
                        retention = self._retention_seconds()
                        remote = send_checked(
                            self._client, self._store, pending, path, stamp, retention, progress, cancel
                        )
                        record = self._swap_in(record_id, pending, remote, name, stamp[0], digest)
            if old.file_id == record.file_id:
                return record
            note = retire(self._client, self._store, old)
            return record if note is None else replace(record, warnings=(*record.warnings, note))

    def _swap_in(  # noqa: PLR0917
        self, record_id: int, pending: PendingUpload, remote: RemoteFile, name: str, size: int, digest: str
    ) -> FileRecord:
        try:
            return self._store.replace_file_id(
                record_id,
                file_id=remote.file_id,
                uploaded_at=remote.created_at,
                expires_at=remote.expires_at,
                size_bytes=remote.size_bytes or size,
                sha256=digest,
                pending=pending,
            )
        except DuplicateFileId as dup:
            raise duplicate_failure(name, dup) from None

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
        since, stale = self._before_listing()
        remote = {f.file_id: f for f in self.iter_remote()}
        return self.apply_remote_list(remote, now, since=since, stale=stale)

    def _before_listing(self) -> tuple[int, set[int]]:
        """The change clock (rows written after it are not judged by the listing about to begin) and
        the pending uploads no longer being sent (a file they stored is in that listing)."""
        with self._sync_lock:
            since = self._store.files_clock()
            stale = {p.id for p in self._store.pending_uploads()} - self._inflight_pending
        return since, stale

    def apply_remote_list(
        self,
        remote: dict[str, RemoteFile],
        now: datetime | None = None,
        *,
        since: int | None = None,
        stale: set[int] | None = None,
    ) -> ReconcileReport:
        """The catalog half of ``reconcile`` (pure database work, no network). Rows an operation is at
        work on are not judged, nor (with ``since``) rows written after the listing began; pending
        uploads in ``stale`` that the listing does not hold end."""
        with self._sync_lock:  # no operation starts or ends in the middle of it
            return apply_remote_list(
                self._store,
                remote,
                now or self._clock(),
                since=since,
                busy=set(self._busy),
                inflight=set(self._inflight_pending),
                stale=stale or set(),
            )

    def recover_pending(self) -> ReconcileReport:
        """At start: uploads a crash left pending are looked for on the server; found, they are this
        app's own (``recovered``), else they end. Raises ApiFailure when the server cannot be listed."""
        _, stale = self._before_listing()
        found = find_pending(self._client, self._store)
        with self._sync_lock:
            applied = self._store.apply_reconcile(
                [],
                [f.as_new_file(self._clock()) for f in found],
                inflight=set(self._inflight_pending),
                stale=stale,
            )
        return ReconcileReport(applied.adopted, (), (), (), len(found), applied.recovered)

    # --------------------------------------------------------------- delete

    def delete(self, record_id: int) -> DeleteOutcome:
        with self._operating(record_id):  # after a renewal of the row: its new file is the one deleted
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
