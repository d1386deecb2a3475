"""``FolderSync``: keeps every linked folder in sync with the catalog, on a thread of its own (no Qt).

Sources of change: watchdog's observer (native events, only hints), a full rescan every
``rescan_seconds`` (native watches miss events on network and some FUSE drives) and a rescan at
``start`` (what changed while the app was closed: compared with the recorded size, mtime and hash).
Events are debounced: a burst (a ``git checkout`` of 2,000 files) becomes ONE ``SyncBatch``, one call of
``on_batch``. A file is acted on only once its size and mtime have stayed still ``settle_seconds``.

Threads: ``on_batch`` and ``on_error`` are called on the engine's thread; a Qt controller hands them to
the GUI thread (``assistant.bridge``) and runs catalog reads in workers. The other methods are
thread-safe and block on the catalog (call them from workers), except ``rescan``, which only asks.

Nothing is ever deleted remotely: a file gone locally is marked missing (``MissingItem``) and offered for
clean-up; a folder that vanished (an unmounted drive) marks nothing missing, its state says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.catalog import DocumentSet, FileRecord, FolderState, Store
from assistant.folders.model import SyncBatch, SyncConfig

__all__ = ["FolderSync"]


class FolderSync:
    """The folder-sync engine. Build one per catalog; the UI's controller starts and stops it.

    ``on_batch(batch)``: a round of work (uploads to enqueue, changed files to swap, files gone missing,
    sets to reload). ``on_error(message)``: something unexpected in the engine's thread (it keeps going).
    """

    def __init__(
        self,
        store: Store,
        on_batch: Callable[[SyncBatch], None],
        *,
        config: SyncConfig | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        raise NotImplementedError

    # -- running ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Watch every linked folder and rescan each at once (changes made while the app was closed;
        waiting uploads of the last run are handed out again). Returns at once."""
        raise NotImplementedError

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching and end the thread (waits at most ``timeout`` seconds). Safe to call twice."""
        raise NotImplementedError

    @property
    def running(self) -> bool:
        raise NotImplementedError

    # -- linking ------------------------------------------------------------------------------------
    def link(
        self, set_id: int, folder: Path | str, ignore_patterns: Sequence[str] | None = None
    ) -> DocumentSet:
        """Link a set to a folder (the catalog's ``link_folder``; default ignore patterns when None) and
        start watching and scanning it. SetError when it is not a folder. Blocking: call from a worker."""
        raise NotImplementedError

    def unlink(self, set_id: int) -> DocumentSet:
        """Stop syncing the set with its folder (its files stay in the set)."""
        raise NotImplementedError

    def set_ignore_patterns(self, set_id: int, patterns: Sequence[str]) -> DocumentSet:
        """New ignore patterns for the set's folder; rescans it (newly ignored paths read as skipped)."""
        raise NotImplementedError

    def rescan(self, set_ids: Sequence[int] | None = None) -> None:
        """Ask for a rescan of these sets' folders (all when None); the result comes as a batch."""
        raise NotImplementedError

    def scan_now(self, set_ids: Sequence[int] | None = None) -> SyncBatch:
        """Scan now on the calling thread and return the batch (``on_batch`` is NOT called with it).
        Files not yet settled are left waiting and come in a later batch of the running engine."""
        raise NotImplementedError

    def folder_states(self) -> list[FolderState]:
        """How each linked folder is doing (watching, unavailable, denied), as last scanned."""
        raise NotImplementedError

    # -- outcomes the UI reports --------------------------------------------------------------------
    def retry(self, set_id: int, paths: Sequence[Path] | None = None) -> None:
        """Put the set's failed paths (all, or ``paths``) back to waiting; they come in the next batch."""
        raise NotImplementedError

    def uploading(self, path: Path) -> None:
        """The upload queue started sending ``path``: every set that sees it shows "uploading"."""
        raise NotImplementedError

    def uploaded(self, path: Path, record: FileRecord) -> None:
        """``path`` is on the server as ``record`` (a new upload, or the same content reused): synced in
        every set that sees it, and the row joins those sets."""
        raise NotImplementedError

    def upload_failed(self, path: Path, message: str, permanent: bool = False) -> None:
        """``path`` could not be prepared or uploaded: failed (why) in every set that sees it."""
        raise NotImplementedError

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests: wait until no event, settle or scan is pending; False on timeout."""
        raise NotImplementedError
