"""Scanning linked folders (issue 12): what is uploaded, skipped (why), failed (why), changed, missing;
one upload for overlapping sets; nothing deleted remotely. Real files, real catalog, the sandbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from assistant.catalog import FolderHealth, SkipReason, Store, SyncStatus, format_summary
from assistant.documents.hashing import sha256_file
from assistant.folders import FolderSync, SyncConfig
from assistant.folders.actions import reupload_changed
from assistant.settings import Paths
from tests.folders.conftest import FAST, PDF, Batches, upload, write


def _states(store: Store, set_id: int, root: Path) -> dict[str, str]:
    return {str(p.path.relative_to(root)): p.state.label for p in store.sync_paths(set_id)}


def test_first_scan_uploads_new_files_and_says_why_others_are_skipped(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write(root / "notes.md", "# Notes\nThe pump is serviced in May.\n")
    (root / "report.pdf").write_bytes(PDF)
    write(root / "draft.tmp", "scratch")
    write(root / "~$contract.docx", "lock")
    write(root / ".git" / "config", "[core]")
    write(root / "sub" / "big.txt", "x" * 5000)
    (root / "empty.txt").touch()
    (root / "tool.bin").write_bytes(bytes(range(256)) * 8)
    sync = FolderSync(store, Batches(), config=SyncConfig(settle_seconds=0, max_file_bytes=4096))
    doc_set = sync.link(store.create_set("Docs").id, root)

    batch = sync.scan_now()
    assert sorted(p.name for p in batch.upload_paths()) == ["notes.md", "report.pdf"]
    assert all(item.set_ids == (doc_set.id,) for item in batch.uploads) and batch.sets == {doc_set.id}
    states = _states(store, doc_set.id, root)
    assert states == {
        "notes.md": "waiting",
        "report.pdf": "waiting",
        "draft.tmp": "skipped: ignored pattern",
        "~$contract.docx": "skipped: ignored pattern",
        "sub/big.txt": "skipped: over the size limit",
        "empty.txt": "skipped: empty file",
        "tool.bin": "skipped: kind not supported",
    }  # nothing at all under .git/
    why = {p.path.name: p.state for p in store.sync_paths(doc_set.id)}
    assert why["tool.bin"].reason is SkipReason.UNSUPPORTED and "Kinds that work" in (
        why["tool.bin"].message or ""
    )
    assert why["draft.tmp"].message == "Matches the ignore pattern “*.tmp”."
    assert format_summary(store.set_summary(doc_set.id)) == "2 waiting · 5 skipped"
    assert [f.health for f in sync.folder_states()] == [FolderHealth.WATCHING]
    assert sync.scan_now().uploads == ()  # handed out once, until the queue reports back


def test_overlapping_sets_and_the_same_folder_twice_upload_each_content_once(
    store: Store, files: Any, client: Any, paths: Paths, tmp_path: Path
) -> None:
    root = tmp_path / "shared"
    write(root / "a.txt", "Alpha is the first letter.\n")
    write(root / "sub" / "b.txt", "Beta is the second letter.\n")
    write(root / "sub" / "b copy.txt", "Beta is the second letter.\n")  # the same content twice
    sync = FolderSync(store, Batches(), config=FAST)
    whole = sync.link(store.create_set("Whole").id, root)
    part = sync.link(store.create_set("Part").id, root / "sub")
    twice = sync.link(store.create_set("Twice").id, str(root) + "/")  # the same folder, linked again
    assert twice.folder == whole.folder

    batch = sync.scan_now()
    items = {str(i.path.relative_to(root)): sorted(i.set_ids) for i in batch.uploads}
    assert len(items) == 2 and items["a.txt"] == sorted([whole.id, twice.id])
    (b_item,) = [k for k in items if k.startswith("sub/")]
    assert items[b_item] == sorted([whole.id, part.id, twice.id])
    for item in batch.uploads:  # what the UI does: the queue uploads, then reports
        sync.uploading(item.path)
        sync.uploaded(item.path, upload(files, store, item.path, paths.converted))
    assert len(client.files.list().data) == 2  # one upload per content, whatever the sets
    assert len(store.list_files()) == 2
    for doc_set, count in ((whole, 3), (part, 2), (twice, 3)):
        assert store.set_summary(doc_set.id).synced == count
    assert len(store.set_records(part.id)) == 1  # both copies are the one remote file
    assert sync.scan_now().uploads == ()


def test_a_changed_file_is_swapped_in_place_and_the_conversation_keeps_it(
    store: Store, files: Any, client: Any, paths: Paths, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    src = write(root / "schedule.txt", "The ferry leaves at nine.\n")
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Ferry").id, root)
    (item,) = sync.scan_now().uploads
    record = upload(files, store, item.path, paths.converted)
    sync.uploaded(item.path, record)
    conv = store.create_conversation("Ferry", "claude-sonnet-4-5", [record.id], set_id=doc_set.id)

    write(src, "The ferry leaves at half past eleven.\n", age=30)
    batch = sync.scan_now()
    assert batch.uploads == () and [(c.path, c.row_id) for c in batch.changed] == [(src, record.id)]
    assert _states(store, doc_set.id, root) == {"schedule.txt": "waiting"}
    fresh = reupload_changed(files, store, sync, batch.changed[0], paths.converted)
    assert fresh.id == record.id and fresh.file_id != record.file_id
    assert store.get_conversation(conv.id).file_ids == (record.id,)  # type: ignore[union-attr]
    assert _states(store, doc_set.id, root) == {"schedule.txt": "synced"}
    assert [f.id for f in client.files.list().data] == [fresh.file_id]  # the old copy was replaced
    assert sync.scan_now().empty


def test_deleted_moved_and_replaced_by_a_folder(
    store: Store, files: Any, client: Any, paths: Paths, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    names = ("gone.txt", "moved.txt", "now-a-folder.txt")
    for n, name in enumerate(names):
        write(root / name, f"File number {n} says something of its own.\n")
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Docs").id, root)
    rows = {}
    for item in sync.scan_now().uploads:
        rows[item.path.name] = upload(files, store, item.path, paths.converted)
        sync.uploaded(item.path, rows[item.path.name])

    (root / "gone.txt").unlink()
    (root / "archive").mkdir()
    (root / "moved.txt").rename(root / "archive" / "moved.txt")
    (root / "now-a-folder.txt").unlink()
    write(root / "now-a-folder.txt" / "inside.txt", "A new file inside the new folder.\n")
    batch = sync.scan_now()
    assert sorted(m.path.name for m in batch.missing) == ["gone.txt", "now-a-folder.txt"]
    assert [i.path.name for i in batch.uploads] == ["inside.txt"]
    states = {p.path.name: p.state for p in store.sync_paths(doc_set.id)}
    assert states["moved.txt"].status is SyncStatus.SYNCED and "gone.txt" in states
    assert "Replaced by a folder" in (states["now-a-folder.txt"].message or "")
    assert "kept until you clean it up" in (states["gone.txt"].message or "")
    moved = store.get_file(rows["moved.txt"].id)
    assert moved is not None and moved.local_path == str(root / "archive" / "moved.txt")
    missing = {r.id for r in store.missing_records(doc_set.id)}
    assert missing == {rows["gone.txt"].id, rows["now-a-folder.txt"].id}
    remote = {f.id for f in client.files.list().data}
    assert {r.file_id for r in rows.values()} <= remote  # nothing deleted remotely
    assert sync.scan_now().missing == ()  # said once


def test_a_vanished_folder_marks_nothing_missing_and_recovers(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "usb"
    write(root / "a.txt", "On the stick.\n")
    synced = write(root / "b.txt", "Already on the server.\n")
    store.add_file(
        file_id="file_b", filename="b.txt", mime_type="text/plain", size_bytes=23, sha256=sha256_file(synced)
    )
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Stick").id, root)
    (item,) = sync.scan_now().uploads  # b.txt is linked to the row with its content
    sync.upload_failed(item.path, "The server was busy.")
    shutil.move(root, tmp_path / "elsewhere")  # unmounted
    batch = sync.scan_now()
    (folder,) = batch.folders
    assert folder.health is FolderHealth.UNAVAILABLE and "not there" in folder.message
    assert batch.missing == ()
    assert _states(store, doc_set.id, root) == {"a.txt": "failed", "b.txt": "synced"}
    shutil.move(tmp_path / "elsewhere", root)
    back = sync.scan_now()
    assert [f.health for f in back.folders] == [FolderHealth.WATCHING]


def test_symlink_loops_are_cut_and_each_file_listed_once(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "loop"
    write(root / "sub" / "a.txt", "Inside a loop.\n")
    os.symlink(root, root / "sub" / "back-up")
    os.symlink(root / "sub", root / "again")
    os.symlink(root / "nowhere", root / "broken.txt")
    sync = FolderSync(store, Batches(), config=FAST)
    sync.link(store.create_set("Loop").id, root)
    batch = sync.scan_now()  # returns: the loop is cut
    assert [i.path.name for i in batch.uploads] == ["a.txt"]  # once, by whichever way it was reached


def test_failed_upload_then_retry_hands_it_out_again(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write(root / "a.txt", "Retry me.\n")
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Docs").id, root)
    (item,) = sync.scan_now().uploads
    sync.uploading(item.path)
    assert _states(store, doc_set.id, root) == {"a.txt": "uploading"}
    sync.upload_failed(item.path, "The connection dropped. Try again.")
    assert sync.scan_now().uploads == ()  # a failure waits for Retry
    (failed,) = store.sync_paths(doc_set.id)
    assert failed.state.message == "The connection dropped. Try again."
    assert format_summary(store.set_summary(doc_set.id)) == "1 failed"
    sync.retry(doc_set.id)
    assert [i.path for i in sync.scan_now().uploads] == [item.path]


def test_new_ignore_patterns_skip_what_they_match(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write(root / "keep.txt", "Keep.\n")
    write(root / "logs" / "today.log", "A log line.\n")
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Docs").id, root, ["logs/"])
    assert [i.path.name for i in sync.scan_now().uploads] == ["keep.txt"]
    sync.set_ignore_patterns(doc_set.id, ["*.txt"])
    batch = sync.scan_now()
    assert [i.path.name for i in batch.uploads] == ["today.log"]
    assert _states(store, doc_set.id, root)["keep.txt"] == "skipped: ignored pattern"


def test_a_file_whose_remote_copy_was_deleted_is_uploaded_again(
    store: Store, files: Any, paths: Paths, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    write(root / "a.txt", "Still here on this computer.\n")
    sync = FolderSync(store, Batches(), config=FAST)
    doc_set = sync.link(store.create_set("Docs").id, root)
    (item,) = sync.scan_now().uploads
    record = upload(files, store, item.path, paths.converted)
    sync.uploaded(item.path, record)
    assert sync.scan_now().empty
    assert files.delete(record.id).ok  # Clean up deleted the copy on the server
    again = sync.scan_now()
    assert [i.path for i in again.uploads] == [item.path]
    assert _states(store, doc_set.id, root) == {"a.txt": "waiting"}
