"""Uploaded files: bytes and metadata on disk in the data dir, so they survive a restart.

Layout: ``<data_dir>/files/<file_id>.bin`` (the bytes), ``<file_id>.json`` (the metadata),
``<data_dir>/tmp/`` (uploads in progress).
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import pathlib
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from assistant.sandbox.clock import Clock
from assistant.sandbox.errors import ApiError

MAX_FILE_SIZE = 500 * 1024 * 1024  # the API's 500 MB per file
STORAGE_QUOTA = 1024**4  # the API's 1 TB per organisation
MIN_EXPIRY = 3600
MAX_EXPIRY = 7_776_000
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_BAD_FILENAME_CHARS = set('<>:"|?*\\/') | {chr(c) for c in range(32)}
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


@dataclass(frozen=True)
class ResolvedFile:
    """What the server knows of an uploaded file."""

    file_id: str
    filename: str
    mime_type: str
    path: pathlib.Path  # the stored bytes on disk
    size_bytes: int


FileResolver = Callable[[str], ResolvedFile]
"""Raises ApiError(404, ..., error_code=None) for an unknown id, error_code="file_expired" if expired."""


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def sniff_mime(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def decide_mime(declared: str | None, filename: str, head: bytes) -> str:
    """The stored mime type: the bytes' signature, else the declared type, else the name's, else text."""
    sniffed = sniff_mime(head)
    if sniffed:
        return sniffed
    declared = (declared or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _ = mimetypes.guess_type(filename)
    if guessed:
        return guessed
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character may be cut at the end of the sniffed head
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return "text/plain"


def clean_filename(raw: str | None, mime_type: str) -> str:
    """Only the basename is kept; absent or empty -> "unnamed" + extension; bad names -> 400."""
    name = (raw or "").rsplit("/", 1)[-1]
    if not name:
        return "unnamed" + _EXTENSIONS.get(mime_type, "")
    if len(name) > 255:
        raise ApiError(400, "Invalid filename: it must be between 1 and 255 characters long.")
    if any(ch in _BAD_FILENAME_CHARS for ch in name):
        raise ApiError(
            400,
            'Invalid filename: it must not contain < > : " | ? * \\ / or control characters (U+0000-U+001F).',
        )
    return name


@dataclass
class StoredFile:
    id: str
    filename: str
    mime_type: str
    size_bytes: int
    created_at: float
    expires_at: float | None
    seq: int
    downloadable: bool = False

    def to_api(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": "file",
            "filename": self.filename,
            "mime_type": self.mime_type,
            "size_bytes": self.size_bytes,
            "created_at": rfc3339(self.created_at),
            "downloadable": self.downloadable,
            "expires_at": rfc3339(self.expires_at) if self.expires_at is not None else None,
        }


class FileStore:
    """Thread-safe store of uploaded files, persisted under `data_dir`."""

    def __init__(
        self,
        data_dir: pathlib.Path,
        clock: Clock,
        max_file_size: int = MAX_FILE_SIZE,
        storage_quota: int = STORAGE_QUOTA,
    ) -> None:
        self.dir = data_dir / "files"
        self.tmp_dir = data_dir / "tmp"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self.max_file_size = max_file_size
        self.storage_quota = storage_quota
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}
        self._seq = 0
        for leftover in self.tmp_dir.iterdir():  # uploads cut short by a previous stop
            leftover.unlink(missing_ok=True)
        for meta in self.dir.glob("*.json"):
            try:
                record = StoredFile(**json.loads(meta.read_text("utf-8")))
            except (ValueError, TypeError):
                continue
            if self.blob(record.id).exists():
                self._files[record.id] = record
                self._seq = max(self._seq, record.seq)
        for blob in self.dir.glob("*.bin"):  # bytes whose metadata never got written (a crash)
            if blob.stem not in self._files:
                blob.unlink(missing_ok=True)

    def blob(self, file_id: str) -> pathlib.Path:
        return self.dir / f"{file_id}.bin"

    @property
    def used_bytes(self) -> int:
        with self._lock:
            return sum(f.size_bytes for f in self._files.values())

    def quota_error(self) -> ApiError:
        return ApiError(
            400,
            "Your organization has exceeded its file storage quota; delete files to free space.",
            error_code="storage_quota_exceeded",
        )

    def new_upload(self) -> tuple[int, pathlib.Path]:
        fd, name = tempfile.mkstemp(dir=self.tmp_dir, suffix=".part")
        return fd, pathlib.Path(name)

    def add(  # noqa: PLR0917
        self,
        tmp: pathlib.Path,
        filename: str | None,
        declared_mime: str | None,
        size: int,
        head: bytes,
        expires_in_seconds: int | None,
    ) -> StoredFile:
        """Keep an upload written to `tmp` (moved into the store, or removed on refusal)."""
        try:
            if size > self.max_file_size:
                raise ApiError(413, f"File exceeds the maximum allowed size of {self.max_file_size} bytes.")
            mime = decide_mime(declared_mime, filename or "", head)
            name = clean_filename(filename, mime)
            now = self.clock.now()
            with self._lock:
                used = sum(f.size_bytes for f in self._files.values())
                if used + size > self.storage_quota:
                    raise self.quota_error()
                self._seq += 1
                record = StoredFile(
                    id=new_id("file_"),
                    filename=name,
                    mime_type=mime,
                    size_bytes=size,
                    created_at=now,
                    expires_at=now + expires_in_seconds if expires_in_seconds is not None else None,
                    seq=self._seq,
                )
                os.replace(tmp, self.blob(record.id))
                self._write_meta(record)
                self._files[record.id] = record
            return record
        finally:
            tmp.unlink(missing_ok=True)

    def _write_meta(self, record: StoredFile) -> None:
        path = self.dir / f"{record.id}.json"
        part = path.with_suffix(".json.part")
        part.write_text(json.dumps(asdict(record)), "utf-8")
        os.replace(part, path)

    def get(self, file_id: str) -> StoredFile:
        with self._lock:
            record = self._files.get(file_id)
        if record is None:
            raise ApiError(404, f"File not found: {file_id}")
        return record

    def newest_other(self, file_id: str) -> StoredFile | None:
        """The most recently stored file but ``file_id`` (for the ``reuse-id-upload`` fault)."""
        with self._lock:
            others = [r for r in self._files.values() if r.id != file_id]
        return max(others, key=lambda r: r.seq, default=None)

    def expired(self, record: StoredFile) -> bool:
        return record.expires_at is not None and self.clock.now() >= record.expires_at

    def resolve(self, file_id: str) -> ResolvedFile:
        """For request parsing: the file's bytes on disk; 404 unknown, 404 file_expired past expires_at."""
        record = self.get(file_id)
        if self.expired(record):
            raise ApiError(
                404,
                f"File {file_id} has expired and its content is no longer available.",
                error_code="file_expired",
            )
        return ResolvedFile(
            file_id=record.id,
            filename=record.filename,
            mime_type=record.mime_type,
            path=self.blob(record.id),
            size_bytes=record.size_bytes,
        )

    def delete(self, file_id: str) -> None:
        with self._lock:
            record = self._files.pop(file_id, None)
            if record is None:
                raise ApiError(404, f"File not found: {file_id}")
            (self.dir / f"{file_id}.json").unlink(missing_ok=True)
            self.blob(file_id).unlink(missing_ok=True)

    def page(
        self, limit: int, page: str | None, ids: list[str] | None
    ) -> tuple[list[StoredFile], str | None]:
        """Newest first; `page` is a cursor from a previous `next_page`."""
        with self._lock:
            records = sorted(self._files.values(), key=lambda r: r.seq, reverse=True)
        if ids is not None:
            wanted = set(ids)
            return [r for r in records if r.id in wanted], None
        if page is not None:
            below = decode_page(page)
            records = [r for r in records if r.seq < below]
        chunk = records[:limit]
        next_page = encode_page(chunk[-1].seq) if len(records) > limit else None
        return chunk, next_page


def encode_page(seq: int) -> str:
    return "page_" + base64.urlsafe_b64encode(f"files:{seq}".encode()).decode().rstrip("=")


def decode_page(page: str) -> int:
    if not page.startswith("page_"):
        raise ApiError(400, "page: invalid page cursor.")
    raw = page[5:]
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        kind, _, seq = text.partition(":")
        if kind != "files":
            raise ValueError(kind)
        return int(seq)
    except ValueError:
        raise ApiError(400, "page: invalid page cursor.") from None
