"""What the Files API says about one file (``RemoteFile``, read from an SDK object or a dict) and about
one delete (``DeleteOutcome``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assistant.api.errors import ApiFailure
from assistant.catalog import FileState, NewFile

__all__ = ["DeleteOutcome", "RemoteFile"]


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

    def as_new_file(self, now: datetime | None = None) -> NewFile:
        """This file as a catalog row to add (found remotely: adopted unless a pending upload claims it)."""
        at = now or datetime.now(UTC)
        expired = self.expires_at is not None and self.expires_at <= at
        return NewFile(
            file_id=self.file_id,
            filename=self.filename,
            mime_type=self.mime_type,
            size_bytes=self.size_bytes,
            uploaded_at=self.created_at,
            expires_at=self.expires_at,
            state=FileState.EXPIRED if expired else FileState.ACTIVE,
        )


@dataclass(frozen=True)
class DeleteOutcome:
    record_id: int
    file_id: str
    already_gone: bool = False
    failure: ApiFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None
