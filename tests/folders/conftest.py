"""Helpers of the folder-sync tests: a quick engine configuration, a batch recorder, real uploads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.catalog import FileRecord, Store
from assistant.folders import FolderSync, SyncBatch, SyncConfig

FAST = SyncConfig(settle_seconds=0.3, debounce_seconds=0.1, max_delay_seconds=3.0, rescan_seconds=120.0)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Batches:
    """Every batch the engine handed out, in order (called on the engine's thread)."""

    def __init__(self) -> None:
        self.items: list[SyncBatch] = []
        self._cond = threading.Condition()

    def __call__(self, batch: SyncBatch) -> None:
        with self._cond:
            self.items.append(batch)
            self._cond.notify_all()

    def wait_for(self, test: Callable[[SyncBatch], bool], timeout: float = 10.0) -> SyncBatch:
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for batch in self.items:
                    if test(batch):
                        return batch
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such batch within {timeout} s; got {self.items}")
                self._cond.wait(left)


@pytest.fixture
def batches() -> Batches:
    return Batches()


@pytest.fixture
def engine(store: Store, batches: Batches) -> Iterator[FolderSync]:
    sync = FolderSync(store, batches, config=FAST)
    yield sync
    sync.stop()


def upload(files: Any, store: Store, path: Path, cache: Path) -> FileRecord:
    """What the UI's upload queue does with a path: prepare it, upload it to the sandbox."""
    from assistant.api.lifecycle import upload_document
    from assistant.documents import prepare

    return upload_document(files, store, prepare(path, cache_dir=cache)).record


def write(path: Path, text: str, age: float = 60.0) -> Path:
    """A file written ``age`` seconds ago (settled already)."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path
