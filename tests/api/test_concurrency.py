"""Refreshes beside uploads, renewals and deletes, run side by side in threads through the sandbox.

The catalog's rule: a reconcile does not judge rows created or changed after its listing began (nor rows
an operation is working on), and the operations on one file (renew, replace, delete) run one at a time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assistant.api.errors import ApiFailure
from assistant.api.files import FileService, UploadProgress, sha256_file
from assistant.catalog import FileOrigin, FileState, Store


def _refresh_until(files: FileService, done: threading.Event, errors: list[BaseException]) -> int:
    rounds = 0
    while not done.is_set():
        try:
            files.reconcile()
        except BaseException as exc:  # every raw exception is a finding
            errors.append(exc)
        rounds += 1
    return rounds


def _side_by_side(files: FileService, work: Callable[[], None]) -> tuple[int, list[BaseException]]:
    """Run ``work`` while another thread refreshes back to back; returns (refreshes, refresh errors)."""
    done = threading.Event()
    errors: list[BaseException] = []
    with ThreadPoolExecutor(1) as pool:
        refreshing = pool.submit(_refresh_until, files, done, errors)
        try:
            work()
        finally:
            done.set()
        rounds = refreshing.result()
    return rounds, errors


def test_200_uploads_beside_back_to_back_refreshes_keep_every_row_right(
    files: FileService, store: Store, tmp_path: Path
) -> None:
    sources = []
    for i in range(200):
        path = tmp_path / f"note-{i:03}.txt"
        path.write_text(f"note {i}: " + "x" * (i % 17), encoding="utf-8")
        sources.append(path)
    upload_errors: list[BaseException] = []

    def upload_all() -> None:
        def one(path: Path) -> None:
            try:
                files.upload(path)
            except BaseException as exc:
                upload_errors.append(exc)

        with ThreadPoolExecutor(3) as pool:  # the app's upload concurrency
            list(pool.map(one, sources))

    rounds, refresh_errors = _side_by_side(files, upload_all)
    assert rounds >= 2
    raw = [e for e in upload_errors + refresh_errors if isinstance(e, sqlite3.Error)]
    assert raw == [] and upload_errors == [] and refresh_errors == []
    rows = store.list_files()
    assert len(rows) == 200
    assert [r.filename for r in rows if r.state is not FileState.ACTIVE] == []  # no false "missing"
    assert [r.filename for r in rows if r.origin is not FileOrigin.APP or r.sha256 is None] == []
    remote = {f.file_id for f in files.iter_remote()}
    assert remote == {r.file_id for r in rows}  # no duplicate upload, no orphan
    files.reconcile()  # and a quiet refresh afterwards changes nothing
    assert store.list_files() == rows


class _Watched(Store):
    """A real catalog that lets the race the issue found happen every time: the delete's last write
    (the row marked deleted) waits until the renewal has moved its new file id into the row."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.swapped = threading.Event()
        self.delete_read = threading.Event()
        self.deleting: threading.Thread | None = None

    def get_file(self, row_id: int) -> Any:
        record = super().get_file(row_id)
        if threading.current_thread() is self.deleting:
            self.delete_read.set()
        return record

    def replace_file_id(self, row_id: int, **kwargs: Any) -> Any:
        record = super().replace_file_id(row_id, **kwargs)
        self.swapped.set()
        return record

    def set_file_state(self, row_id: int, state: FileState) -> None:
        self.swapped.wait(10)
        super().set_file_state(row_id, state)


def test_a_delete_beside_a_renewal_leaves_no_deleted_row_whose_file_stays(
    client: Any, tmp_path: Path
) -> None:
    src = tmp_path / "renewed.txt"
    src.write_text("renew me while someone deletes me\n" * 50, encoding="utf-8")
    opened = _Watched.open(tmp_path / "watched.sqlite3")
    assert isinstance(opened, _Watched)
    with opened as store:
        files = FileService(client, store)
        row = files.upload(src).record
        outcomes: list[Any] = []

        def delete_now(p: UploadProgress) -> None:
            # the renewal's body is all sent: the delete starts now (it may instead wait its turn)
            if p.sent < p.total or store.deleting is not None:
                return
            store.deleting = threading.Thread(target=lambda: outcomes.append(files.delete(row.id)))
            store.deleting.start()
            store.delete_read.wait(1)

        renewed = files.replace(row.id, src, progress=delete_now)
        assert store.deleting is not None
        store.deleting.join(10)
        assert not store.deleting.is_alive() and outcomes
        final = store.get_file(row.id)
        assert final is not None
        remote = {f.file_id for f in files.iter_remote()}
        if final.state is FileState.DELETED:
            assert final.file_id not in remote and renewed.file_id not in remote
        else:
            assert final.file_id in remote
        assert remote <= {r.file_id for r in store.list_files() if r.state is FileState.ACTIVE}


def test_renewals_and_deletes_beside_refreshes_leave_catalog_and_server_agreeing(
    files: FileService, store: Store, tmp_path: Path
) -> None:
    rows = []
    for i in range(12):
        path = tmp_path / f"doc-{i}.txt"
        path.write_text(f"document {i}\n" * 40, encoding="utf-8")
        rows.append((files.upload(path).record, path))
    errors: list[BaseException] = []

    def work() -> None:
        def renew_then_maybe_delete(item: tuple[Any, Path]) -> None:
            record, path = item
            try:
                files.replace(record.id, path)
                if record.id % 2:
                    files.delete(record.id)
                files.replace(record.id, path) if record.id % 3 == 0 else None
            except BaseException as exc:
                errors.append(exc)

        with ThreadPoolExecutor(3) as pool:
            list(pool.map(renew_then_maybe_delete, rows))

    _, refresh_errors = _side_by_side(files, work)
    assert errors == [] and refresh_errors == []
    files.reconcile()
    remote = {f.file_id for f in files.iter_remote()}
    final = store.list_files()
    assert len(final) == len(rows)  # nothing adopted: the old files of renewals are this app's
    for record in final:
        assert record.origin is FileOrigin.APP
        if record.state is FileState.ACTIVE:
            assert record.file_id in remote
        else:
            assert record.state is FileState.DELETED and record.file_id not in remote
    assert remote == {r.file_id for r in final if r.state is FileState.ACTIVE}


def test_uploads_renewals_deletes_and_refreshes_under_faults_leave_nothing_wrong(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    sources = []
    for i in range(40):
        path = tmp_path / f"faulty-{i:02}.txt"
        path.write_text(f"document {i}\n" * (50 + i), encoding="utf-8")
        sources.append(path)
    sandbox.faults.set(
        "upload:lose-upload@0.1,upload:drop-upload=2048@0.05,files:500@0.05,files:529@0.05,"
        "retry-after=0.01,seed=3"
    )
    raw: list[BaseException] = []
    said: list[ApiFailure] = []

    def attempt(work: Callable[[], object]) -> None:
        try:
            work()
        except ApiFailure as failure:  # a failure said as such is allowed; anything else is not
            said.append(failure)
        except BaseException as exc:
            raw.append(exc)

    def work() -> None:
        def life(path: Path) -> None:
            attempt(lambda: files.upload(path))
            record = store.find_active_by_sha256(sha256_file(path))
            if record is None:
                return
            attempt(lambda: files.replace(record.id, path))
            if record.id % 3 == 0:
                attempt(lambda: files.delete(record.id))

        with ThreadPoolExecutor(3) as pool:
            list(pool.map(life, sources))

    rounds, refresh_errors = _side_by_side(files, work)
    assert raw == [] and all(isinstance(e, ApiFailure) for e in refresh_errors)
    assert sandbox.faults.hits and rounds >= 2
    sandbox.faults.clear()
    files.reconcile()
    remote = {f.file_id: f for f in files.iter_remote()}
    rows = store.list_files()
    active = {r.file_id: r for r in rows if r.state is FileState.ACTIVE}
    assert set(remote) == set(active)  # nothing on the server the catalog does not list as there
    assert [r for r in rows if r.origin is FileOrigin.ADOPTED and r.leftover_of is None] == []  # no orphans
    own = [r for r in active.values() if r.leftover_of is None]
    assert len({r.sha256 for r in own}) == len(own)  # no duplicate upload of one content
    assert all(r.sha256 is not None for r in rows)
    assert store.pending_uploads() == []
