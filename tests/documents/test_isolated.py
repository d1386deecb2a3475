"""prepare_isolated(): the same answers and errors as prepare(), from a conversion process."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from assistant.documents import DocumentError, DocumentErrorKind, prepare, prepare_isolated

from . import corpus


def test_a_conversion_in_the_pool_gives_what_prepare_gives(src: Path, cache_dir: Path) -> None:
    path = corpus.big_docx(src / "report.docx", 3)
    isolated = prepare_isolated(path, cache_dir=cache_dir)
    assert isolated.converted and isolated.upload_path.exists()
    assert isolated.upload_path.parent == cache_dir
    in_process = prepare(path, cache_dir=cache_dir)
    assert isolated == in_process


def test_options_reach_the_child(src: Path, cache_dir: Path) -> None:
    path = src / "notes.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        prepare_isolated(path, cache_dir=cache_dir, max_file_bytes=1000)
    assert info.value.kind is DocumentErrorKind.TOO_LARGE


def test_errors_keep_their_kind_and_message_across_the_process(src: Path, cache_dir: Path) -> None:
    empty = src / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError) as isolated:
        prepare_isolated(empty, cache_dir=cache_dir)
    with pytest.raises(DocumentError) as in_process:
        prepare(empty, cache_dir=cache_dir)
    assert isolated.value.kind is DocumentErrorKind.EMPTY
    assert isolated.value.message == in_process.value.message
    assert "empty.txt" in isolated.value.message


def test_should_stop_stops_the_child_and_leaves_nothing_half_written(src: Path, cache_dir: Path) -> None:
    path = corpus.big_xlsx(src / "big.xlsx", 20_000)
    asked = threading.Event()

    def should_stop() -> bool:
        asked.set()
        return True  # stop as soon as the caller is asked

    with pytest.raises(DocumentError) as info:
        prepare_isolated(path, cache_dir=cache_dir, should_stop=should_stop)
    assert asked.is_set()
    assert info.value.kind is DocumentErrorKind.CANCELLED
    assert not [p for p in os.listdir(cache_dir) if p.endswith(".txt")], "no converted text left behind"
