"""The files table: a row per file, found by id, remote id or hash; reconcile in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.catalog import FileOrigin, FileState, NewFile, RemoteUpdate, Store

from .conftest import add_files


def test_file_roundtrip_and_dedupe_lookup(store: Store) -> None:
    exp = datetime(2030, 1, 1, tzinfo=UTC)
    rec = store.add_file(
        file_id="file_a",
        filename="a.pdf",
        mime_type="application/pdf",
        size_bytes=10,
        sha256="abc",
        local_path="/x/a.pdf",
        expires_at=exp,
    )
    assert rec.state is FileState.ACTIVE and rec.origin is FileOrigin.APP
    assert rec.expires_at == exp
    assert store.find_active_by_sha256("abc") == rec
    store.set_file_state(rec.id, FileState.EXPIRED)
    assert store.find_active_by_sha256("abc") is None
    assert [f.id for f in store.list_files([FileState.EXPIRED])] == [rec.id]
    assert store.file_by_file_id("file_a") is not None
    now = datetime(2029, 12, 31, tzinfo=UTC)
    assert rec.expires_in(now) == timedelta(days=1)


def test_apply_remote_is_one_transaction_and_adopts(store: Store) -> None:
    (a,) = add_files(store, 1)
    now = datetime.now(UTC)
    adopted = store.apply_remote(
        [RemoteUpdate(a, FileState.MISSING, None)],
        [NewFile("file_remote", "r.txt", "text/plain", 3, now, None)],
    )
    assert [r.origin for r in adopted] == [FileOrigin.ADOPTED]
    assert store.get_file(a).state is FileState.MISSING  # type: ignore[union-attr]


def test_dedupe_lookup_finds_only_this_apps_own_rows_never_adopted_or_leftover(store: Store) -> None:
    def add(file_id: str, origin: FileOrigin) -> int:
        return store.add_file(
            file_id=file_id, filename="a.txt", mime_type="text/plain", size_bytes=3, sha256="same",
            origin=origin,
        ).id  # fmt: skip

    own = add("file_own", FileOrigin.APP)
    store.add_leftover(
        file_id="file_left", filename="a.txt", mime_type="text/plain", size_bytes=3, sha256="same",
        uploaded_at=datetime.now(UTC) + timedelta(hours=1), expires_at=None, leftover_of=own, warning="left",
    )  # fmt: skip
    add("file_adopted", FileOrigin.ADOPTED)
    found = store.find_active_by_sha256("same")
    assert found is not None and found.id == own
    store.set_file_state(own, FileState.DELETED)
    assert store.find_active_by_sha256("same") is None  # the leftover and the adopted row are not reused
