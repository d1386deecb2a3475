"""The running folder-sync engine (issue 12): native events through watchdog, the settle time of a file
still being written, the rescan at start, and a rename storm debounced into one batch."""

from __future__ import annotations

import os
import time
from pathlib import Path

from assistant.catalog import Store, SyncStatus
from assistant.documents.hashing import sha256_file
from assistant.folders import FolderSync, SyncConfig
from tests.folders.conftest import FAST, Batches, write


def started_quiet(engine: FolderSync, batches: Batches) -> None:
    """Starts the engine and waits out its first scan; what that scan handed out is forgotten."""
    engine.start()
    assert engine.wait_idle()
    batches.items.clear()


def test_a_new_file_is_seen_through_native_events(
    store: Store, engine: FolderSync, batches: Batches, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    doc_set = store.link_folder(store.create_set("Docs").id, root)
    started_quiet(engine, batches)  # rescan_seconds is 120: only a native event can bring the file in time
    (root / "new.md").write_text("# Fresh\nA new note.\n", encoding="utf-8")
    batch = batches.wait_for(lambda b: bool(b.uploads), timeout=10)
    assert [(i.path, i.set_ids) for i in batch.uploads] == [(root / "new.md", (doc_set.id,))]


def test_a_file_still_being_written_waits_until_it_keeps_still(
    store: Store, batches: Batches, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    store.link_folder(store.create_set("Docs").id, root)
    sync = FolderSync(
        store, batches, config=SyncConfig(settle_seconds=0.6, debounce_seconds=0.1, max_delay_seconds=0.3)
    )
    sync.start()
    try:
        assert sync.wait_idle()
        growing = root / "capture.log"
        with growing.open("w", encoding="utf-8") as out:
            for n in range(12):  # 1.2 s of writing, a line every 0.1 s; max_delay forces scans meanwhile
                out.write(f"line {n}\n")
                out.flush()
                time.sleep(0.1)
        finished = time.monotonic()
        size = growing.stat().st_size
        batch = batches.wait_for(lambda b: bool(b.uploads), timeout=10)
        assert time.monotonic() >= finished  # handed out only after the writing stopped
        assert [i.path for i in batch.uploads] == [growing]
        waited = [b for b in batches.items if not b.uploads and b.sets]
        assert waited, "its state said it was still being written"
        (entry,) = store.paths_synced_as(growing)
        assert entry.size == size and entry.state.status is SyncStatus.WAITING
    finally:
        sync.stop()


def test_the_rescan_at_start_catches_what_changed_while_stopped(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "docs"
    stay = write(root / "stay.txt", "Unchanged all along.\n")
    edit = write(root / "edit.txt", "First version.\n")
    gone = write(root / "gone.txt", "Deleted while closed.\n")
    doc_set = store.link_folder(store.create_set("Docs").id, root)
    for n, path in enumerate((stay, edit, gone)):  # on the server already (their content's rows)
        row = store.add_file(
            file_id=f"file_{n}",
            filename=path.name,
            mime_type="text/plain",
            size_bytes=path.stat().st_size,
            sha256=sha256_file(path),
            local_path=str(path),
        )
        store.set_source_info(
            row.id,
            source_sha256=row.sha256,
            source_size=row.size_bytes,
            source_mtime=path.stat().st_mtime,
            kept_path=str(path),
        )
    first = FolderSync(store, Batches(), config=FAST)
    assert first.scan_now().uploads == ()
    assert store.set_summary(doc_set.id).synced == 3

    # the app is closed: changes happen
    write(edit, "Second version, longer than the first.\n", age=30)
    gone.unlink()
    write(root / "added.txt", "Added while closed.\n", age=30)

    batches = Batches()
    again = FolderSync(store, batches, config=FAST)
    again.start()
    try:
        batch = batches.wait_for(lambda b: bool(b.uploads or b.changed or b.missing))
        assert [i.path.name for i in batch.uploads] == ["added.txt"]
        assert [c.path.name for c in batch.changed] == ["edit.txt"]
        assert [m.path.name for m in batch.missing] == ["gone.txt"]
        assert len(batches.items) == 1
    finally:
        again.stop()


def test_a_rename_storm_is_one_batch(store: Store, batches: Batches, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    n = 500
    for i in range(n):
        path = write(root / "src" / f"module_{i:04}.py", f"VALUE = {i}\n")
        store.add_file(
            file_id=f"file_{i}",
            filename=path.name,
            mime_type="text/plain",
            size_bytes=path.stat().st_size,
            sha256=sha256_file(path),
            local_path=str(path),
        )
    doc_set = store.link_folder(store.create_set("Repo").id, root)
    # a burst ends after 1 s without events (the machine is shared: a storm may pause a few tenths)
    quiet = SyncConfig(settle_seconds=0.3, debounce_seconds=1.0, max_delay_seconds=30, rescan_seconds=120)
    sync = FolderSync(store, batches, config=quiet)
    sync.start()
    try:
        assert sync.wait_idle(30)
        assert store.set_summary(doc_set.id).synced == n
        batches.items.clear()
        (root / "lib").mkdir()
        for i in range(n):  # a checkout: every file moves, and half get new content
            target = root / "lib" / f"module_{i:04}.py"
            os.rename(root / "src" / f"module_{i:04}.py", target)
            if i % 2:
                target.write_text(f"VALUE = {i * 10}  # changed\n", encoding="utf-8")
        assert sync.wait_idle(30)
        assert len(batches.items) == 1, [len(b.uploads) for b in batches.items]
        (batch,) = batches.items
        assert len(batch.uploads) == n // 2  # new content; the moved ones are relinked, not uploaded
        # the old versions of the changed half are gone locally: marked, kept on the server
        assert sorted(m.path.name for m in batch.missing) == [f"module_{i:04}.py" for i in range(1, n, 2)]
    finally:
        sync.stop()


def test_two_sets_on_one_folder_get_one_item_per_new_file(
    store: Store, engine: FolderSync, batches: Batches, tmp_path: Path
) -> None:
    root = tmp_path / "shared"
    root.mkdir()
    first = engine.link(store.create_set("First").id, root)
    second = engine.link(store.create_set("Second").id, root)
    started_quiet(engine, batches)
    write(root / "memo.txt", "One memo, two sets.\n", age=0)
    batch = batches.wait_for(lambda b: bool(b.uploads))
    assert [(i.path.name, sorted(i.set_ids)) for i in batch.uploads] == [("memo.txt", [first.id, second.id])]
    assert engine.wait_idle()
    assert sum(len(b.uploads) for b in batches.items) == 1


def test_stopping_mid_scan_hands_out_nothing_more(store: Store, batches: Batches, tmp_path: Path) -> None:
    root = tmp_path / "many"
    for i in range(3000):
        write(root / f"d{i % 10}" / f"f{i}.txt", f"File {i}.\n")
    store.link_folder(store.create_set("Many").id, root)
    sync = FolderSync(store, batches, config=FAST)
    sync.start()
    time.sleep(0.05)
    sync.stop(timeout=10)
    assert not sync.running
    seen = len(batches.items)
    time.sleep(0.3)
    assert len(batches.items) == seen  # nothing after stop
    again = FolderSync(store, batches, config=FAST)  # the next start picks everything up
    assert len(again.scan_now().uploads) == 3000
