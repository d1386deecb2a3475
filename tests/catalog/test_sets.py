"""Document sets in the catalog (issue 12): sets, membership, conversations on a set, sync summaries and
storage, and the migration that adds them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.catalog import (
    DEFAULT_IGNORE_PATTERNS,
    ORGANISATION_QUOTA,
    SetError,
    SetSummary,
    SkipReason,
    Store,
    SyncState,
    SyncStatus,
    format_summary,
)
from assistant.catalog.schema import MIGRATIONS, SCHEMA_VERSION
from assistant.catalog.sync_paths import SyncWrite
from tests.catalog.conftest import add_files


def test_create_rename_instructions_and_delete_keeps_the_files(store: Store) -> None:
    a, b, c = add_files(store, 3)
    contracts = store.create_set("  Q3   supplier contracts ", file_ids=[a, b])
    assert (
        contracts.name == "Q3 supplier contracts"
        and contracts.folder is None
        and contracts.instructions == ""
    )
    with pytest.raises(SetError, match="already a set named"):
        store.create_set("q3 SUPPLIER contracts")
    with pytest.raises(SetError, match="needs a name"):
        store.create_set("   ")
    hr = store.create_set("HR policies", "Answer in French.", [c])
    assert [s.name for s in store.list_sets()] == ["HR policies", "Q3 supplier contracts"]
    assert store.rename_set(contracts.id, "Contracts").name == "Contracts"
    with pytest.raises(SetError, match="already a set named"):
        store.rename_set(contracts.id, "hr POLICIES")
    assert store.set_instructions(hr.id, "Cite the policy number.").instructions == "Cite the policy number."
    assert store.set_by_name("contracts") == store.get_set(contracts.id)

    conv = store.create_conversation("Ask", "claude-x", [a], set_id=contracts.id)
    assert conv.set_id == contracts.id and store.conversation_set(conv.id) == store.get_set(contracts.id)
    assert sorted(store.delete_set(contracts.id)) == [a, b]  # for an optional clean-up
    assert store.get_set(contracts.id) is None
    assert {r.id for r in store.list_files()} == {a, b, c}  # the files stay
    again = store.get_conversation(conv.id)
    assert again is not None and again.set_id is None and again.file_ids == (a,)
    with pytest.raises(SetError, match="no longer exists"):
        store.required_set(contracts.id)


def test_membership_lists_records_and_sets_of_a_file(store: Store) -> None:
    a, b, c = add_files(store, 3)
    one = store.create_set("One", file_ids=[a])
    two = store.create_set("Two")
    store.add_to_set(two.id, [a, b, b])
    store.add_to_set(one.id, [c])
    assert store.set_file_ids(one.id) == [a, c] and store.set_file_ids(two.id) == [a, b]
    assert {r.id for r in store.set_records(two.id)} == {a, b}
    assert [s.name for s in store.sets_of_file(a)] == ["One", "Two"]
    assert store.set_memberships() == {a: (one.id, two.id), b: (two.id,), c: (one.id,)}
    store.remove_from_set(two.id, [a])
    assert store.set_file_ids(two.id) == [b] and store.get_file(a) is not None
    with pytest.raises(SetError):
        store.add_to_set(999, [a])


def test_a_conversation_on_a_set_picks_up_files_added_later(store: Store) -> None:
    a, b, c = add_files(store, 3)
    doc_set = store.create_set("Logs", file_ids=[a])
    conv = store.create_conversation("On the set", "claude-x", [a], set_id=doc_set.id)
    assert store.files_to_pick_up(conv.id) == []
    store.add_to_set(doc_set.id, [b, c])
    from assistant.catalog import FileState

    store.set_file_state(c, FileState.EXPIRED)
    assert [r.id for r in store.files_to_pick_up(conv.id)] == [b]  # active ones only
    store.attach_files(conv.id, [b])
    assert store.files_to_pick_up(conv.id) == []
    plain = store.create_conversation("No set", "claude-x", [a])
    assert plain.set_id is None and store.files_to_pick_up(plain.id) == []
    store.set_conversation_set(plain.id, doc_set.id)
    assert [r.id for r in store.files_to_pick_up(plain.id)] == [b]


def test_summary_states_storage_and_missing_records(store: Store, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    rows = [
        store.add_file(
            file_id=f"file_{i}",
            filename=f"f{i}.txt",
            mime_type="text/plain",
            size_bytes=1000 * (i + 1),
            expires_at=now + timedelta(days=days),
        ).id
        for i, days in enumerate((2, 6, 20))
    ]
    folder = tmp_path / "docs"
    folder.mkdir()
    doc_set = store.link_folder(store.create_set("Docs", file_ids=[rows[2], rows[1]]).id, folder)
    assert doc_set.folder == folder.absolute() and doc_set.ignore_patterns == DEFAULT_IGNORE_PATTERNS
    synced = SyncState(SyncStatus.SYNCED)
    store.write_sync(
        [
            SyncWrite(doc_set.id, folder / "a.txt", synced, rows[0], 10, 1.0, "h0"),
            SyncWrite(doc_set.id, folder / "b.txt", SyncState(SyncStatus.MISSING, message="gone"), rows[1]),
            SyncWrite(doc_set.id, folder / "c.tmp", SyncState(SyncStatus.SKIPPED, SkipReason.IGNORED)),
            SyncWrite(
                doc_set.id, folder / "d.bin", SyncState(SyncStatus.FAILED, message="permission denied")
            ),
            SyncWrite(doc_set.id, folder / "e.txt", SyncState(SyncStatus.WAITING)),
        ]
    )
    summary = store.set_summary(doc_set.id)
    assert summary == SetSummary(synced=2, waiting=1, failed=1, skipped=1, missing=1)
    other = store.create_set("Other", file_ids=[rows[0]])
    assert store.set_summaries() == {doc_set.id: summary, other.id: SetSummary(synced=1)}
    everywhere = store.file_sync_states()
    assert set(everywhere) == {rows[0], rows[1]}  # rows a folder syncs; rows[2] was added by hand
    assert everywhere[rows[1]].status is SyncStatus.MISSING
    assert format_summary(summary) == "2 synced · 1 waiting · 1 skipped · 1 failed · 1 not in folder"
    assert format_summary(SetSummary(synced=214, skipped=3, failed=1)) == "214 synced · 3 skipped · 1 failed"
    assert format_summary(SetSummary()) == "empty"
    states = store.sync_states(doc_set.id)
    assert states[rows[0]].label == "synced" and states[rows[1]].label == "not in folder"
    assert states[rows[2]] == synced  # added by hand
    assert SyncState(SyncStatus.SKIPPED, SkipReason.TOO_LARGE).label == "skipped: over the size limit"
    assert [r.id for r in store.missing_records(doc_set.id)] == [rows[1]]

    storage = store.set_storage(doc_set.id, now)
    assert (storage.files, storage.remote_bytes) == (3, 6000)
    assert [r.id for r in storage.expiring_this_week] == [rows[0], rows[1]] and storage.expiring_bytes == 3000
    assert ORGANISATION_QUOTA.used_bytes is None and "does not report" in ORGANISATION_QUOTA.note

    store.forget_missing(doc_set.id, [rows[1]])
    assert store.missing_records(doc_set.id) == [] and rows[1] in store.set_file_ids(doc_set.id)
    store.unlink_folder(doc_set.id)
    assert store.sync_paths(doc_set.id) == [] and store.set_summary(doc_set.id).synced == 3


def test_linking_something_that_is_not_a_folder_says_so(store: Store, tmp_path: Path) -> None:
    doc_set = store.create_set("S")
    with pytest.raises(SetError, match="is not a folder"):
        store.link_folder(doc_set.id, tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SetError, match="is not a folder"):
        store.link_folder(doc_set.id, tmp_path / "file.txt")
    linked = store.link_folder(doc_set.id, tmp_path, ["*.log", "", "# comment"])
    assert linked.ignore_patterns == ("*.log",)
    assert store.link_folder(doc_set.id, tmp_path) == linked  # the same folder again: nothing changes
    assert store.set_ignore_patterns(doc_set.id, ["a/", " b "]).ignore_patterns == ("a/", "b")


def test_migration_to_sets_keeps_conversations(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[: SCHEMA_VERSION - 1]:
        db.executescript(script)
    db.execute("INSERT INTO conversations (title, model, created_at, updated_at) VALUES ('Old', 'm', 0, 0)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.commit()
    db.close()
    with Store.open(path) as store:
        (conv,) = store.list_conversations()
        assert conv.title == "Old" and conv.set_id is None and store.list_sets() == []
