"""The catalog: schema, files, conversations that survive renewals, turns saved as they grow."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.catalog import (
    Citation,
    FileOrigin,
    FileState,
    NewFile,
    RemoteUpdate,
    Store,
    StoreError,
    TurnState,
    TurnWriter,
    Usage,
)
from assistant.catalog.store import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "catalog.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


def _add(store: Store, n: int = 1, **kw: object) -> list[int]:
    ids = []
    for i in range(n):
        rec = store.add_file(
            file_id=f"file_{i}_{kw.get('tag', '')}",
            filename=f"doc{i}.pdf",
            mime_type="application/pdf",
            size_bytes=100 + i,
            sha256=f"sha{i}",
        )
        ids.append(rec.id)
    return ids


def test_schema_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.commit()
    finally:
        db.close()
    with pytest.raises(StoreError, match="newer version"):
        Store.open(path)


def test_file_roundtrip_and_dedupe_lookup(store: Store) -> None:
    exp = datetime(2030, 1, 1, tzinfo=UTC)
    rec = store.add_file(
        file_id="file_a", filename="a.pdf", mime_type="application/pdf", size_bytes=10,
        sha256="abc", local_path="/x/a.pdf", expires_at=exp,
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


def test_conversation_keeps_files_across_renewal(store: Store) -> None:
    a, b = _add(store, 2)
    conv = store.create_conversation("Q3 report", "claude-sonnet-5-5", [b, a])
    assert conv.file_ids == (b, a)
    renewed = store.replace_file_id(
        a, file_id="file_new", uploaded_at=datetime.now(UTC), expires_at=None
    )
    assert renewed.id == a and renewed.file_id == "file_new"
    again = store.get_conversation(conv.id)
    assert again is not None and again.file_ids == (b, a)
    store.detach_file(conv.id, b)
    store.attach_files(conv.id, [b, a])
    again = store.get_conversation(conv.id)
    assert again is not None and again.file_ids == (a, b)
    assert store.conversations_using(a) == [conv.id]
    store.rename_conversation(conv.id, "Q3 numbers")
    assert [c.title for c in store.list_conversations("numb")] == ["Q3 numbers"]
    assert store.list_conversations("100%") == []
    store.delete_conversation(conv.id)
    assert store.conversations_using(a) == []


def test_turn_written_before_send_and_interrupted_reads_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        conv = store.create_conversation("t", "m")
        turn = store.start_turn(conv.id, "What is it?", "m")
        assert turn.state is TurnState.STREAMING and turn.answer == ""
        clock = [0.0]
        writer = TurnWriter(store, turn.id, interval=1.0, clock=lambda: clock[0])
        writer.append("Hello")  # first append saves at once
        clock[0] = 0.5
        writer.append(", wor")  # within the interval: not yet saved
        assert store.get_turn(turn.id).answer == "Hello"  # type: ignore[union-attr]
        clock[0] = 1.2
        writer.append("ld")
        c = Citation("page", "text", 0, "a.pdf", "file_x", 1, 2)
        writer.add_citation(c)
        saved = store.get_turn(turn.id)
        assert saved is not None and saved.answer == "Hello, world"
        # the process dies here: nothing else is written
    with Store.open(path) as store:
        (again,) = store.list_turns(conv.id)
        assert again.state is TurnState.INCOMPLETE
        assert again.answer == "Hello, world"


def test_turn_complete_keeps_usage_citations_and_cost(store: Store) -> None:
    conv = store.create_conversation("t", "m")
    turn = store.start_turn(conv.id, "q", "m")
    writer = TurnWriter(store, turn.id)
    writer.append("answer")
    cit = Citation("char", "abc", 1, "notes.txt", "file_1", 3, 6)
    writer.add_citation(cit)
    usage = Usage(10, 20, 30, 40, 30, 0)
    done = writer.complete(usage, 0.0123)
    assert done.state is TurnState.COMPLETE
    assert done.citations == (cit,)
    assert done.usage == usage and done.cost_usd == pytest.approx(0.0123)
    failed = TurnWriter(store, store.start_turn(conv.id, "q2", "m").id).fail("Rate limited")
    assert failed.state is TurnState.FAILED and failed.error == "Rate limited"


def test_usage_from_api_dict_without_breakdown() -> None:
    u = Usage.from_api({"input_tokens": 5, "output_tokens": 7, "cache_creation_input_tokens": 100,
                        "cache_read_input_tokens": None})
    assert u == Usage(5, 7, 100, 0, 100, 0)
    u2 = Usage.from_api({"input_tokens": 1, "cache_creation_input_tokens": 9,
                         "cache_creation": {"ephemeral_5m_input_tokens": 4, "ephemeral_1h_input_tokens": 5}})
    assert (u2.cache_write_5m_tokens, u2.cache_write_1h_tokens) == (4, 5)


def test_citation_from_api() -> None:
    c = Citation.from_api({"type": "page_location", "cited_text": "x", "document_index": 1,
                           "document_title": "a.pdf", "file_id": "f", "start_page_number": 2,
                           "end_page_number": 3})
    assert c == Citation("page", "x", 1, "a.pdf", "f", 2, 3)
    assert Citation.from_api({"type": "web_search_result_location"}) is None


def test_apply_remote_is_one_transaction_and_adopts(store: Store) -> None:
    (a,) = _add(store, 1)
    now = datetime.now(UTC)
    adopted = store.apply_remote(
        [RemoteUpdate(a, FileState.MISSING, None)],
        [NewFile("file_remote", "r.txt", "text/plain", 3, now, None)],
    )
    assert [r.origin for r in adopted] == [FileOrigin.ADOPTED]
    assert store.get_file(a).state is FileState.MISSING  # type: ignore[union-attr]


def test_concurrent_writers_from_threads(store: Store) -> None:
    conv = store.create_conversation("t", "m")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                t = store.start_turn(conv.id, f"{n}-{i}", "m")
                store.save_partial(t.id, "x" * i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.list_turns(conv.id)) == 200


def test_damaged_catalog_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(path)
