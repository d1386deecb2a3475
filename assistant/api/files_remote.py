"""What the Files API says about one file (``RemoteFile``), read from an SDK object or a dict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["RemoteFile"]


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
