"""The catalog: the app's files, conversations and turns in one SQLite file (no Qt, no network).

Imports only the standard library; everything above it (api, ui, app) may import it. Thread-safe: one
connection guarded by a lock, so any worker may call any method (each call is short). WAL journal, foreign
keys on, schema version in ``PRAGMA user_version`` with forward migrations.

    records.py        FileState, FileOrigin, SourceState, TurnState, CitationKind, IMAGE_TYPES;
                      frozen dataclasses (UTC datetimes):
                      Citation (kind "page"|"char", cited_text, document_index, document_title, file_id,
                      start, end, answer_offset), Usage (token counts), FileRecord (id: the catalog row,
                      stable across renewals; file_id: the remote id; the source info of schema 2;
                      .expires_in(now), .is_image, .is_active), Conversation (file_ids: catalog row ids in
                      attach order), Turn, RemoteUpdate, NewFile
    schema.py         MIGRATIONS, SCHEMA_VERSION, StoreError, connect(path)
    files.py          add_file, get_file, file_by_file_id, find_active_by_sha256, list_files (newest first),
                      set_file_state, touch_files, replace_file_id (renewal: same row, new remote id),
                      set_source_info, set_kept_path, apply_remote(updates, adopted) (one transaction)
    conversations.py  create_conversation, get_conversation, list_conversations(search) (recently updated
                      first), rename_conversation, set_conversation_model, delete_conversation,
                      set_conversation_files, attach_files, detach_file, conversations_using,
                      replace_conversation_file (same position; the old one dropped if the new is there)
    turns.py          start_turn (written BEFORE the request is sent), save_partial, finish_turn, get_turn,
                      list_turns (oldest first), delete_turn
    store.py          Store(Files, Conversations, Turns): Store.open(path) creates/migrates and marks turns
                      left "streaming" incomplete; close() or ``with Store.open(path) as store:``
    writer.py         TurnWriter(store, turn_id, interval=1.0, clock=time.monotonic): .append(text),
                      .add_citation(c), .flush(), .complete(usage, cost), .interrupt(), .fail(message);
                      saves at most every ``interval`` seconds, so a crash loses at most that much
    upload_failures.py  UploadFailure; record_upload_failure (one per path), list_upload_failures (oldest
                      first), forget_upload_failures(paths): failed uploads kept until dismissed
    set_records.py    (issue 12) DocumentSet, SyncStatus, SkipReason, SyncState (.label), PathSync, SetSummary
                      + format_summary, SetStorage, OrganisationQuota/ORGANISATION_QUOTA (the API reports no
                      use), FolderHealth, FolderState, DEFAULT_IGNORE_PATTERNS, SetError
    sets.py           create_set, get_set, required_set, set_by_name, list_sets, rename_set, set_instructions,
                      delete_set (never the files: returns the row ids it held), add_to_set, remove_from_set,
                      set_file_ids, set_records, sets_of_file, set_memberships, link_folder, unlink_folder,
                      set_ignore_patterns, linked_sets, set_conversation_set, conversation_set,
                      files_to_pick_up (active files of a conversation's set not attached yet)
    sync_paths.py     sync_paths(set_id), paths_synced_as(path), write_sync (the folder engine's), sync_states
                      (row id -> SyncState in a set), file_sync_states (over every set), set_summary,
                      set_summaries, set_storage, missing_records (offered for clean-up), forget_missing;
                      sync_index, row_places, active_hashes, paths_with_hash (for scans)
    rules.py          EXPIRY_WARNING, expiring_soon, can_renew, orphans, gone_files_for (pure; for the UI)
    identity.py       text_conversion(record), known_name(record): a file converted to text here is shown
                      and cited by its own name, kind and size (pure)

Reading SDK objects (citations, usage) is the API layer's: ``assistant.api.parse``.
"""

from assistant.catalog.notes import ConversationNote
from assistant.catalog.records import (
    IMAGE_TYPES,
    Citation,
    CitationKind,
    Conversation,
    FileOrigin,
    FileRecord,
    FileState,
    NewFile,
    RemoteUpdate,
    SourceState,
    Turn,
    TurnState,
    Usage,
)
from assistant.catalog.schema import StoreError
from assistant.catalog.set_records import (
    DEFAULT_IGNORE_PATTERNS,
    ORGANISATION_QUOTA,
    DocumentSet,
    FolderHealth,
    FolderState,
    OrganisationQuota,
    PathSync,
    SetError,
    SetStorage,
    SetSummary,
    SkipReason,
    SyncState,
    SyncStatus,
    format_summary,
)
from assistant.catalog.store import Store
from assistant.catalog.upload_failures import UploadFailure
from assistant.catalog.writer import TurnWriter

__all__ = [
    "DEFAULT_IGNORE_PATTERNS",
    "IMAGE_TYPES",
    "ORGANISATION_QUOTA",
    "Citation",
    "CitationKind",
    "Conversation",
    "ConversationNote",
    "DocumentSet",
    "FileOrigin",
    "FileRecord",
    "FileState",
    "FolderHealth",
    "FolderState",
    "NewFile",
    "OrganisationQuota",
    "PathSync",
    "RemoteUpdate",
    "SetError",
    "SetStorage",
    "SetSummary",
    "SkipReason",
    "SourceState",
    "Store",
    "StoreError",
    "SyncState",
    "SyncStatus",
    "Turn",
    "TurnState",
    "TurnWriter",
    "UploadFailure",
    "Usage",
    "format_summary",
]
