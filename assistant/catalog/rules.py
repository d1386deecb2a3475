"""The small rules about catalog rows the UI and the API layer share: expiry, renewal, orphans, gone files.

Pure: they read only records (and the catalog), never the disk or the network, and import neither the
API layer nor the document converters, so the UI may import them at start-up. ``stale_state`` (has the
source changed?) is not here: it reads and hashes the source, see ``assistant.api.lifecycle``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from assistant.catalog.records import FileOrigin, FileRecord
from assistant.catalog.store import Store

__all__ = [
    "EXPIRY_WARNING",
    "HIDDEN_CHARACTERS",
    "HINT",
    "can_renew",
    "expiring_soon",
    "gone_files_for",
    "hidden_characters",
    "is_hint",
    "note_line",
    "orphans",
    "shown_name",
    "warnings_of",
]

HINT = "ⓘ "
"""Leads a row's note that informs rather than warns (what a PDF costs each way), kept among its
``warnings``: shown with an information sign, never a warning sign."""


def is_hint(note: str) -> bool:
    return note.startswith(HINT)


def warnings_of(notes: tuple[str, ...]) -> tuple[str, ...]:
    """The notes that warn (no text layer, renamed, ...), without the hints."""
    return tuple(n for n in notes if not is_hint(n))


def note_line(note: str) -> str:
    """A note as a tooltip line: a warning after ⚠, a hint after its own ⓘ."""
    return note if is_hint(note) else f"⚠ {note}"


EXPIRY_WARNING = timedelta(days=3)
"""A file that expires within this is "expiring soon"."""


def expiring_soon(
    records: Iterable[FileRecord], now: datetime, within: timedelta = EXPIRY_WARNING
) -> list[FileRecord]:
    """Active files that expire within ``within`` of ``now`` (or already should have, but a refresh has
    not marked them yet), soonest first. Files that never expire are never in it."""
    soon = [r for r in records if r.is_active and r.expires_at is not None and r.expires_at - now <= within]
    return sorted(soon, key=lambda r: (r.expires_at, r.id))


def can_renew(record: FileRecord) -> bool:
    """Whether ``lifecycle.renew`` has something to upload from (reads only the record, not the disk)."""
    return record.origin is FileOrigin.APP and (record.kept_path or record.local_path) is not None


def orphans(store: Store) -> list[FileRecord]:
    """Files still on the server that no row of this app uses (for Clean up): found remotely, not
    uploaded here, and those this app left behind (``is_leftover``)."""
    return [r for r in store.list_files() if r.origin is FileOrigin.ADOPTED and r.is_active]


def is_leftover(record: FileRecord) -> bool:
    """A file this app left on the server (a renewal's old file whose delete failed, or the new file of
    a renewal a crash cut short): an orphan of this app's own, not one "not uploaded by this app"."""
    return record.leftover_of is not None


def gone_files_for(store: Store, conversation_id: int) -> list[FileRecord]:
    """The conversation's attached files that are expired, missing or deleted, in attach order."""
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        return []
    gone: list[FileRecord] = []
    for row_id in conversation.file_ids:
        record = store.get_file(row_id)
        if record is not None and not record.is_active:
            gone.append(record)
    return gone


# bidirectional controls (embeddings, overrides, isolates, marks) and zero-width or invisible characters
HIDDEN_CHARACTERS = re.compile(
    "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u180e\ufeff\u00ad\u034f]"
)


def hidden_characters(name: str) -> tuple[str, ...]:
    """The characters of ``name`` that change how it reads without showing (each once, in order)."""
    return tuple(dict.fromkeys(HIDDEN_CHARACTERS.findall(name)))


def shown_name(name: str) -> str:
    """``name`` as it should be displayed: each hidden character spelled out as ⟨U+XXXX⟩."""
    return HIDDEN_CHARACTERS.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", name)
