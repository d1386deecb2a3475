"""Who may change a file's row when (schema 4): change stamps, pending uploads, retired remote ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.catalog import FileOrigin, FileState, NewFile, RemoteUpdate, Store
from assistant.catalog.file_sync import DuplicateFileId

from .conftest import add_files

NOW = datetime(2030, 5, 1, 12, tzinfo=UTC)


def _remote(file_id: str, name: str = "r.txt", size: int = 3, at: datetime = NOW) -> NewFile:
    return NewFile(file_id, name, "text/plain", size, at, None)


def test_every_write_stamps_the_row_past_the_clock(store: Store) -> None:
    (a,) = add_files(store, 1)
    before = store.files_clock()
    assert store.get_file(a).revision == before  # type: ignore[union-attr]
    store.touch_files([a])
    assert store.files_clock() == before + 1 == store.get_file(a).revision  # type: ignore[union-attr]


def test_a_reconcile_does_not_judge_rows_written_after_its_listing_began(store: Store) -> None:
    a, b = add_files(store, 2)
    since = store.files_clock()  # the listing begins
    store.set_kept_path(b, "/kept/b")  # b is written while the listing runs
    applied = store.apply_reconcile(
        [RemoteUpdate(a, FileState.MISSING, None), RemoteUpdate(b, FileState.MISSING, None)],
        [],
        since=since,
    )
    assert applied.updated == {a}
    assert store.get_file(b).state is FileState.ACTIVE  # type: ignore[union-attr]


def test_rows_at_work_are_not_judged(store: Store) -> None:
    (a,) = add_files(store, 1)
    applied = store.apply_reconcile([RemoteUpdate(a, FileState.MISSING, None)], [], busy={a})
    assert applied.updated == set() and store.get_file(a).state is FileState.ACTIVE  # type: ignore[union-attr]


def test_a_pending_upload_in_flight_is_left_to_its_uploader_then_recorded_once(store: Store) -> None:
    pending = store.begin_upload(
        filename="new.txt", size_bytes=5, sha256="h", mime_type="text/plain", local_path="/x", started_at=NOW
    )
    applied = store.apply_reconcile([], [_remote("file_new", "new.txt", 5)], inflight={pending.id})
    assert applied.adopted == () and store.list_files() == []
    row = store.record_upload(
        pending,
        file_id="file_new",
        filename="new.txt",
        mime_type="text/plain",
        size_bytes=5,
        uploaded_at=NOW,
        expires_at=None,
    )
    assert (row.origin, row.sha256) == (FileOrigin.APP, "h") and store.pending_uploads() == []


def test_a_pending_upload_not_in_flight_found_remotely_is_this_apps_own(store: Store) -> None:
    cut = store.begin_upload(
        filename="cut.txt", size_bytes=7, sha256="h7", mime_type="text/plain", local_path="/c", started_at=NOW
    )
    never = store.begin_upload(
        filename="never.txt",
        size_bytes=1,
        sha256="h1",
        mime_type="text/plain",
        local_path=None,
        started_at=NOW,
    )
    older = _remote("file_older", "cut.txt", 7, NOW - timedelta(hours=1))  # same name, long before
    cut_remote = _remote("file_cut", "cut.txt", 7, NOW + timedelta(seconds=2))
    applied = store.apply_reconcile([], [older, cut_remote], stale={cut.id, never.id})
    (mine,) = applied.recovered
    assert (mine.file_id, mine.origin, mine.sha256, mine.local_path) == (
        "file_cut",
        FileOrigin.APP,
        "h7",
        "/c",
    )
    assert [r.file_id for r in applied.adopted] == ["file_older"]
    assert store.pending_uploads() == []  # the one never stored ends


def test_a_pending_upload_that_was_still_being_sent_when_the_listing_began_is_kept(store: Store) -> None:
    late = store.begin_upload(
        filename="late.txt",
        size_bytes=2,
        sha256="h2",
        mime_type="text/plain",
        local_path=None,
        started_at=NOW,
    )
    store.apply_reconcile([], [], stale=set())  # its answer was lost after this listing began
    assert store.pending_uploads() == [late]  # kept: the next listing holds the file it stored


def test_an_adopted_row_of_this_very_upload_becomes_the_apps(store: Store) -> None:
    store.apply_remote([], [_remote("file_x", "x.txt", 9)])
    pending = store.begin_upload(
        filename="x.txt", size_bytes=9, sha256="hx", mime_type="text/plain", local_path="/x", started_at=NOW
    )
    row = store.record_upload(
        pending, file_id="file_x", filename="x.txt", mime_type="text/plain", size_bytes=9, uploaded_at=NOW,
        expires_at=None,
    )  # fmt: skip
    assert (row.origin, row.sha256, len(store.list_files())) == (FileOrigin.APP, "hx", 1)


def test_an_answer_with_an_id_another_row_holds_is_refused(store: Store) -> None:
    (a,) = add_files(store, 1)
    held = store.get_file(a)
    assert held is not None
    pending = store.begin_upload(
        filename="y.txt", size_bytes=4, sha256="hy", mime_type="text/plain", local_path=None, started_at=NOW
    )
    with pytest.raises(DuplicateFileId) as caught:
        store.record_upload(
            pending, file_id=held.file_id, filename="y.txt", mime_type="text/plain", size_bytes=4,
            uploaded_at=NOW, expires_at=None,
        )  # fmt: skip
    assert caught.value.existing == held and store.list_files() == [held]
    assert store.pending_uploads() == [pending]  # kept: a refresh finds the file the server stored


def test_a_renewed_rows_old_id_is_never_adopted(store: Store) -> None:
    (a,) = add_files(store, 1)
    old = store.get_file(a)
    assert old is not None
    store.replace_file_id(a, file_id="file_renewed", uploaded_at=NOW, expires_at=None)
    assert store.is_retired_file_id(old.file_id)
    applied = store.apply_reconcile([], [_remote(old.file_id)])
    assert applied.adopted == () and len(store.list_files()) == 1


def test_a_pending_uploads_id_is_never_reused(store: Store) -> None:
    first = store.begin_upload(
        filename="a", size_bytes=1, sha256="h", mime_type="text/plain", local_path=None
    )
    store.end_upload(first.id)
    second = store.begin_upload(
        filename="b", size_bytes=1, sha256="h", mime_type="text/plain", local_path=None
    )
    assert second.id != first.id  # the service tells uploads in flight apart by this id
