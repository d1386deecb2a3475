"""What is written survives a power cut: settings.json is flushed to disk before it replaces the old
file (and the folder after), and the catalog commits with synchronous=FULL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistant.catalog import Store
from assistant.settings import Settings


def test_settings_are_flushed_to_disk_before_and_after_the_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.fsync and os.replace still run for real; the test only records what they were given."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(("fsync", f"{kind}:{os.readlink(f'/proc/self/fd/{fd}')}"))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "config" / "settings.json"
    Settings().replace(concurrent_uploads=5).save(target)
    monkeypatch.undo()

    assert Settings.load(target).concurrent_uploads == 5
    assert len(events) == 3, events
    assert events[0][0] == "fsync" and events[0][1].startswith(f"file:{target.parent}/.settings-")
    assert events[1] == ("replace", str(target))
    assert events[2] == ("fsync", f"dir:{target.parent}")


def test_the_catalog_commits_with_synchronous_full(tmp_path: Path) -> None:
    with Store.open(tmp_path / "catalog.sqlite3") as store:
        rows = store._query("PRAGMA synchronous")
        journal = store._query("PRAGMA journal_mode")
    assert rows[0][0] == 2  # FULL: a commit is on disk when it returns (WAL keeps readers unblocked)
    assert journal[0][0] == "wal"
