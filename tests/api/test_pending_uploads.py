"""Uploads recorded as pending before they are sent: a lost answer, a crash after the server stored the
file, an answer with another file's id, a source that changes while it is sent, a renewal whose old file
cannot be deleted. Through the real sandbox and its faults."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.files import FileService, UploadProgress, sha256_file
from assistant.catalog import FileOrigin, FileState, Store
from assistant.catalog.rules import is_leftover, orphans


def _source(tmp_path: Path, name: str, size: int = 300_000, seed: int = 1) -> Path:
    path = tmp_path / name
    path.write_bytes(bytes((i * 7 + seed) % 251 for i in range(size)))
    return path


def test_a_lost_upload_answer_is_found_on_the_server_not_sent_again(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path, "lost-answer.txt")
    sandbox.faults.set("upload:lose-uploadx1")  # stored, then the connection closes unanswered
    record = files.upload(src).record
    assert sandbox.faults.hits == [("upload", "lose-upload")]
    remote = files.list_remote()
    assert [f.file_id for f in remote] == [record.file_id]  # one upload on the server, no duplicate
    assert record.origin is FileOrigin.APP and record.sha256 == sha256_file(src)
    assert store.pending_uploads() == []
    report = files.reconcile()
    assert report.adopted == () and orphans(store) == []  # nothing "not uploaded by this app"


def test_a_lost_answer_in_a_renewal_is_found_too(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path, "renewed.txt")
    first = files.upload(src).record
    sandbox.faults.set("upload:lose-uploadx1")
    renewed = files.replace(first.id, src)
    assert renewed.id == first.id and renewed.file_id != first.file_id
    assert [f.file_id for f in files.list_remote()] == [renewed.file_id]
    assert files.reconcile().adopted == () and store.pending_uploads() == []


def test_an_upload_cut_by_a_crash_after_the_server_stored_it_is_this_apps_own(
    client: Any, paths: Any, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path, "crashed.txt")
    digest = sha256_file(src)
    with Store.open(paths.catalog) as store:
        # what the app did before the crash: recorded the upload as pending, sent it; the server
        # stored it; the process died before the answer was recorded
        store.begin_upload(
            filename=src.name,
            size_bytes=src.stat().st_size,
            sha256=digest,
            mime_type="text/plain",
            local_path=str(src),
        )
        client.files.upload(file=(src.name, src.read_bytes(), "text/plain"))
    with Store.open(paths.catalog) as store:  # the next start
        files = FileService(client, store)
        report = files.recover_pending()
        (row,) = store.list_files()
        assert report.recovered == (row,)
        assert (row.origin, row.sha256, row.local_path) == (FileOrigin.APP, digest, str(src))
        assert store.pending_uploads() == [] and orphans(store) == []
        assert files.reconcile().adopted == ()
        again = files.upload(src)  # dedupe finds it: not sent twice
        assert again.reused and len(files.list_remote()) == 1


def test_a_refresh_finds_an_upload_a_crash_cut_short_as_this_apps_own(
    client: Any, store: Store, files: FileService, tmp_path: Path
) -> None:
    src = _source(tmp_path, "crashed-2.txt")
    store.begin_upload(
        filename=src.name,
        size_bytes=src.stat().st_size,
        sha256=sha256_file(src),
        mime_type="text/plain",
        local_path=str(src),
    )
    client.files.upload(file=(src.name, src.read_bytes(), "text/plain"))
    never_sent = _source(tmp_path, "never-sent.txt", seed=2)
    store.begin_upload(
        filename=never_sent.name,
        size_bytes=never_sent.stat().st_size,
        sha256=sha256_file(never_sent),
        mime_type="text/plain",
        local_path=str(never_sent),
    )
    report = files.reconcile()
    assert report.adopted == () and [r.filename for r in report.recovered] == [src.name]
    assert report.recovered[0].origin is FileOrigin.APP
    assert store.pending_uploads() == []  # the one never stored ends too


def test_an_upload_answered_with_a_file_id_the_catalog_holds_fails_clearly(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    first = files.upload(_source(tmp_path, "first.txt")).record
    sandbox.faults.set("upload:reuse-id-uploadx1")
    with pytest.raises(ApiFailure) as caught:
        files.upload(_source(tmp_path, "second.txt", seed=5))
    failure = caught.value
    assert failure.kind is FailureKind.SERVER
    assert "already holds" in failure.message and first.file_id in failure.message
    assert store.list_files() == [first]  # the existing row untouched
    report = files.reconcile()  # the file the server did store is this app's own, found again
    assert [r.filename for r in report.recovered] == ["second.txt"] and report.adopted == ()
    assert report.recovered[0].origin is FileOrigin.APP


def test_a_file_cut_short_while_it_uploads_fails_and_keeps_nothing(
    files: FileService, store: Store, tmp_path: Path
) -> None:
    src = _source(tmp_path, "shrinking.txt", size=6 * 1024 * 1024)

    def truncate(p: UploadProgress) -> None:
        if p.sent >= 2 * 1024 * 1024:
            with open(src, "r+b") as fh:
                fh.truncate(3 * 1024 * 1024)

    with pytest.raises(ApiFailure) as caught:
        files.upload(src, progress=truncate)
    assert caught.value.kind is FailureKind.LOCAL
    assert "changed while it was being sent" in caught.value.message
    assert "try again" in caught.value.message.lower()
    assert store.list_files() == [] and files.list_remote() == [] and store.pending_uploads() == []


def test_a_file_rewritten_while_it_uploads_fails_and_its_copy_is_removed(
    files: FileService, store: Store, tmp_path: Path
) -> None:
    src = _source(tmp_path, "rewritten.txt", size=6 * 1024 * 1024)
    done: list[bool] = []

    def rewrite_the_end(p: UploadProgress) -> None:
        if p.sent >= 1024 * 1024 and not done:
            done.append(True)
            with open(src, "r+b") as fh:  # same size, other bytes, where the upload has not read yet
                fh.seek(5 * 1024 * 1024)
                fh.write(b"\0" * 4096)

    with pytest.raises(ApiFailure) as caught:
        files.upload(src, progress=rewrite_the_end)
    assert "changed while it was being sent" in caught.value.message
    assert store.list_files() == [] and files.list_remote() == [] and store.pending_uploads() == []


def test_a_renewal_whose_old_file_cannot_be_deleted_says_so_and_clean_up_offers_it(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _source(tmp_path, "renew-me.txt")
    old = files.upload(src).record

    def fail_the_delete(p: UploadProgress) -> None:
        if p.sent == p.total:  # the next /v1/files requests (the old file's delete, its retries): 500
            sandbox.faults.set("files:500x3")

    renewed = files.replace(old.id, src, progress=fail_the_delete)
    assert renewed.id == old.id and renewed.file_id != old.file_id
    (note,) = renewed.warnings
    assert old.file_id in note and "could not be deleted" in note and "Clean up" in note
    assert store.get_file(old.id) is not None and store.get_file(old.id).warnings == ()  # type: ignore[union-attr]
    (leftover,) = [r for r in store.list_files() if r.id != old.id]
    assert (leftover.file_id, leftover.leftover_of, leftover.state) == (old.file_id, old.id, FileState.ACTIVE)
    assert leftover.sha256 == old.sha256 and leftover in orphans(store)
    assert is_leftover(leftover) and not is_leftover(renewed)  # this app's own, not "not uploaded here"
    assert {f.file_id for f in files.list_remote()} == {old.file_id, renewed.file_id}
    sandbox.faults.clear()
    assert files.reconcile().adopted == ()  # known: not adopted a second time
    outcome = files.delete(leftover.id)  # what Clean up does with it
    assert outcome.ok and {f.file_id for f in files.list_remote()} == {renewed.file_id}


def test_a_re_upload_and_swap_whose_old_file_cannot_be_deleted_says_so(
    files: FileService, store: Store, sandbox: Any, paths: Any, tmp_path: Path
) -> None:
    from assistant.api.lifecycle import refresh_stale, upload_document
    from assistant.documents import prepare

    src = tmp_path / "changing.txt"
    src.write_text("The first version.\n", encoding="utf-8")
    old = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    src.write_text("The second, longer version.\n", encoding="utf-8")

    def fail_the_delete(p: UploadProgress) -> None:
        if p.sent == p.total:
            sandbox.faults.set("files:500x3")

    fresh = refresh_stale(files, store, old.id, paths.converted, progress=fail_the_delete)
    assert fresh.file_id != old.file_id
    assert any(old.file_id in w and "could not be deleted" in w for w in fresh.warnings)
    assert [r.file_id for r in orphans(store)] == [old.file_id]


_CHILD = """
import sys
from assistant.api.client import ClientConfig, make_client
from assistant.api.files import FileService
from assistant.catalog import Store

base_url, key, catalog, source = sys.argv[1:]
with make_client(ClientConfig(api_key=key, base_url=base_url)) as client, Store.open(catalog) as store:
    FileService(client, store).upload(source)
"""


def test_kill_9_after_the_server_stored_the_upload_and_the_next_start_knows_it_as_its_own(
    sandbox: Any, client: Any, paths: Any, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys

    src = _source(tmp_path, "killed.txt")
    # the answer is lost, and the look for it on the server hangs: the process is killed meanwhile
    sandbox.faults.set("upload:lose-uploadx1,files:slow=60x1")
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, sandbox.base_url, sandbox.api_key, str(paths.catalog), str(src)]
    )
    try:
        for _ in range(3000):  # until the server holds the file and the child is waiting on its look
            if len(sandbox.faults.hits) == 2 or child.poll() is not None:
                break
            threading.Event().wait(0.01)
        assert sandbox.faults.hits == [("upload", "lose-upload"), ("files", "slow")]
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    sandbox.faults.clear()
    stored, _ = sandbox.files.page(100, None, None)
    assert [f.filename for f in stored] == [src.name]
    with Store.open(paths.catalog) as store:  # the next start
        assert [p.filename for p in store.pending_uploads()] == [src.name]
        files = FileService(client, store)
        assert [r.file_id for r in files.recover_pending().recovered] == [stored[0].id]
        (row,) = store.list_files()
        assert (row.origin, row.sha256) == (FileOrigin.APP, sha256_file(src))
        assert files.upload(src).reused and len(files.list_remote()) == 1  # not sent twice
        assert files.reconcile().adopted == () and orphans(store) == []


def test_two_files_of_one_name_and_size_each_keep_their_own_bytes_after_a_lost_answer(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sources = [_source(tmp_path / "a", "report.txt", seed=1), _source(tmp_path / "b", "report.txt", seed=2)]
    sandbox.faults.set("upload:lose-uploadx1")
    with ThreadPoolExecutor(2) as pool:
        records = [r.record for r in pool.map(files.upload, sources)]
    assert len({r.file_id for r in records}) == 2 and len(files.list_remote()) == 2
    for record, source in zip(records, sources, strict=True):  # the server's bytes are the row's
        assert sandbox.files.blob(record.file_id).read_bytes() == source.read_bytes()
        assert record.sha256 == sha256_file(source)
