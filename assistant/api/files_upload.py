"""Uploading one file's bytes: streamed from disk in chunks, with progress and cancel; its hash and type.

``send_file(client, path, filename, mime_type, size=, retention=, progress=, cancel=) -> Sent`` does
the multipart request (the remote file and the SHA-256 of the bytes actually sent, hashed as they went
out); a source that shrinks mid-send stops it (``ApiFailure`` LOCAL, ``changed_while_sending``).
``FileService`` (``files.py``) decides what to send and records it.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind, to_failure
from assistant.api.files_remote import RemoteFile
from assistant.catalog import FileRecord

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "MAX_FILE_BYTES",
    "Sent",
    "UploadProgress",
    "UploadResult",
    "changed_while_sending",
    "check_size",
    "file_stamp",
    "guess_mime_type",
    "send_file",
    "sha256_file",
]

CHUNK = 1024 * 1024
PROGRESS_STEP = 1024 * 1024
MAX_FILE_BYTES = 500 * 1024 * 1024

# fmt: off
_TEXT_SUFFIXES = frozenset({
    ".txt", ".md", ".markdown", ".csv", ".tsv", ".json", ".jsonl", ".xml", ".yaml", ".yml", ".log", ".ini",
    ".toml", ".cfg", ".py", ".js", ".ts", ".java", ".c", ".h", ".cpp", ".hpp", ".cs", ".go", ".rs", ".rb",
    ".php", ".sh", ".sql", ".html", ".htm", ".css", ".rst", ".tex",
})
# fmt: on
_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


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


@dataclass(frozen=True)
class UploadProgress:
    sent: int
    total: int


@dataclass(frozen=True)
class UploadResult:
    record: FileRecord
    reused: bool


@dataclass(frozen=True)
class Sent:
    remote: RemoteFile
    sha256: str  # of the bytes that went out in the last attempt
    size: int


def file_stamp(path: Path) -> tuple[int, int]:
    """Size and modification time (ns): compared before and after an upload."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def changed_while_sending(name: str) -> ApiFailure:
    return ApiFailure(
        FailureKind.LOCAL,
        f"“{name}” changed while it was being sent, so what reached the server is not the file as it is "
        "now; nothing was kept. Try again once it has stopped changing.",
    )


@cache
def _source_changed_type() -> type[Exception]:
    import anthropic

    class SourceShrank(anthropic.AnthropicError):
        """Raised from inside the request body when the source ends early: an SDK error type, so the
        SDK neither wraps nor retries it."""

    return SourceShrank


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
        self.digest = hashlib.sha256()

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
            if position == 0:
                self.digest = hashlib.sha256()
        return position

    def readinto(self, buffer: Any) -> int:
        if self._cancel is not None and self._cancel.is_cancelled():
            raise _upload_cancelled_type()("upload cancelled")
        view = memoryview(buffer).cast("B")[: max(0, self._total - self._sent)]
        count = self._fh.readinto(view) or 0
        self._took(bytes(view[:count]))
        return count

    def _took(self, data: bytes) -> None:
        """Count and hash what goes out; never more than the size announced, never less."""
        if not data and self._sent < self._total:
            raise _source_changed_type()("the file ended before its announced size")
        self.digest.update(data)
        self._sent += len(data)
        self._report(final=not data)

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_cancelled():
            raise _upload_cancelled_type()("upload cancelled")
        left = max(0, self._total - self._sent)
        data = self._fh.read(left if size is None or size < 0 else min(size, left))
        self._took(data)
        return data

    def _report(self, *, final: bool) -> None:
        if self._progress is None:
            return
        due = final or self._sent - self._reported >= PROGRESS_STEP or self._sent >= self._total
        if due and self._sent != self._reported:
            self._reported = self._sent
            self._progress(UploadProgress(self._sent, self._total))


def check_size(path: Path) -> int:
    """The file's size; ApiFailure(FILE_TOO_LARGE) over the API's per-file limit."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ApiFailure(
            FailureKind.FILE_TOO_LARGE,
            f"{path.name} is {size / 1024 / 1024:.0f} MB; the API takes files up to 500 MB. "
            "Split or compress it, then upload again.",
        )
    return size


def send_file(
    client: anthropic.Anthropic,
    path: Path,
    filename: str,
    mime_type: str,
    *,
    size: int,
    retention: int | None,
    progress: Callable[[UploadProgress], object] | None,
    cancel: CancelToken | None,
) -> Sent:
    """Upload the file at ``path`` (read from disk as the body is sent); raises Cancelled or ApiFailure."""
    from anthropic import omit

    if cancel is not None:
        cancel.raise_if_cancelled()
    try:
        with open(path, "rb") as fh, _ProgressReader(fh, size, progress, cancel) as body:
            meta = client.files.upload(
                file=(filename, cast(IO[bytes], body), mime_type),
                expires_in_seconds=retention if retention is not None else omit,
            )
            digest = body.digest.hexdigest()
    except Cancelled:
        raise
    except ApiFailure:
        raise
    except Exception as exc:
        if isinstance(exc, _source_changed_type()) or isinstance(exc.__cause__, _source_changed_type()):
            raise changed_while_sending(filename) from None
        failure = to_failure(exc)
        if failure.kind is FailureKind.CANCELLED:
            raise Cancelled("upload cancelled") from None
        raise failure from None
    return Sent(RemoteFile.from_api(meta), digest, size)
