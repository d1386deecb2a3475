"""walk(): dropped files and folders as a stable list of files."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.documents import walk


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(path.name, encoding="utf-8")
    return path


def test_folders_are_walked_recursively_in_name_order_skipping_hidden(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    b = touch(root / "b.txt")
    a_upper = touch(root / "A.md")
    nested = touch(root / "sub" / "deeper" / "z.pdf")
    sub_a = touch(root / "sub" / "a.csv")
    touch(root / ".hidden.txt")
    touch(root / ".git" / "config")
    touch(root / "sub" / ".cache" / "x.txt")
    assert walk([root]) == [a_upper, b, sub_a, nested]


def test_files_given_directly_keep_their_order_and_appear_once(tmp_path: Path) -> None:
    one = touch(tmp_path / "one.txt")
    two = touch(tmp_path / "folder" / "two.txt")
    hidden = touch(tmp_path / ".dotfile")
    missing = tmp_path / "missing.txt"
    result = walk([two, one, tmp_path / "folder", hidden, missing, one])
    # Given explicitly, a hidden or missing file is kept so prepare() can say what is wrong with it.
    assert result == [two, one, hidden, missing]


def test_symlink_loops_and_links_to_seen_files(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    real = touch(root / "docs" / "real.txt")
    (root / "docs" / "loop").symlink_to(root, target_is_directory=True)
    (root / "alias.txt").symlink_to(real)
    (root / "broken").symlink_to(tmp_path / "nowhere")
    os.mkfifo(root / "pipe")
    result = walk([root])
    # "alias.txt" sorts first and is the same file as docs/real.txt: it is listed once, as the alias.
    assert result == [root / "alias.txt"]
    assert walk([real, root]) == [real]


def test_linked_folder_outside_the_drop_is_followed_once(tmp_path: Path) -> None:
    outside = touch(tmp_path / "outside" / "o.txt")
    root = tmp_path / "drop"
    root.mkdir()
    (root / "link1").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "link2").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert walk([root]) == [root / "link1" / "o.txt"]
    assert outside.exists()


def test_source_state_tells_unchanged_changed_and_missing(tmp_path: Path) -> None:
    from assistant.documents import SourceState, prepare, source_state

    path = touch(tmp_path / "notes.txt")
    doc = prepare(path, cache_dir=tmp_path / "cache")

    def state() -> SourceState:
        return source_state(path, size=doc.source_size, mtime=doc.source_mtime, sha256=doc.source_sha256)

    assert state() is SourceState.UNCHANGED
    os.utime(path, (1_000_000, 1_000_000))  # touched: time differs, bytes do not
    assert state() is SourceState.UNCHANGED
    path.write_text("nOtes.txt", encoding="utf-8")  # same size, other bytes
    assert state() is SourceState.CHANGED
    path.write_text("longer notes", encoding="utf-8")
    assert state() is SourceState.CHANGED
    path.unlink()
    assert state() is SourceState.MISSING
    path.mkdir()
    assert state() is SourceState.MISSING
