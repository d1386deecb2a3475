"""The catalog half of reconciling with the Files API: the remote list against the catalog rows.

Pure database work, no network: ``apply_remote_list(store, remote, now, since=, busy=, inflight=)`` marks
rows missing, expired or active again and adopts remote files the catalog does not know (origin=adopted),
in one transaction (``Store.apply_reconcile``). ``since`` is the catalog's change clock read before the
listing began: rows written after it are not judged, nor rows in ``busy`` (an operation is at work on
them); remote files that match a pending upload are this app's own (``inflight``: still being sent, left
to their uploader; the others were cut by a lost answer or a crash: recorded as this app's, ``recovered``);
pending uploads in ``stale`` (not being sent when the listing began) that it does not hold end.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from assistant.api.files_remote import RemoteFile
from assistant.catalog import FileRecord, FileState, RemoteUpdate, Store

__all__ = ["ReconcileReport", "apply_remote_list"]


@dataclass(frozen=True)
class ReconcileReport:
    adopted: tuple[FileRecord, ...]
    missing: tuple[int, ...]
    expired: tuple[int, ...]
    reactivated: tuple[int, ...]
    remote_count: int
    recovered: tuple[FileRecord, ...] = ()  # this app's uploads whose answer was lost, found again


def apply_remote_list(
    store: Store,
    remote: dict[str, RemoteFile],
    now: datetime,
    *,
    since: int | None = None,
    busy: Collection[int] = (),
    inflight: Collection[int] = (),
    stale: Collection[int] = (),
) -> ReconcileReport:
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

    applied = store.apply_reconcile(
        updates,
        [f.as_new_file(now) for f in remaining.values()],
        since=since,
        busy=busy,
        inflight=inflight,
        stale=stale,
    )

    def done(ids: list[int]) -> tuple[int, ...]:
        return tuple(i for i in ids if i in applied.updated)

    return ReconcileReport(
        applied.adopted, done(missing), done(expired), done(reactivated), remote_count, applied.recovered
    )
