"""The catalog: one SQLite file in the data dir with the app's files, conversations and turns.

No Qt, no network. Thread-safe: one connection guarded by a lock, so any worker thread may call any
method (each call is short; the GUI thread should still not call it for large batches). WAL journal,
foreign keys on, schema version in ``PRAGMA user_version`` with forward migrations.

Public API (all records are frozen dataclasses; times are timezone-aware UTC ``datetime``)::

    FileState      active | expired | missing | deleted
    FileOrigin     app (uploaded by this app) | adopted (found remotely: an "orphan" for cleanup)
    TurnState      streaming | complete | incomplete | failed
    Citation       kind ("page"|"char"), cited_text, document_index, document_title, file_id, start, end,
                   answer_offset (where in the answer the citation arrived, see Citation; None in old rows)
    Usage          input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,
                   cache_write_5m_tokens, cache_write_1h_tokens   (Usage.from_api(obj) reads SDK usage)
    FileRecord     id (catalog row id, stable across renewals), file_id, filename, mime_type, size_bytes,
                   sha256, local_path, uploaded_at, expires_at (None = never), last_used_at, state, origin,
                   and what the source was when it was prepared (schema 2; None/empty for adopted rows and
                   rows from before): source_sha256, source_size, source_mtime, kept_path (the exact bytes
                   uploaded: the source itself, or converted text / a PDF part in the cache dir),
                   original_name (the source's name when the upload was renamed), warnings (tuple of str);
                   .expires_in(now) -> timedelta | None, .is_image, .is_active
    Conversation   id, title, model, created_at, updated_at, file_ids (catalog row ids, in attach order)
    Turn           id, conversation_id, question, answer, citations, usage, cost_usd, state, error,
                   model, created_at, updated_at

    store = Store.open(path)            # creates/migrates; marks turns left "streaming" as incomplete
    store.close()                       # or use ``with Store.open(path) as store:``

    # files
    add_file(file_id=..., filename=..., mime_type=..., size_bytes=..., sha256=None, local_path=None,
             uploaded_at=None, expires_at=None, origin=FileOrigin.APP, state=FileState.ACTIVE) -> FileRecord
    get_file(id) -> FileRecord | None;  file_by_file_id(file_id) -> FileRecord | None
    find_active_by_sha256(sha256) -> FileRecord | None
    list_files(states=None) -> list[FileRecord]          # newest first
    set_file_state(id, state);  touch_files(ids, when=None)
    replace_file_id(id, file_id=..., uploaded_at=..., expires_at=...)  # renewal: same row, new remote id
    set_source_info(id, source_sha256=..., source_size=..., source_mtime=..., kept_path=...,
                    original_name=None, warnings=(), filename=None, mime_type=None) -> FileRecord
    set_kept_path(id, kept_path)
    apply_remote(updates, adopted) -> list[FileRecord]   # one transaction (used by reconcile)

    # conversations
    create_conversation(title, model, file_ids=()) -> Conversation
    get_conversation(id); list_conversations(search=None) (recently updated first)
    rename_conversation(id, title); set_conversation_model(id, model); delete_conversation(id)
    set_conversation_files(id, file_ids); attach_files(id, file_ids); detach_file(id, file_row_id)
    conversations_using(file_row_id) -> list[int]
    replace_conversation_file(id, old_row_id, new_row_id)  # same position; old dropped if new is there
    conversations_with_gone_files() -> list[(conversation id, [FileRecord not active, attach order])]

    # turns
    start_turn(conversation_id, question, model) -> Turn     # written BEFORE the request is sent
    save_partial(turn_id, answer, citations)                 # the streamed answer so far
    finish_turn(turn_id, state=..., answer=..., citations=..., usage=None, cost_usd=None, error=None)
    get_turn(id); list_turns(conversation_id) (oldest first); delete_turn(id)
    TurnWriter(store, turn_id, interval=1.0, clock=time.monotonic)
        .append(text), .add_citation(c), .flush(), .complete(usage, cost), .fail(message), .interrupt()
        saves at most every ``interval`` seconds while text grows, so a crash loses at most that much.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

__all__ = [
    "Citation",
    "Conversation",
    "FileOrigin",
    "FileRecord",
    "FileState",
    "RemoteUpdate",
    "Store",
    "Turn",
    "TurnState",
    "TurnWriter",
    "Usage",
]


class FileState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    MISSING = "missing"
    DELETED = "deleted"


class FileOrigin(StrEnum):
    APP = "app"
    ADOPTED = "adopted"


class TurnState(StrEnum):
    STREAMING = "streaming"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    FAILED = "failed"


IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _now() -> datetime:
    return datetime.now(UTC)


def _to_ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _req_ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True)
class Citation:
    """One citation of an answer: where in which document the cited text is, and where in the answer.

    ``answer_offset`` is the length of the answer text (``str`` index, code points) at the moment the
    citation arrived in the stream. The API sends a text block's citations before that block's text, so
    it is where the cited block *starts* in the answer. Replaying the answer with each citation at its
    offset reproduces exactly what was shown while streaming, whatever the wording (a paraphrase does
    not quote ``cited_text``). None for citations saved before it was recorded (their place is found by
    searching for the cited text) and for citations not from a stream.
    """

    kind: str  # "page" (PDF, 1-indexed pages, end exclusive) or "char" (text, 0-indexed chars)
    cited_text: str
    document_index: int
    document_title: str | None
    file_id: str | None
    start: int
    end: int
    answer_offset: int | None = None

    @classmethod
    def from_api(cls, obj: Any) -> Citation | None:
        """From an SDK citation object or its dict; None for kinds the app does not show."""
        data: dict[str, Any] = obj if isinstance(obj, dict) else obj.model_dump()
        kind = data.get("type")
        if kind == "page_location":
            return cls(
                "page",
                str(data.get("cited_text") or ""),
                int(data.get("document_index") or 0),
                data.get("document_title"),
                data.get("file_id"),
                int(data.get("start_page_number") or 0),
                int(data.get("end_page_number") or 0),
            )
        if kind == "char_location":
            return cls(
                "char",
                str(data.get("cited_text") or ""),
                int(data.get("document_index") or 0),
                data.get("document_title"),
                data.get("file_id"),
                int(data.get("start_char_index") or 0),
                int(data.get("end_char_index") or 0),
            )
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "cited_text": self.cited_text,
            "document_index": self.document_index,
            "document_title": self.document_title,
            "file_id": self.file_id,
            "start": self.start,
            "end": self.end,
            **({} if self.answer_offset is None else {"answer_offset": self.answer_offset}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Citation:
        return cls(
            str(data["kind"]),
            str(data["cited_text"]),
            int(data["document_index"]),
            data.get("document_title"),
            data.get("file_id"),
            int(data["start"]),
            int(data["end"]),
            None if data.get("answer_offset") is None else int(data["answer_offset"]),
        )


@dataclass(frozen=True)
class Usage:
    """Token usage of one request, as the API reports it."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @classmethod
    def from_api(cls, obj: Any) -> Usage:
        """From an SDK ``Usage`` (or ``MessageDeltaUsage``) object or its dict."""
        data: dict[str, Any] = obj if isinstance(obj, dict) else obj.model_dump()
        creation = int(data.get("cache_creation_input_tokens") or 0)
        detail = data.get("cache_creation") or {}
        w5 = int(detail.get("ephemeral_5m_input_tokens") or 0)
        w1 = int(detail.get("ephemeral_1h_input_tokens") or 0)
        if creation and not (w5 or w1):
            w5 = creation  # no breakdown: the default TTL is 5 minutes
        return cls(
            int(data.get("input_tokens") or 0),
            int(data.get("output_tokens") or 0),
            creation,
            int(data.get("cache_read_input_tokens") or 0),
            w5,
            w1,
        )

    @property
    def total_input_tokens(self) -> int:
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def to_json(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_write_5m_tokens": self.cache_write_5m_tokens,
            "cache_write_1h_tokens": self.cache_write_1h_tokens,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: int(data.get(k) or 0) for k in cls().to_json()})


@dataclass(frozen=True)
class FileRecord:
    id: int
    file_id: str
    filename: str
    mime_type: str
    size_bytes: int
    sha256: str | None
    local_path: str | None
    uploaded_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    state: FileState
    origin: FileOrigin
    source_sha256: str | None = None
    source_size: int | None = None
    source_mtime: float | None = None
    kept_path: str | None = None
    original_name: str | None = None
    warnings: tuple[str, ...] = ()

    def expires_in(self, now: datetime | None = None) -> timedelta | None:
        """Time left before expiry (negative once past); None when the file never expires."""
        if self.expires_at is None:
            return None
        return self.expires_at - (now or _now())

    @property
    def is_image(self) -> bool:
        return self.mime_type in IMAGE_TYPES

    @property
    def is_active(self) -> bool:
        return self.state is FileState.ACTIVE


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    model: str
    created_at: datetime
    updated_at: datetime
    file_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Turn:
    id: int
    conversation_id: int
    question: str
    answer: str
    citations: tuple[Citation, ...]
    usage: Usage | None
    cost_usd: float | None
    state: TurnState
    error: str | None
    model: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RemoteUpdate:
    """A change to one catalog row found by reconciling with the remote list."""

    id: int
    state: FileState
    expires_at: datetime | None


@dataclass(frozen=True)
class NewFile:
    """A file to add to the catalog (used by ``apply_remote`` for adopted files)."""

    file_id: str
    filename: str
    mime_type: str
    size_bytes: int
    uploaded_at: datetime
    expires_at: datetime | None
    state: FileState = FileState.ACTIVE
    origin: FileOrigin = FileOrigin.ADOPTED
    sha256: str | None = None
    local_path: str | None = None


# Each migration takes the schema from version i to i+1. Never edit one that has shipped: append.
_MIGRATIONS: tuple[str, ...] = (
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
)

SCHEMA_VERSION = len(_MIGRATIONS)

_FILE_COLUMNS = (
    "id, file_id, filename, mime_type, size_bytes, sha256, local_path, uploaded_at, expires_at, "
    "last_used_at, state, origin, source_sha256, source_size, source_mtime, kept_path, original_name, "
    "warnings"
)
_TURN_COLUMNS = (
    "id, conversation_id, question, answer, citations, usage, cost_usd, state, error, model, "
    "created_at, updated_at"
)


class StoreError(Exception):
    """The catalog cannot be opened (newer schema, corrupt file)."""


def _file(row: sqlite3.Row | tuple[Any, ...]) -> FileRecord:
    return FileRecord(
        id=row[0],
        file_id=row[1],
        filename=row[2],
        mime_type=row[3],
        size_bytes=row[4],
        sha256=row[5],
        local_path=row[6],
        uploaded_at=_req_ts(row[7]),
        expires_at=_from_ts(row[8]),
        last_used_at=_from_ts(row[9]),
        state=FileState(row[10]),
        origin=FileOrigin(row[11]),
        source_sha256=row[12],
        source_size=row[13],
        source_mtime=row[14],
        kept_path=row[15],
        original_name=row[16],
        warnings=_warnings(row[17]),
    )


def _warnings(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(w) for w in value) if isinstance(value, list) else ()


def _turn(row: tuple[Any, ...]) -> Turn:
    return Turn(
        id=row[0],
        conversation_id=row[1],
        question=row[2],
        answer=row[3],
        citations=tuple(Citation.from_json(c) for c in json.loads(row[4])),
        usage=None if row[5] is None else Usage.from_json(json.loads(row[5])),
        cost_usd=row[6],
        state=TurnState(row[7]),
        error=row[8],
        model=row[9],
        created_at=_req_ts(row[10]),
        updated_at=_req_ts(row[11]),
    )


def _citations_json(citations: Iterable[Citation]) -> str:
    return json.dumps([c.to_json() for c in citations], ensure_ascii=False)


class Store:
    """The catalog. Open with ``Store.open(path)``; close with ``close()`` or a ``with`` block."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._closed = False

    @classmethod
    def open(cls, path: Path | str) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            store = cls(db)
            store._migrate()
            # A turn still "streaming" was cut short by a crash or a kill: it reads as incomplete.
            db.execute("UPDATE turns SET state = 'incomplete' WHERE state = 'streaming'")
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(
                f"The catalog {path} cannot be opened ({exc}). Move it aside to start a new one; "
                "files on the server are found again by Refresh."
            ) from exc
        except BaseException:
            db.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The catalog was written by a newer version of the app (schema {version}); "
                "update the app to open it."
            )
        for target in range(version, SCHEMA_VERSION):
            with self._lock:
                try:
                    self._db.executescript(
                        f"BEGIN IMMEDIATE; {_MIGRATIONS[target]}; PRAGMA user_version = {target + 1}; COMMIT;"
                    )
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreError("The catalog is closed.")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._closed:
                raise StoreError("The catalog is closed.")
            return self._db.execute(sql, params).fetchall()

    # ---------------------------------------------------------------- files

    def add_file(
        self,
        *,
        file_id: str,
        filename: str,
        mime_type: str,
        size_bytes: int,
        sha256: str | None = None,
        local_path: str | None = None,
        uploaded_at: datetime | None = None,
        expires_at: datetime | None = None,
        origin: FileOrigin = FileOrigin.APP,
        state: FileState = FileState.ACTIVE,
    ) -> FileRecord:
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO files (file_id, filename, mime_type, size_bytes, sha256, local_path, "
                "uploaded_at, expires_at, state, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    file_id,
                    filename,
                    mime_type,
                    size_bytes,
                    sha256,
                    local_path,
                    _to_ts(uploaded_at or _now()),
                    _to_ts(expires_at),
                    str(state),
                    str(origin),
                ),
            )
            row_id = cur.lastrowid
        record = self.get_file(int(row_id or 0))
        assert record is not None
        return record

    def get_file(self, row_id: int) -> FileRecord | None:
        rows = self._query(f"SELECT {_FILE_COLUMNS} FROM files WHERE id = ?", (row_id,))
        return _file(rows[0]) if rows else None

    def file_by_file_id(self, file_id: str) -> FileRecord | None:
        rows = self._query(f"SELECT {_FILE_COLUMNS} FROM files WHERE file_id = ?", (file_id,))
        return _file(rows[0]) if rows else None

    def find_active_by_sha256(self, sha256: str) -> FileRecord | None:
        rows = self._query(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE sha256 = ? AND state = 'active' "
            "ORDER BY uploaded_at DESC LIMIT 1",
            (sha256,),
        )
        return _file(rows[0]) if rows else None

    def list_files(self, states: Iterable[FileState] | None = None) -> list[FileRecord]:
        if states is None:
            rows = self._query(f"SELECT {_FILE_COLUMNS} FROM files ORDER BY uploaded_at DESC, id DESC")
        else:
            wanted = [str(s) for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self._query(
                f"SELECT {_FILE_COLUMNS} FROM files WHERE state IN ({marks}) "
                "ORDER BY uploaded_at DESC, id DESC",
                wanted,
            )
        return [_file(r) for r in rows]

    def set_file_state(self, row_id: int, state: FileState) -> None:
        with self._tx() as db:
            db.execute("UPDATE files SET state = ? WHERE id = ?", (str(state), row_id))

    def touch_files(self, row_ids: Iterable[int], when: datetime | None = None) -> None:
        stamp = _to_ts(when or _now())
        with self._tx() as db:
            db.executemany("UPDATE files SET last_used_at = ? WHERE id = ?", [(stamp, i) for i in row_ids])

    def set_local_path(self, row_id: int, local_path: str | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE files SET local_path = ? WHERE id = ?", (local_path, row_id))

    def replace_file_id(
        self,
        row_id: int,
        *,
        file_id: str,
        uploaded_at: datetime,
        expires_at: datetime | None,
        size_bytes: int | None = None,
        sha256: str | None = None,
    ) -> FileRecord:
        """Renewal: the same catalog row (so every conversation keeps it) points at a new remote file."""
        with self._tx() as db:
            db.execute(
                "UPDATE files SET file_id = ?, uploaded_at = ?, expires_at = ?, state = 'active', "
                "size_bytes = COALESCE(?, size_bytes), sha256 = COALESCE(?, sha256) WHERE id = ?",
                (file_id, _to_ts(uploaded_at), _to_ts(expires_at), size_bytes, sha256, row_id),
            )
        record = self.get_file(row_id)
        if record is None:
            raise KeyError(row_id)
        return record

    def set_source_info(
        self,
        row_id: int,
        *,
        source_sha256: str | None,
        source_size: int | None,
        source_mtime: float | None,
        kept_path: str | None,
        original_name: str | None = None,
        warnings: Sequence[str] = (),
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> FileRecord:
        """Record what the source was when it was prepared, the kept copy, and what the user was told.

        ``filename``/``mime_type`` change only when given (a refreshed source may upload differently).
        """
        with self._tx() as db:
            db.execute(
                "UPDATE files SET source_sha256 = ?, source_size = ?, source_mtime = ?, kept_path = ?, "
                "original_name = ?, warnings = ?, filename = COALESCE(?, filename), "
                "mime_type = COALESCE(?, mime_type) WHERE id = ?",
                (
                    source_sha256,
                    source_size,
                    source_mtime,
                    kept_path,
                    original_name,
                    json.dumps(list(warnings), ensure_ascii=False),
                    filename,
                    mime_type,
                    row_id,
                ),
            )
        record = self.get_file(row_id)
        if record is None:
            raise KeyError(row_id)
        return record

    def set_kept_path(self, row_id: int, kept_path: str | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE files SET kept_path = ? WHERE id = ?", (kept_path, row_id))

    def apply_remote(self, updates: Iterable[RemoteUpdate], adopted: Iterable[NewFile]) -> list[FileRecord]:
        """Apply a reconcile in one transaction; returns the adopted rows."""
        new = list(adopted)
        with self._tx() as db:
            db.executemany(
                "UPDATE files SET state = ?, expires_at = ? WHERE id = ?",
                [(str(u.state), _to_ts(u.expires_at), u.id) for u in updates],
            )
            db.executemany(
                "INSERT INTO files (file_id, filename, mime_type, size_bytes, sha256, local_path, "
                "uploaded_at, expires_at, state, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(file_id) DO NOTHING",
                [
                    (
                        n.file_id,
                        n.filename,
                        n.mime_type,
                        n.size_bytes,
                        n.sha256,
                        n.local_path,
                        _to_ts(n.uploaded_at),
                        _to_ts(n.expires_at),
                        str(n.state),
                        str(n.origin),
                    )
                    for n in new
                ],
            )
        if not new:
            return []
        ids = [n.file_id for n in new]
        out: list[FileRecord] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out += [
                _file(r)
                for r in self._query(f"SELECT {_FILE_COLUMNS} FROM files WHERE file_id IN ({marks})", chunk)
            ]
        return out

    # -------------------------------------------------------- conversations

    def create_conversation(self, title: str, model: str, file_ids: Sequence[int] = ()) -> Conversation:
        stamp = _to_ts(_now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO conversations (title, model, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (title, model, stamp, stamp),
            )
            conv_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT OR IGNORE INTO conversation_files (conversation_id, file_row_id, position) "
                "VALUES (?, ?, ?)",
                [(conv_id, f, i) for i, f in enumerate(file_ids)],
            )
        conv = self.get_conversation(conv_id)
        assert conv is not None
        return conv

    def _conversation_files(self, conv_id: int) -> tuple[int, ...]:
        rows = self._query(
            "SELECT file_row_id FROM conversation_files WHERE conversation_id = ? ORDER BY position, rowid",
            (conv_id,),
        )
        return tuple(r[0] for r in rows)

    def get_conversation(self, conv_id: int) -> Conversation | None:
        rows = self._query(
            "SELECT id, title, model, created_at, updated_at FROM conversations WHERE id = ?", (conv_id,)
        )
        if not rows:
            return None
        r = rows[0]
        return Conversation(r[0], r[1], r[2], _req_ts(r[3]), _req_ts(r[4]), self._conversation_files(r[0]))

    def list_conversations(self, search: str | None = None) -> list[Conversation]:
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self._query(
                "SELECT id, title, model, created_at, updated_at FROM conversations "
                "WHERE title LIKE ? ESCAPE '\\' ORDER BY updated_at DESC, id DESC",
                (f"%{escaped}%",),
            )
        else:
            rows = self._query(
                "SELECT id, title, model, created_at, updated_at FROM conversations "
                "ORDER BY updated_at DESC, id DESC"
            )
        links: dict[int, list[int]] = {}
        for conv_id, file_row in self._query(
            "SELECT conversation_id, file_row_id FROM conversation_files ORDER BY position, rowid"
        ):
            links.setdefault(conv_id, []).append(file_row)
        return [
            Conversation(r[0], r[1], r[2], _req_ts(r[3]), _req_ts(r[4]), tuple(links.get(r[0], ())))
            for r in rows
        ]

    def rename_conversation(self, conv_id: int, title: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?",
                (title, _to_ts(_now()), conv_id),
            )

    def set_conversation_model(self, conv_id: int, model: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE conversations SET model = ? WHERE id = ?", (model, conv_id))

    def delete_conversation(self, conv_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conv_id,))

    def set_conversation_files(self, conv_id: int, file_ids: Sequence[int]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM conversation_files WHERE conversation_id = ?", (conv_id,))
            db.executemany(
                "INSERT OR IGNORE INTO conversation_files (conversation_id, file_row_id, position) "
                "VALUES (?, ?, ?)",
                [(conv_id, f, i) for i, f in enumerate(file_ids)],
            )

    def attach_files(self, conv_id: int, file_ids: Sequence[int]) -> None:
        current = list(self._conversation_files(conv_id))
        self.set_conversation_files(conv_id, current + [f for f in file_ids if f not in current])

    def detach_file(self, conv_id: int, file_row_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "DELETE FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                (conv_id, file_row_id),
            )

    def conversations_using(self, file_row_id: int) -> list[int]:
        rows = self._query(
            "SELECT conversation_id FROM conversation_files WHERE file_row_id = ? ORDER BY conversation_id",
            (file_row_id,),
        )
        return [r[0] for r in rows]

    def replace_conversation_file(self, conv_id: int, old_row_id: int, new_row_id: int) -> None:
        """Put ``new_row_id`` where ``old_row_id`` was attached (if the new one is already attached, the
        old one is just detached)."""
        with self._tx() as db:
            present = db.execute(
                "SELECT 1 FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                (conv_id, new_row_id),
            ).fetchone()
            if present or old_row_id == new_row_id:
                if old_row_id != new_row_id:
                    db.execute(
                        "DELETE FROM conversation_files WHERE conversation_id = ? AND file_row_id = ?",
                        (conv_id, old_row_id),
                    )
                return
            db.execute(
                "UPDATE conversation_files SET file_row_id = ? WHERE conversation_id = ? AND file_row_id = ?",
                (new_row_id, conv_id, old_row_id),
            )

    def conversations_with_gone_files(self) -> list[tuple[int, list[FileRecord]]]:
        """Each conversation with attached files that are not active (expired, missing, deleted), with
        those files in attach order; conversations by id."""
        cols = ", ".join(f"f.{c.strip()}" for c in _FILE_COLUMNS.split(","))
        rows = self._query(
            f"SELECT cf.conversation_id, {cols} FROM conversation_files cf "
            "JOIN files f ON f.id = cf.file_row_id WHERE f.state != 'active' "
            "ORDER BY cf.conversation_id, cf.position, cf.rowid"
        )
        out: list[tuple[int, list[FileRecord]]] = []
        for row in rows:
            if not out or out[-1][0] != row[0]:
                out.append((row[0], []))
            out[-1][1].append(_file(row[1:]))
        return out

    # ---------------------------------------------------------------- turns

    def start_turn(self, conversation_id: int, question: str, model: str) -> Turn:
        stamp = _to_ts(_now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO turns (conversation_id, question, state, model, created_at, updated_at) "
                "VALUES (?, ?, 'streaming', ?, ?, ?)",
                (conversation_id, question, model, stamp, stamp),
            )
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (stamp, conversation_id))
            turn_id = int(cur.lastrowid or 0)
        turn = self.get_turn(turn_id)
        assert turn is not None
        return turn

    def save_partial(self, turn_id: int, answer: str, citations: Sequence[Citation] = ()) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE turns SET answer = ?, citations = ?, updated_at = ? WHERE id = ?",
                (answer, _citations_json(citations), _to_ts(_now()), turn_id),
            )

    def finish_turn(
        self,
        turn_id: int,
        *,
        state: TurnState,
        answer: str,
        citations: Sequence[Citation] = (),
        usage: Usage | None = None,
        cost_usd: float | None = None,
        error: str | None = None,
    ) -> Turn:
        with self._tx() as db:
            db.execute(
                "UPDATE turns SET state = ?, answer = ?, citations = ?, usage = ?, cost_usd = ?, error = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    str(state),
                    answer,
                    _citations_json(citations),
                    None if usage is None else json.dumps(usage.to_json()),
                    cost_usd,
                    error,
                    _to_ts(_now()),
                    turn_id,
                ),
            )
        turn = self.get_turn(turn_id)
        if turn is None:
            raise KeyError(turn_id)
        return turn

    def get_turn(self, turn_id: int) -> Turn | None:
        rows = self._query(f"SELECT {_TURN_COLUMNS} FROM turns WHERE id = ?", (turn_id,))
        return _turn(rows[0]) if rows else None

    def list_turns(self, conversation_id: int) -> list[Turn]:
        rows = self._query(
            f"SELECT {_TURN_COLUMNS} FROM turns WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
        return [_turn(r) for r in rows]

    def delete_turn(self, turn_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM turns WHERE id = ?", (turn_id,))


@dataclass
class TurnWriter:
    """Saves a growing answer at most every ``interval`` seconds, then its final state.

    Used from the worker that streams the answer: ``append`` after each text delta; the text that
    arrived in the last ``interval`` seconds is all a crash can lose.
    """

    store: Store
    turn_id: int
    interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _last_save: float = field(default=-1e18, repr=False)
    _dirty: bool = field(default=False, repr=False)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def append(self, text: str) -> None:
        self.parts.append(text)
        self._dirty = True
        self._maybe_save()

    def add_citation(self, citation: Citation) -> None:
        self.citations.append(citation)
        self._dirty = True
        self._maybe_save()

    def _maybe_save(self) -> None:
        if self.clock() - self._last_save >= self.interval:
            self.flush()

    def flush(self) -> None:
        if self._dirty:
            text = self.text
            self.parts[:] = [text]
            self.store.save_partial(self.turn_id, text, self.citations)
            self._dirty = False
        self._last_save = self.clock()

    def complete(self, usage: Usage | None, cost_usd: float | None) -> Turn:
        return self.store.finish_turn(
            self.turn_id,
            state=TurnState.COMPLETE,
            answer=self.text,
            citations=self.citations,
            usage=usage,
            cost_usd=cost_usd,
        )

    def interrupt(self, usage: Usage | None = None, cost_usd: float | None = None) -> Turn:
        return self.store.finish_turn(
            self.turn_id,
            state=TurnState.INCOMPLETE,
            answer=self.text,
            citations=self.citations,
            usage=usage,
            cost_usd=cost_usd,
        )

    def fail(self, message: str) -> Turn:
        return self.store.finish_turn(
            self.turn_id, state=TurnState.FAILED, answer=self.text, citations=self.citations, error=message
        )
