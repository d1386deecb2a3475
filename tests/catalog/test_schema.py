"""The catalog file: WAL, schema version and migrations, a clear error for a damaged or newer file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.api.lifecycle import stale_state
from assistant.catalog import Store, StoreError
from assistant.catalog.schema import MIGRATIONS, SCHEMA_VERSION


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


def test_migration_from_schema_1_keeps_rows_and_adds_empty_source_info(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "INSERT INTO files (file_id, filename, mime_type, size_bytes, sha256, local_path, uploaded_at, "
        "state) VALUES ('file_old', 'old.txt', 'text/plain', 3, 'abc', '/x/old.txt', 0, 'active')"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 6
        (old,) = store.list_files()
        assert (old.file_id, old.sha256, old.local_path) == ("file_old", "abc", "/x/old.txt")
        assert (old.source_sha256, old.source_size, old.source_mtime, old.kept_path) == (None,) * 4
        assert old.original_name is None and old.warnings == () and old.source_kind is None
        assert stale_state(old) is None  # nothing recorded to compare with
        done = store.set_source_info(
            old.id,
            source_sha256="d" * 64,
            source_size=3,
            source_mtime=1.5,
            kept_path="/x/old.txt",
            original_name="öld:1.txt",
            warnings=("renamed “öld:1.txt”",),
        )
        assert done.warnings == ("renamed “öld:1.txt”",) and done.original_name == "öld:1.txt"
        assert done.filename == "old.txt"  # unchanged unless given


def test_damaged_catalog_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(path)
