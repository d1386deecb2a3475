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

from assistant.api.files import FileService, UploadProgress
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


def test_a_delete_beside_a_renewal_leaves_no_deleted_row_whose_file_stays(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = tmp_path / "renewed.txt"
    src.write_text("renew me while someone deletes me\n" * 50, encoding="utf-8")
    row = files.upload(src).record
    deleting: list[threading.Thread] = []
    outcomes: list[Any] = []

    def delete_now(p: UploadProgress) -> None:
        # the renewal's body is all sent: the delete starts now, and its own request is slow, so the
        # renewal's answer comes back in the middle of it (the race the issue found)
        if p.sent < p.total or deleting:
            return
        before = len(sandbox.faults.hits)
        sandbox.faults.add("files:slow=0.5x1")
        thread = threading.Thread(target=lambda: outcomes.append(files.delete(row.id)))
        deleting.append(thread)
        thread.start()
        # give the delete time to read the row and send its request (it may instead wait its turn)
        for _ in range(100):
            if len(sandbox.faults.hits) > before:
                break
            threading.Event().wait(0.01)

    renewed = files.replace(row.id, src, progress=delete_now)
    deleting[0].join(10)
    assert not deleting[0].is_alive() and outcomes
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
