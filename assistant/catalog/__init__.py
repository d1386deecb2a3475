"""The catalog: the app's files, conversations and turns in one SQLite file (no Qt, no network).

Imports only the standard library; everything above it (api, ui, app) may import it.
"""

from assistant.catalog.store import (
    IMAGE_TYPES,
    Citation,
    Conversation,
    FileOrigin,
    FileRecord,
    FileState,
    NewFile,
    RemoteUpdate,
    Store,
    StoreError,
    Turn,
    TurnState,
    TurnWriter,
    Usage,
)

__all__ = [
    "IMAGE_TYPES",
    "Citation",
    "Conversation",
    "FileOrigin",
    "FileRecord",
    "FileState",
    "NewFile",
    "RemoteUpdate",
    "Store",
    "StoreError",
    "Turn",
    "TurnState",
    "TurnWriter",
    "Usage",
]
