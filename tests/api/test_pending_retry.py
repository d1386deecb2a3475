"""Trying again after an upload whose answer was lost and whose file could not be looked for, and dedupe
against the rows this app did not upload as its own. One source, one server file: through the real
sandbox and its faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.files import FileService, UploadProgress, sha256_file
from assistant.catalog import FileOrigin, FileState, Store
from assistant.catalog.rules import is_leftover, orphans

LOST_AND_UNCHECKED = "upload:lose-uploadx1,files:500x3,retry-after=0"
"""The upload is stored, its answer lost, and the look for it on the server fails (the SDK's 3 tries)."""


def _source(tmp_path: Path, name: str = "notes.txt", size: int = 200_000) -> Path:
    path = tmp_path / name
    path.write_bytes(bytes((i * 11 + 3) % 251 for i in range(size)))
    return path


def _lost(files: FileService, store: Store, sandbox: Any, src: Path, row_id: int | None = None) -> None:
    sandbox.faults.set(LOST_AND_UNCHECKED)
    with pytest.raises(ApiFailure) as caught:
        if row_id is None:
            files.upload(src)
        else:
            files.replace(row_id, src)
    assert caught.value.kind is FailureKind.NETWORK
    assert [p.sha256 for p in store.pending_uploads()] == [sha256_file(src)]  # it may be on the server
    assert len(files.list_remote()) == (1 if row_id is None else 2)


def test_trying_again_after_a_lost_unchecked_answer_takes_the_stored_file_and_sends_nothing(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    _lost(files, store, sandbox, src)
    (stored,) = files.list_remote()
    seen: list[UploadProgress] = []
    again = files.upload(src, progress=seen.append)  # the user's Retry
    assert again.record.file_id == stored.file_id and not again.reused
    assert (again.record.origin, again.record.sha256) == (FileOrigin.APP, sha256_file(src))
    assert seen[-1] == UploadProgress(src.stat().st_size, src.stat().st_size)
    assert [f.file_id for f in files.list_remote()] == [stored.file_id]  # not sent a second time
    assert store.pending_uploads() == []
    report = files.reconcile()
    assert report.recovered == () and report.adopted == () and orphans(store) == []
    assert store.list_files() == [again.record]  # one row, one server file


def test_trying_again_while_the_server_still_cannot_be_listed_fails_clearly_and_sends_nothing(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    _lost(files, store, sandbox, src)
    sandbox.faults.set("files:500x3,retry-after=0")
    with pytest.raises(ApiFailure) as caught:
        files.upload(src)
    assert caught.value.retryable
    assert "earlier upload" in caught.value.message and src.name in caught.value.message
    assert len(files.list_remote()) == 1 and len(store.pending_uploads()) == 1
    assert store.list_files() == []
    again = files.upload(src)  # the server answers again: the stored file is taken
    assert [f.file_id for f in files.list_remote()] == [again.record.file_id]
    assert store.pending_uploads() == [] and files.reconcile().recovered == ()


def test_an_earlier_attempt_the_server_does_not_hold_ends_and_the_file_is_sent(
    files: FileService, store: Store, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    store.begin_upload(  # an attempt cut before the server stored anything, not yet ended by a refresh
        filename=src.name,
        size_bytes=src.stat().st_size,
        sha256=sha256_file(src),
        mime_type="text/plain",
        local_path=str(src),
    )
    record = files.upload(src).record
    assert [f.file_id for f in files.list_remote()] == [record.file_id]
    assert store.pending_uploads() == []  # looked for, not there: it ends with this upload


def test_trying_a_renewal_again_after_a_lost_unchecked_answer_swaps_in_the_stored_file(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    first = files.upload(src).record
    _lost(files, store, sandbox, src, row_id=first.id)
    (stored,) = [f for f in files.list_remote() if f.file_id != first.file_id]
    renewed = files.replace(first.id, src)  # the user renews again
    assert (renewed.id, renewed.file_id) == (first.id, stored.file_id)
    assert [f.file_id for f in files.list_remote()] == [stored.file_id]  # the old one deleted, no third
    assert store.pending_uploads() == []
    report = files.reconcile()
    assert report.recovered == () and report.adopted == () and orphans(store) == []


def _leftover_beside(files: FileService, store: Store, sandbox: Any, src: Path) -> tuple[int, int]:
    """A renewal whose old file could not be deleted: (the renewed row, the leftover row)."""
    first = files.upload(src).record

    def fail_the_delete(p: UploadProgress) -> None:
        if p.sent == p.total:
            sandbox.faults.set("files:500x3,retry-after=0")

    renewed = files.replace(first.id, src, progress=fail_the_delete)
    (leftover,) = [r for r in store.list_files() if r.id != first.id]
    assert is_leftover(leftover) and leftover.sha256 == sha256_file(src)
    return renewed.id, leftover.id


def test_dedupe_never_reuses_a_leftover_the_file_is_uploaded_as_this_apps_own(
    files: FileService, store: Store, sandbox: Any, paths: Any, tmp_path: Path
) -> None:
    from assistant.api.lifecycle import upload_document
    from assistant.documents import prepare

    src = tmp_path / "notes.txt"
    src.write_text("the harbour council paid for the lamp\n" * 40, encoding="utf-8")
    doc = prepare(src, cache_dir=paths.converted)
    renewed, leftover_id = _leftover_beside(files, store, sandbox, doc.upload_path)
    leftover = store.get_file(leftover_id)
    files.delete(renewed)  # the user deletes the file, then drops the same file again
    again = upload_document(files, store, prepare(src, cache_dir=paths.converted))
    assert not again.reused and again.record.id not in (renewed, leftover_id)
    assert (again.record.origin, again.record.leftover_of) == (FileOrigin.APP, None)
    assert store.get_file(leftover_id) == leftover  # still a leftover, its note kept
    assert leftover is not None and leftover.warnings and [r.id for r in orphans(store)] == [leftover_id]
    assert {f.file_id for f in files.list_remote()} == {leftover.file_id, again.record.file_id}
    assert again.record.state is FileState.ACTIVE


def test_dedupe_never_reuses_an_adopted_row_with_the_same_hash(
    files: FileService, store: Store, client: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    remote = client.files.upload(file=(src.name, src.read_bytes(), "text/plain"))
    adopted = store.add_file(  # a file found on the server whose bytes are known (a cut renewal's copy)
        file_id=remote.id,
        filename=src.name,
        mime_type="text/plain",
        size_bytes=src.stat().st_size,
        sha256=sha256_file(src),
        origin=FileOrigin.ADOPTED,
    )
    result = files.upload(src)
    assert not result.reused and result.record.id != adopted.id
    assert result.record.origin is FileOrigin.APP
    assert store.get_file(adopted.id) == adopted
