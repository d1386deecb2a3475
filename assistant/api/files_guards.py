"""Who may change a files row when (the FileService's half of the rule in ``catalog.file_sync``).

Per-row locks (replace, renew and delete of one row run one at a time, and the row is busy meanwhile,
so a reconcile does not judge it), one upload of a name and size at a time, and the pending uploads in
flight here (a reconcile leaves the files that match them to their uploader). Plain Python; no Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.api.files_pending import find_earlier
from assistant.api.files_remote import RemoteFile
from assistant.api.files_upload import UploadProgress
from assistant.catalog import Store
from assistant.catalog.records import PendingUpload

if TYPE_CHECKING:
    import anthropic

__all__ = ["RowGuards"]

_Progress = Callable[[UploadProgress], object]


class RowGuards:
    def __init__(self, client: anthropic.Anthropic, store: Store, clock: Callable[[], datetime]) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._sync_lock = threading.Lock()
        self._row_locks: dict[int, threading.Lock] = {}
        self._name_locks: dict[tuple[str, int], threading.Lock] = {}
        self._busy: dict[int, int] = {}
        self._inflight_pending: set[int] = set()

    @contextmanager
    def _operating(self, row_id: int) -> Iterator[None]:
        """One operation on a row at a time (renew, replace, delete), and none judged by a reconcile
        while it runs: the row is busy from before its first request until after its last write."""
        with self._sync_lock:
            lock = self._row_locks.setdefault(row_id, threading.Lock())
        with lock:
            with self._sync_lock:
                self._busy[row_id] = self._busy.get(row_id, 0) + 1
            try:
                yield
            finally:
                with self._sync_lock:
                    self._busy[row_id] -= 1
                    if not self._busy[row_id]:
                        del self._busy[row_id]

    @contextmanager
    def _same_name(self, name: str, size: int) -> Iterator[None]:
        """Uploads of one name and size go one at a time, so a look for a lost answer cannot take the
        file of another upload that matches it."""
        with self._sync_lock:
            same = self._name_locks.setdefault((name, size), threading.Lock())
        with same:
            yield

    @contextmanager
    def _claimed(self, pending: Iterable[PendingUpload]) -> Iterator[list[PendingUpload]]:
        """Pending uploads in flight here while they are sent, looked for and recorded: a refresh
        leaves the files that match them to this thread."""
        claimed = list(pending)
        with self._sync_lock:
            self._inflight_pending.update(p.id for p in claimed)
        try:
            yield claimed
        finally:
            with self._sync_lock:
                self._inflight_pending.difference_update(p.id for p in claimed)

    @contextmanager
    def _pending(
        self, name: str, size: int, digest: str, *, mime: str, local: str | None, row_id: int | None
    ) -> Iterator[PendingUpload]:
        """The upload recorded as pending (and in flight here) while it is sent and recorded; call it
        inside ``_same_name``."""
        with self._sync_lock:
            pending = self._store.begin_upload(
                filename=name,
                size_bytes=size,
                sha256=digest,
                mime_type=mime,
                local_path=local,
                started_at=self._clock(),
                row_id=row_id,
            )
        with self._claimed([pending]):
            yield pending

    @contextmanager
    def _earlier(
        self, name: str, size: int, digest: str, row_id: int | None, progress: _Progress | None
    ) -> Iterator[tuple[PendingUpload, RemoteFile] | None]:
        """This upload's earlier attempts still pending (not in flight), looked for on the server before
        it is sent again (``find_earlier``); the one found stays claimed while it is recorded."""
        key = (name, size, digest, row_id)
        with self._sync_lock:
            earlier = [
                p
                for p in self._store.pending_uploads()
                if (p.filename, p.size_bytes, p.sha256, p.row_id) == key
                and p.id not in self._inflight_pending
            ]
        with self._claimed(earlier) as claimed:
            found = find_earlier(self._client, self._store, claimed) if claimed else None
            if found is not None and progress is not None:
                progress(UploadProgress(size, size))
            yield found
