"""Native file events (watchdog) as hints for the engine: which paths may have changed. No Qt.

Events are only hints (native watches miss some on network and FUSE drives; the periodic rescan is the
source of truth); reads (opened, closed without writing) are dropped, so the engine's own scans do not
wake it again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

__all__ = ["Watcher"]

log = logging.getLogger(__name__)
_READS = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class _Handler(FileSystemEventHandler):
    def __init__(self, hint: Callable[[Iterable[str]], None]) -> None:
        self._hint = hint

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _READS:
            return
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        self._hint(paths)


class Watcher:
    """One watchdog observer; one recursive watch per distinct folder (``watch_only``)."""

    def __init__(self, hint: Callable[[Iterable[str]], None]) -> None:
        self._handler = _Handler(hint)
        self._observer: BaseObserver | None = None
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._observer is None:
                self._observer = Observer()
                self._observer.daemon = True
                self._observer.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            observer, self._observer = self._observer, None
            self._watches.clear()
        if observer is not None:
            observer.stop()
            observer.join(timeout)

    def watch_only(self, folders: Iterable[str]) -> None:
        """Watch exactly these folders: new ones added, others dropped. A folder that cannot be watched
        (gone, too many watches) is left to the periodic rescan."""
        wanted = set(folders)
        with self._lock:
            observer = self._observer
            if observer is None:
                return
            for folder in list(self._watches):
                if folder not in wanted:
                    with contextlib.suppress(Exception):
                        observer.unschedule(self._watches.pop(folder))
            for folder in wanted - set(self._watches):
                try:
                    self._watches[folder] = observer.schedule(self._handler, folder, recursive=True)
                except Exception as exc:  # OSError, inotify limits: the rescan still covers it
                    log.warning("Cannot watch %s (%s); it is rescanned periodically.", folder, exc)

    def forget(self, folder: str) -> None:
        """Drop a folder's watch so the next ``watch_only`` sets it up again (after it vanished)."""
        with self._lock:
            watch = self._watches.pop(folder, None)
            if watch is not None and self._observer is not None:
                with contextlib.suppress(Exception):
                    self._observer.unschedule(watch)
