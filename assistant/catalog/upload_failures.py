"""The ``upload_failures`` table: uploads that failed, remembered until the person dismisses them.

One row per local path (a second failure of the same file replaces the first). The upload queue lists
them again after a restart; a later upload of the same path, a cancel or a dismissal forgets the row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from assistant.catalog.db import Database
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["UploadFailure", "UploadFailures"]


@dataclass(frozen=True)
class UploadFailure:
    path: str  # the local file, as it was given
    message: str  # what failed, why, and what to do
    permanent: bool  # the file can never be uploaded as it is: no Retry
    failed_at: datetime  # UTC


class UploadFailures(Database):
    """The upload failure methods of ``Store``."""

    def record_upload_failure(
        self, path: str, message: str, *, permanent: bool, failed_at: datetime | None = None
    ) -> None:
        """Remember (or replace) the failure of ``path``."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO upload_failures (path, message, permanent, failed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET message = excluded.message, "
                "permanent = excluded.permanent, failed_at = excluded.failed_at",
                (path, message, int(permanent), to_ts(failed_at or now())),
            )

    def list_upload_failures(self) -> list[UploadFailure]:
        """Every remembered failure, oldest first."""
        rows = self._query(
            "SELECT path, message, permanent, failed_at FROM upload_failures ORDER BY failed_at, path"
        )
        return [
            UploadFailure(r["path"], r["message"], bool(r["permanent"]), req_ts(r["failed_at"])) for r in rows
        ]

    def forget_upload_failures(self, paths: Iterable[str]) -> int:
        """Forget the failures of ``paths``; how many were remembered."""
        gone = 0
        with self._tx() as db:
            for path in paths:
                gone += db.execute("DELETE FROM upload_failures WHERE path = ?", (path,)).rowcount
        return gone
