"""Document sets and their sync state: enums and frozen dataclasses (issue 12). Standard library only.

A set is a named collection of catalog rows, optionally linked to one local folder. Each path seen in a
linked folder has a sync state per set (``PathSync``); a file row's state in a set is that of its path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from assistant.catalog.records import FileRecord

__all__ = [
    "DEFAULT_IGNORE_PATTERNS",
    "ORGANISATION_QUOTA",
    "DocumentSet",
    "FolderHealth",
    "FolderState",
    "OrganisationQuota",
    "PathSync",
    "SetError",
    "SetStorage",
    "SetSummary",
    "SkipReason",
    "SyncState",
    "SyncStatus",
    "format_summary",
]

DEFAULT_IGNORE_PATTERNS: tuple[str, ...] = (".git/", "~$*", ".DS_Store", "*.tmp", "*.part")
"""What a newly linked folder ignores. Syntax (a small gitignore subset): a pattern ending in "/" matches
folders only (nothing under them is looked at); a pattern without "/" matches a name at any depth; one
with "/" inside matches the path relative to the linked folder. ``fnmatch`` wildcards (* ? [..])."""


class SetError(Exception):
    """A set operation that cannot be done as asked (a name already taken, no such set, a folder that is
    not a folder); the message says what to do and can be shown as is."""


class SyncStatus(StrEnum):
    SYNCED = "synced"  # the remote copy matches the local file
    WAITING = "waiting"  # new or changed: settling (still being written) or queued for upload
    UPLOADING = "uploading"  # the upload queue is sending it
    FAILED = "failed"  # why in ``SyncState.message``; Retry puts it back to waiting
    SKIPPED = "skipped"  # why in ``SyncState.reason`` (and message)
    MISSING = "missing"  # deleted or moved locally; the remote copy is kept, offered for clean-up


class SkipReason(StrEnum):
    UNSUPPORTED = "unsupported"  # a kind the app cannot send (the documents layer's verdict)
    TOO_LARGE = "too_large"  # over the per-file size limit
    IGNORED = "ignored"  # matches one of the set's ignore patterns
    EMPTY = "empty"  # 0 bytes: nothing to send

    @property
    def label(self) -> str:
        return _SKIP_LABELS[self]


_SKIP_LABELS = {
    SkipReason.UNSUPPORTED: "kind not supported",
    SkipReason.TOO_LARGE: "over the size limit",
    SkipReason.IGNORED: "ignored pattern",
    SkipReason.EMPTY: "empty file",
}


@dataclass(frozen=True)
class SyncState:
    """The state of one path (or file row) in one set: what, and why when it is not synced."""

    status: SyncStatus
    reason: SkipReason | None = None  # only for SKIPPED
    message: str | None = None  # why, as a sentence (failed, skipped, missing; "still being written")
    permanent: bool = False  # a failure that Retry cannot fix until the file changes

    @property
    def label(self) -> str:
        """Short text for a table cell: "synced", "skipped: over the size limit", "failed"."""
        if self.status is SyncStatus.SKIPPED and self.reason is not None:
            return f"skipped: {self.reason.label}"
        if self.status is SyncStatus.MISSING:
            return "not in folder"
        return str(self.status)


@dataclass(frozen=True)
class DocumentSet:
    id: int
    name: str
    instructions: str  # "" for none; goes into the system prompt of conversations on the set
    created_at: datetime
    folder: Path | None = None  # the linked local folder, absolute; None when not linked
    ignore_patterns: tuple[str, ...] = ()  # the linked folder's patterns (empty when not linked)


@dataclass(frozen=True)
class PathSync:
    """One path seen in a set's linked folder: its state, the catalog row it uploaded as (if any), and
    the size, mtime and SHA-256 of the source when it was last judged (to notice changes)."""

    set_id: int
    path: Path
    state: SyncState
    row_id: int | None
    size: int | None
    mtime: float | None
    sha256: str | None
    updated_at: datetime


@dataclass(frozen=True)
class SetSummary:
    """Counts of a set's paths per state (files added by hand, not from a folder, count as synced)."""

    synced: int = 0
    waiting: int = 0
    uploading: int = 0
    failed: int = 0
    skipped: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.synced + self.waiting + self.uploading + self.failed + self.skipped + self.missing


def format_summary(summary: SetSummary) -> str:
    """ "214 synced · 3 skipped · 1 failed": non-zero counts in a fixed order; "empty" when nothing."""
    parts = [
        f"{n} {word}"
        for n, word in (
            (summary.synced, "synced"),
            (summary.waiting, "waiting"),
            (summary.uploading, "uploading"),
            (summary.skipped, "skipped"),
            (summary.failed, "failed"),
            (summary.missing, "not in folder"),
        )
        if n
    ]
    return " · ".join(parts) if parts else "empty"


@dataclass(frozen=True)
class SetStorage:
    """What a set holds on the server: its active files (each once), their bytes, and those expiring
    within the week (soonest first)."""

    set_id: int
    files: int
    remote_bytes: int
    expiring_this_week: tuple[FileRecord, ...]

    @property
    def expiring_bytes(self) -> int:
        return sum(r.size_bytes for r in self.expiring_this_week)


@dataclass(frozen=True)
class OrganisationQuota:
    """The organisation's Files API storage. The API documents a limit but reports no use: ``used_bytes``
    is None (unknown), and ``note`` says so plainly for the storage view."""

    limit_bytes: int
    used_bytes: int | None
    note: str


ORGANISATION_QUOTA = OrganisationQuota(
    limit_bytes=1_000_000_000_000,
    used_bytes=None,
    note=(
        "The Files API does not report how much of the organisation's storage is used; its documented "
        "limit is 1 TB per organisation. The figures here count only the files this app knows of."
    ),
)


class FolderHealth(StrEnum):
    WATCHING = "watching"  # scanned, watched for changes
    SCANNING = "scanning"  # a scan is running
    UNAVAILABLE = "unavailable"  # gone (unmounted drive, deleted) or not a folder: nothing is marked missing
    DENIED = "denied"  # the folder itself cannot be read


@dataclass(frozen=True)
class FolderState:
    """How a set's linked folder is doing, with what could not be read inside it (permission denied on
    some subfolders) and a sentence for the person."""

    set_id: int
    folder: Path
    health: FolderHealth
    message: str = ""
    unreadable: tuple[Path, ...] = ()  # subfolders that could not be listed (their files keep their state)
