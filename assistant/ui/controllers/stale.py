"""Which uploaded files have changed on disk since they were sent: one check at a time, in a worker.

``StaleChecker(runner, records)``: ``check()`` compares the local source of each active file that
``records()`` gives with what was uploaded (size and time; the hash only when the time moved) and emits
``found({row id: state})``, the state being a ``SourceState`` (changed, missing, unchanged) or None
(nothing recorded to compare with). A check asked for while one runs follows when it ends. A file
touched but not changed is hashed once, not on every check. ``check_if_due()`` is the same at most
every ``throttle`` seconds (the window coming back to the front).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import CancelToken
from assistant.bridge import Task, TaskRunner
from assistant.catalog import FileOrigin, FileRecord, FileState, SourceState
from assistant.ui.controllers.base import Controller

__all__ = ["STALE_CHECK_THROTTLE", "StaleChecker"]

STALE_CHECK_THROTTLE = 10.0  # seconds: coming back to the front checks local sources at most this often

_SeenKey = tuple[int, str | None, int, int]  # (row, recorded hash, size, mtime_ns)


class StaleChecker(Controller):
    found = Signal(object)  # dict: {row id: SourceState | None}

    def __init__(
        self,
        runner: TaskRunner,
        records: Callable[[], Sequence[FileRecord]],
        *,
        throttle: float = STALE_CHECK_THROTTLE,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._records = records
        self.throttle = throttle
        self._clock = clock
        self._task: Task[Any] | None = None
        self._again = False
        self._checked_at = -throttle
        self._seen: dict[_SeenKey, SourceState | None] = {}  # touched only by the one check running at a time

    def check_if_due(self) -> None:
        if self._clock() - self._checked_at >= self.throttle:
            self.check()

    def check(self) -> None:
        if self.closed:
            return
        if self._task is not None:
            self._again = True  # one check at a time; another follows when it ends
            return
        self._checked_at = self._clock()
        sources = [
            r
            for r in self._records()
            if r.state is FileState.ACTIVE and r.origin is FileOrigin.APP and r.local_path
        ]
        if not sources:
            return
        seen = self._seen

        def work(token: CancelToken) -> dict[int, SourceState | None]:
            from assistant.api.lifecycle import stale_state

            states: dict[int, SourceState | None] = {}
            for record in sources:
                token.raise_if_cancelled()
                try:
                    info = Path(record.local_path or "").stat()
                    key: _SeenKey | None = (record.id, record.source_sha256, info.st_size, info.st_mtime_ns)
                except OSError:
                    key = None
                if key is not None and key in seen:  # touched but not changed: hashed once
                    states[record.id] = seen[key]
                    continue
                states[record.id] = stale_state(record)
                if key is not None:
                    seen[key] = states[record.id]
            return states

        self._task = self.run(work, on_result=self.found.emit, on_ended=self._ended, name="stale-check")

    def _ended(self) -> None:
        self._task = None
        if self._again:
            self._again = False
            self.check()
