"""``Store``: the catalog's one SQLite file, its table families composed into one object."""

from __future__ import annotations

from pathlib import Path

from assistant.catalog.conversations import Conversations
from assistant.catalog.files import Files
from assistant.catalog.notes import ConversationNotes
from assistant.catalog.review_cells import ReviewCells
from assistant.catalog.reviews import Reviews
from assistant.catalog.schema import connect
from assistant.catalog.sets import Sets
from assistant.catalog.sync_paths import SyncPaths
from assistant.catalog.turns import Turns
from assistant.catalog.upload_failures import UploadFailures

__all__ = ["Store"]


class Store(
    Files, Conversations, ConversationNotes, Turns, UploadFailures, Reviews, ReviewCells, Sets, SyncPaths
):
    """The catalog. Open with ``Store.open(path)``; close with ``close()`` or a ``with`` block."""

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Create or migrate the catalog at ``path``; turns left "streaming" by a crash read as
        incomplete. Raises StoreError for a newer schema or a damaged file."""
        return cls(connect(Path(path)))
