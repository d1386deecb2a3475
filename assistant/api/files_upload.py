"""Uploading one file's bytes: streamed from disk in chunks, with progress and cancel; its hash and type.

``send_file(client, path, filename, mime_type, size=, retention=, progress=, cancel=) -> RemoteFile``
does the multipart request; ``FileService`` (``files.py``) decides what to send and records it.
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
    "UploadProgress",
    "UploadResult",
    "check_size",
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
) -> RemoteFile:
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
