"""What the folder-sync engine hands the UI: batches of work, and its settings (issue 12). No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.catalog.set_records import FolderState
from assistant.documents.service import DEFAULT_MAX_FILE_BYTES

__all__ = ["ChangedItem", "MissingItem", "SyncBatch", "SyncConfig", "UploadItem"]


@dataclass(frozen=True)
class UploadItem:
    """A new file to prepare and upload through the upload queue, once, for every set that sees it
    (overlapping folders). Report the outcome with ``FolderSync.uploaded``/``upload_failed``."""

    path: Path
    set_ids: tuple[int, ...]


@dataclass(frozen=True)
class ChangedItem:
    """A synced file whose content changed: re-upload it into the same row (``row_id``) so every
    conversation using it gets the new version (``folders.reupload_changed``, in a worker)."""

    path: Path
    row_id: int
    set_ids: tuple[int, ...]


@dataclass(frozen=True)
class MissingItem:
    """A synced file deleted or moved away locally: marked missing in ``set_ids``; its remote copy
    (``row_id``) is kept and offered for clean-up, never deleted by the sync."""

    path: Path
    row_id: int
    set_ids: tuple[int, ...]


@dataclass(frozen=True)
class SyncBatch:
    """One debounced round of work: everything a burst of changes (or a scan) found, in one callback.

    ``sets``: the sets whose sync states changed (reload their rows and summary once); ``folders``: the
    linked folders whose health changed (vanished, unreadable, back)."""

    uploads: tuple[UploadItem, ...] = ()
    changed: tuple[ChangedItem, ...] = ()
    missing: tuple[MissingItem, ...] = ()
    sets: frozenset[int] = frozenset()
    folders: tuple[FolderState, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.uploads or self.changed or self.missing or self.sets or self.folders)

    def upload_paths(self) -> list[Path]:
        """The paths to hand to ``UploadQueue.add_paths`` (each once)."""
        return [item.path for item in self.uploads]


@dataclass(frozen=True)
class SyncConfig:
    """How the engine waits. Tests shorten the times; the defaults suit real folders."""

    settle_seconds: float = 2.0  # a new or changed file must keep its size and mtime this long
    debounce_seconds: float = 0.5  # events are gathered until none arrived for this long ...
    max_delay_seconds: float = 30.0  # ... or this long since the first (a file written without end)
    rescan_seconds: float = 300.0  # a full rescan of every folder (native events are only hints)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES  # larger files are skipped (over the size limit)
    native_events: bool = True  # use watchdog's observer; False: periodic rescans only
