"""The catalog's schema: forward migrations, opening a connection, and how values are stored.

The schema version is ``PRAGMA user_version``; migration i takes it from version i to i+1. Rows come back
as ``sqlite3.Row`` (read by column name). Times are stored as UTC POSIX seconds (REAL).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StoreError", "connect"]


class StoreError(Exception):
    """The catalog cannot be opened (newer schema, corrupt file) or is closed."""


# Each migration takes the schema from version i to i+1. Never edit one that has shipped: append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        file_id TEXT NOT NULL,
        filename TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT,
        local_path TEXT,
        uploaded_at REAL NOT NULL,
        expires_at REAL,
        last_used_at REAL,
        state TEXT NOT NULL CHECK (state IN ('active', 'expired', 'missing', 'deleted')),
        origin TEXT NOT NULL DEFAULT 'app' CHECK (origin IN ('app', 'adopted'))
    );
    CREATE UNIQUE INDEX files_file_id ON files(file_id);
    CREATE INDEX files_sha256 ON files(sha256, state);
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        model TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE conversation_files (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        file_row_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, file_row_id)
    );
    CREATE INDEX conversation_files_file ON conversation_files(file_row_id);
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL DEFAULT '',
        citations TEXT NOT NULL DEFAULT '[]',
        usage TEXT,
        cost_usd REAL,
        state TEXT NOT NULL CHECK (state IN ('streaming', 'complete', 'incomplete', 'failed')),
        error TEXT,
        model TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX turns_conversation ON turns(conversation_id, id);
    """,
    # 2: what the source was when it was prepared (stale copies), the kept copy (renewal without the
    # source), and what the user was told (the original name of a renamed upload, warnings).
    """
    ALTER TABLE files ADD COLUMN source_sha256 TEXT;
    ALTER TABLE files ADD COLUMN source_size INTEGER;
    ALTER TABLE files ADD COLUMN source_mtime REAL;
    ALTER TABLE files ADD COLUMN kept_path TEXT;
    ALTER TABLE files ADD COLUMN original_name TEXT;
    ALTER TABLE files ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: why an answer ended as the API said it (end_turn, max_tokens, ...); None for older turns
    """
    ALTER TABLE turns ADD COLUMN stop_reason TEXT;
    """,
    # 4: who may change a file's row when. Every write to a row stamps it with the next value of one
    # counter (``file_clock``, by trigger), so a reconcile judges only rows not changed since its listing
    # began; uploads are recorded as pending before they are sent (found again on the server after a
    # lost answer or a crash); the remote ids a row held before a renewal are remembered (never adopted
    # as someone else's); ``leftover_of``: a file this app left on the server (its delete failed).
    """
    ALTER TABLE files ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE files ADD COLUMN leftover_of INTEGER;
    CREATE TABLE file_clock (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
    INSERT INTO file_clock (id, value) VALUES (1, 0);
    CREATE TRIGGER files_stamp_insert AFTER INSERT ON files BEGIN
        UPDATE file_clock SET value = value + 1 WHERE id = 1;
        UPDATE files SET revision = (SELECT value FROM file_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER files_stamp_update AFTER UPDATE ON files WHEN NEW.revision = OLD.revision BEGIN
        UPDATE file_clock SET value = value + 1 WHERE id = 1;
        UPDATE files SET revision = (SELECT value FROM file_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TABLE pending_uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the service tracks uploads in flight by id
        filename TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        local_path TEXT,
        started_at REAL NOT NULL,
        row_id INTEGER REFERENCES files(id) ON DELETE CASCADE
    );
    CREATE TABLE retired_file_ids (
        file_id TEXT PRIMARY KEY,
        row_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        retired_at REAL NOT NULL
    );
    """,
    # 5: what kind of file the source was when it was prepared ("pdf", "docx", "zip", "gzip"...), so a file
    # converted to text on this computer is shown and cited by its own name, kind and size
    """
    ALTER TABLE files ADD COLUMN source_kind TEXT;
    """,
    # 6: uploads that failed, listed again after a restart until the person dismisses them (one per path)
    """
    CREATE TABLE IF NOT EXISTS upload_failures (
        path TEXT PRIMARY KEY,
        message TEXT NOT NULL,
        permanent INTEGER NOT NULL DEFAULT 0,
        failed_at REAL NOT NULL
    );
    """,
    # 7: a PDF sent as text: where each page starts in the uploaded text (a JSON list of 0-based character
    # offsets), so the answers' char_location citations are turned back into page numbers
    """
    ALTER TABLE files ADD COLUMN page_starts TEXT;
    """,
    # review grids (issue 11): reviews (files × questions), saved question sets, each cell's typed answer,
    # and the batches a review sent, with every request and its custom_id -> (file, question) written
    # BEFORE the batch is sent (a batch is picked up again after a restart)
    """
    CREATE TABLE question_sets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        questions TEXT NOT NULL DEFAULT '[]',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        model TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE review_files (
        review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
        file_row_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (review_id, file_row_id)
    );
    CREATE TABLE review_questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        type TEXT NOT NULL,
        categories TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX review_questions_review ON review_questions(review_id, position);
    CREATE TABLE review_batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
        batch_id TEXT UNIQUE,
        status TEXT NOT NULL,
        model TEXT NOT NULL,
        request_count INTEGER NOT NULL,
        part INTEGER NOT NULL DEFAULT 1,
        parts INTEGER NOT NULL DEFAULT 1,
        counts TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL,
        sent_at REAL,
        ended_at REAL,
        read_at REAL,
        error TEXT
    );
    CREATE INDEX review_batches_status ON review_batches(status);
    CREATE TABLE review_requests (
        batch_row_id INTEGER NOT NULL REFERENCES review_batches(id) ON DELETE CASCADE,
        custom_id TEXT NOT NULL,
        file_row_id INTEGER NOT NULL,
        question_id INTEGER NOT NULL,
        params TEXT NOT NULL,
        PRIMARY KEY (batch_row_id, custom_id)
    );
    CREATE TABLE review_cells (
        review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
        file_row_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        question_id INTEGER NOT NULL REFERENCES review_questions(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        value TEXT NOT NULL DEFAULT '',
        sort_num REAL,
        sort_text TEXT,
        answer TEXT NOT NULL DEFAULT '',
        citations TEXT NOT NULL DEFAULT '[]',
        usage TEXT,
        cost_usd REAL,
        interactive_cost_usd REAL,
        error TEXT,
        why TEXT,
        mode TEXT,
        batch_row_id INTEGER REFERENCES review_batches(id) ON DELETE SET NULL,
        custom_id TEXT,
        updated_at REAL NOT NULL,
        PRIMARY KEY (review_id, file_row_id, question_id)
    );
    CREATE INDEX review_cells_question ON review_cells(question_id);
    """,
    # document sets (issue 12): named collections of rows, each optionally linked to one local folder with
    # its ignore patterns; the sync state of every path seen in a linked folder, per set (what it uploaded
    # as, and the size, time and hash it was judged by); the set a conversation was started on
    """
    CREATE TABLE document_sets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        instructions TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL
    );
    CREATE TABLE set_files (
        set_id INTEGER NOT NULL REFERENCES document_sets(id) ON DELETE CASCADE,
        file_row_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        added_at REAL NOT NULL,
        PRIMARY KEY (set_id, file_row_id)
    );
    CREATE INDEX set_files_file ON set_files(file_row_id);
    CREATE TABLE watched_folders (
        set_id INTEGER PRIMARY KEY REFERENCES document_sets(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        ignore_patterns TEXT NOT NULL DEFAULT '[]',
        linked_at REAL NOT NULL
    );
    CREATE TABLE sync_paths (
        set_id INTEGER NOT NULL REFERENCES document_sets(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('synced', 'waiting', 'uploading', 'failed', 'skipped', 'missing')),
        reason TEXT,
        message TEXT,
        permanent INTEGER NOT NULL DEFAULT 0,
        file_row_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
        size INTEGER,
        mtime REAL,
        sha256 TEXT,
        updated_at REAL NOT NULL,
        PRIMARY KEY (set_id, path)
    );
    CREATE INDEX sync_paths_path ON sync_paths(path);
    CREATE INDEX sync_paths_file ON sync_paths(file_row_id);
    CREATE INDEX files_source_sha256 ON files(source_sha256);
    ALTER TABLE conversations ADD COLUMN set_id INTEGER REFERENCES document_sets(id) ON DELETE SET NULL;
    """,
    # What the transcript said between turns ("1 file added to the set was attached"), kept in its place:
    # after the turns whose id is at most after_turn_id (0: before the first).
    """
    CREATE TABLE conversation_notes (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        after_turn_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX conversation_notes_conversation ON conversation_notes(conversation_id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


BUSY_TIMEOUT_SECONDS = 10.0  # how long a write waits for another program's lock on the catalog


def connect(path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A connection to the catalog at ``path`` (":memory:" too), migrated to ``SCHEMA_VERSION``, with
    the turns left "streaming" by a crash marked incomplete.

    Autocommit (transactions are explicit), usable from any thread (the caller serialises), WAL journal
    with synchronous=FULL (a commit is on disk when it returns), foreign keys on, rows as
    ``sqlite3.Row``. Raises StoreError for a newer schema or a damaged file.
    """
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=busy_timeout)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        # FULL, not NORMAL: with WAL, NORMAL survives a crash of the app but a power cut or an OS crash
        # can undo the last commits (a saved question, the row of a file the server now holds). The
        # catalog writes little (a row per upload, an answer at most once a second), so one disk flush
        # per commit costs nothing anyone sees; readers still never wait for writers.
        db.execute("PRAGMA synchronous = FULL")
        _migrate(db)
        # A turn still "streaming" was cut short by a crash or a kill: it reads as incomplete.
        db.execute("UPDATE turns SET state = 'incomplete' WHERE state = 'streaming'")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(_cannot_open(path, exc, busy_timeout)) from exc
    except BaseException:
        db.close()
        raise
    return db


def _cannot_open(path: Path, exc: sqlite3.DatabaseError, waited: float) -> str:
    """What went wrong opening the catalog, and the advice that fits: only a damaged file is moved aside."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return (
            f"The catalog {path} is in use by another program (most likely another Document Assistant "
            f"on the same data folder), which did not let go of it within {waited:g} seconds. The file is "
            "fine: close the other program and start again, or start this one with --data-dir DIR for a "
            "catalog of its own."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text or "access permission" in text:
        return (
            f"The catalog {path} cannot be written ({exc}): the file or its folder is read-only. Fix "
            "its permissions, or start with --data-dir DIR pointing at a folder you can write to."
        )
    if "disk is full" in text:
        return f"The catalog {path} cannot be written ({exc}). Free some space on its disk and start again."
    if "disk i/o" in text:
        return f"The catalog {path} could not be read or written ({exc}). Check its disk, then start again."
    return (
        f"The catalog {path} cannot be opened ({exc}): the file is damaged. Move it aside to start a new "
        "one; files on the server are found again by Refresh."
    )


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _migrate(db: sqlite3.Connection) -> None:
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"The catalog was written by a newer version of the app (schema {version}); "
            "update the app to open it."
        )
    for target in range(version, SCHEMA_VERSION):
        try:
            db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[target]}; PRAGMA user_version = {target + 1}; COMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


# ---------------------------------------------------------------- stored values


def now() -> datetime:
    return datetime.now(UTC)


def to_ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def req_ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)
