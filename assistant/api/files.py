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

import hashlib
import io
import logging
import mimetypes
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind, to_failure
from assistant.catalog import FileOrigin, FileRecord, FileState, NewFile, RemoteUpdate, Store

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

CHUNK = 1024 * 1024
PROGRESS_STEP = 1024 * 1024
MAX_FILE_BYTES = 500 * 1024 * 1024
# An active upload this close to expiry is not reused: upload afresh instead.
REUSE_MARGIN = timedelta(hours=1)

_TEXT_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".csv", ".tsv", ".json", ".jsonl", ".xml", ".yaml", ".yml", ".log", ".ini",
     ".toml", ".cfg", ".py", ".js", ".ts", ".java", ".c", ".h", ".cpp", ".hpp", ".cs", ".go", ".rs", ".rb",
     ".php", ".sh", ".sql", ".html", ".htm", ".css", ".rst", ".tex"}
)
_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                ".webp": "image/webp"}


def guess_mime_type(path: Path | str) -> str:
    """The type to upload as: PDF, the four image types, text/plain for text-like files."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return "application/pdf"
    if suffix in _IMAGE_TYPES:
        return _IMAGE_TYPES[suffix]
    if suffix in _TEXT_SUFFIXES:
        return "text/plain"
    guessed, _ = mimetypes.guess_type(str(path))
    return guessed or "application/octet-stream"


def sha256_file(path: Path | str, cancel: CancelToken | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if cancel is not None:
                cancel.raise_if_cancelled()
            digest.update(chunk)
    return digest.hexdigest()


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RemoteFile:
    file_id: str
    filename: str
    mime_type: str
    size_bytes: int
    created_at: datetime
    expires_at: datetime | None
    downloadable: bool

    @classmethod
    def from_api(cls, obj: Any) -> RemoteFile:
        get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
        return cls(
            file_id=str(get("id")),
            filename=str(get("filename") or ""),
            mime_type=str(get("mime_type") or "application/octet-stream"),
            size_bytes=int(get("size_bytes") or 0),
            created_at=_parse_time(get("created_at")) or datetime.now(UTC),
            expires_at=_parse_time(get("expires_at")),
            downloadable=bool(get("downloadable", False)),
        )


@dataclass(frozen=True)
class UploadProgress:
    sent: int
    total: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.sent / self.total)


@dataclass(frozen=True)
class UploadResult:
    record: FileRecord
    reused: bool


@dataclass(frozen=True)
class ReconcileReport:
    adopted: tuple[FileRecord, ...]
    missing: tuple[int, ...]
    expired: tuple[int, ...]
    reactivated: tuple[int, ...]
    remote_count: int


@dataclass(frozen=True)
class DeleteOutcome:
    record_id: int
    file_id: str
    already_gone: bool = False
    failure: ApiFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@cache
def _upload_cancelled_type() -> type[Exception]:
    import anthropic

    class UploadCancelled(anthropic.AnthropicError, Cancelled):
        """Raised from inside the request body: an SDK error type, so the SDK neither wraps nor retries it."""

    return UploadCancelled


class _ProgressReader(io.RawIOBase):
    """A read-only view of an open file that reports bytes read and stops when cancelled.

    httpx2 reads the multipart body from it in 64 KiB chunks (the file is never whole in memory) and
    seeks to 0 before each attempt, so a retry by the SDK restarts the count.
    """

    def __init__(
        self,
        fh: io.BufferedReader,
        total: int,
        progress: Callable[[UploadProgress], object] | None,
        cancel: CancelToken | None,
    ) -> None:
        super().__init__()
        self._fh = fh
        self._total = total
        self._progress = progress
        self._cancel = cancel
        self._sent = 0
        self._reported = -1

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fh.fileno()

    def tell(self) -> int:
        return self._fh.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._fh.seek(offset, whence)
        if whence == os.SEEK_SET:
            self._sent = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._cancel is not None and self._cancel.is_cancelled():
            raise _upload_cancelled_type()("upload cancelled")
        count = self._fh.readinto(buffer)
        self._sent += count
        self._report(final=count == 0)
        return count

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_cancelled():
            raise _upload_cancelled_type()("upload cancelled")
        data = self._fh.read(size)
        self._sent += len(data)
        self._report(final=not data)
        return data

    def _report(self, *, final: bool) -> None:
        if self._progress is None:
            return
        due = final or self._sent - self._reported >= PROGRESS_STEP or self._sent >= self._total
        if due and self._sent != self._reported:
            self._reported = self._sent
            self._progress(UploadProgress(self._sent, self._total))


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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ApiFailure(
                FailureKind.FILE_TOO_LARGE,
                f"{path.name} is {size / 1024 / 1024:.0f} MB; the API takes files up to 500 MB. "
                "Split or compress it, then upload again.",
            )
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
        from anthropic import omit

        retention = self._retention_seconds()
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            with open(path, "rb") as fh, _ProgressReader(fh, size, progress, cancel) as body:
                meta = self._client.files.upload(
                    file=(filename, cast(IO[bytes], body), mime_type),
                    expires_in_seconds=retention if retention is not None else omit,
                )
        except Cancelled:
            raise
        except ApiFailure:
            raise
        except Exception as exc:
            failure = to_failure(exc)
            if failure.kind is FailureKind.CANCELLED:
                raise Cancelled("upload cancelled") from None
            raise failure from None
        return RemoteFile.from_api(meta)

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
        now = now or self._clock()
        remote_count = len(remote)
        remaining = dict(remote)
        updates: list[RemoteUpdate] = []
        missing: list[int] = []
        expired: list[int] = []
        reactivated: list[int] = []
        for rec in self._store.list_files():
            found = remaining.pop(rec.file_id, None)
            if rec.state is FileState.DELETED:
                continue
            if found is None:
                expires = rec.expires_at
                state = FileState.EXPIRED if expires is not None and expires <= now else FileState.MISSING
            else:
                expires = found.expires_at
                state = FileState.EXPIRED if expires is not None and expires <= now else FileState.ACTIVE
            if state is not rec.state or expires != rec.expires_at:
                updates.append(RemoteUpdate(rec.id, state, expires))
                if state is not rec.state:
                    {FileState.MISSING: missing, FileState.EXPIRED: expired, FileState.ACTIVE: reactivated}[
                        state
                    ].append(rec.id)
        def state_of(f: RemoteFile) -> FileState:
            return FileState.EXPIRED if f.expires_at is not None and f.expires_at <= now else FileState.ACTIVE

        new = [
            NewFile(
                file_id=f.file_id,
                filename=f.filename,
                mime_type=f.mime_type,
                size_bytes=f.size_bytes,
                uploaded_at=f.created_at,
                expires_at=f.expires_at,
                state=state_of(f),
                origin=FileOrigin.ADOPTED,
            )
            for f in remaining.values()
        ]
        adopted = self._store.apply_remote(updates, new)
        return ReconcileReport(
            tuple(adopted), tuple(missing), tuple(expired), tuple(reactivated), remote_count
        )

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
