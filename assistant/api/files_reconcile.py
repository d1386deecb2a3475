"""The catalog half of reconciling with the Files API: the remote list against the catalog rows.

Pure database work, no network: ``apply_remote_list(store, remote, now)`` marks rows missing, expired or
active again and adopts remote files the catalog does not know (origin=adopted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.api.files_remote import RemoteFile
from assistant.catalog import FileOrigin, FileRecord, FileState, NewFile, RemoteUpdate, Store

__all__ = ["ReconcileReport", "apply_remote_list"]


@dataclass(frozen=True)
class ReconcileReport:
    adopted: tuple[FileRecord, ...]
    missing: tuple[int, ...]
    expired: tuple[int, ...]
    reactivated: tuple[int, ...]
    remote_count: int


def apply_remote_list(store: Store, remote: dict[str, RemoteFile], now: datetime) -> ReconcileReport:
    remote_count = len(remote)
    remaining = dict(remote)
    updates: list[RemoteUpdate] = []
    missing: list[int] = []
    expired: list[int] = []
    reactivated: list[int] = []
    for rec in store.list_files():
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
    adopted = store.apply_remote(updates, new)
    return ReconcileReport(tuple(adopted), tuple(missing), tuple(expired), tuple(reactivated), remote_count)
