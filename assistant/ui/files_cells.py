"""What each cell of the files table says: the display text, sort value, colour, icon and tooltip of a
``FileRecord`` in a column (``FileCells``, the model's half that reads a record; ``files_model`` holds
the rows and tells the views what changed). Also the columns, their roles, and the Sync column's words
(``SyncCell``: what a watched folder's sync says of a row; none for a file in no watched folder)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from assistant.catalog import FileOrigin, FileRecord, FileState, SourceState
from assistant.catalog.rules import EXPIRY_WARNING
from assistant.ui import files_text
from assistant.ui.files_marks import NAME_LEGEND, NAME_MARK_ROLES, name_mark
from assistant.ui.files_text import expires_tooltip, state_label, state_text, state_tooltip
from assistant.ui.formatting import format_remaining, format_size, format_when, remaining_level
from assistant.ui.theme import info_icon, level_color, warning_icon

__all__ = ["COLUMNS", "HEADER_TIPS", "RECORD_ROLE", "SORT_ROLE", "Col", "FileCells", "SyncCell"]

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RECORD_ROLE = int(Qt.ItemDataRole.UserRole) + 2

_NEVER = 1e18  # sorts after every real expiry time
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class Col:
    NAME = 0
    TYPE = 1
    SIZE = 2
    UPLOADED = 3
    EXPIRES = 4
    LAST_USED = 5
    STATE = 6
    SYNC = 7


COLUMNS = ("Name", "Type", "Size", "Uploaded", "Expires in", "Last used", "State", "Sync")
HEADER_TIPS = {
    Col.NAME: NAME_LEGEND,
    Col.EXPIRES: "Time until the API deletes the file (its retention)",
    Col.SYNC: "What the watched folder's sync did with the file (synced, waiting, failed…)",
}


@dataclass(frozen=True)
class SyncCell:
    """The Sync column of one row: a word or two ("synced", "failed"), why (the tooltip), and whether
    it needs attention (shown in the warning colour)."""

    label: str
    why: str = ""
    warning: bool = False


class FileCells:
    """The cell values of a row; the model provides the clock and what it knows beside the records."""

    _clock: Callable[[], datetime]
    _notes: dict[int, str]
    _sources: dict[int, SourceState]
    _in_chat: frozenset[int]
    _sync: dict[int, SyncCell]

    def expiring_soon(self, rec: FileRecord) -> bool:
        """Active, uploaded by this app, and under three days left (the row says Renew)."""
        if rec.state is not FileState.ACTIVE or rec.expires_at is None or rec.origin is not FileOrigin.APP:
            return False
        return rec.expires_at - self._clock() <= EXPIRY_WARNING

    def _value(self, rec: FileRecord, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(rec, col)
        if role == SORT_ROLE:
            return self._sort_value(rec, col)
        if role == RECORD_ROLE:
            return rec
        if col == Col.NAME and role in NAME_MARK_ROLES:
            return name_mark(rec, role, rec.id in self._in_chat)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.SYNC:
                sync = self._sync.get(rec.id)
                return level_color("warning") if sync is not None and sync.warning else None
            if col == Col.EXPIRES:
                return level_color(self._level(rec))
            if col == Col.STATE and rec.state is not FileState.ACTIVE:
                return level_color("expired")
            if col == Col.STATE and (
                self.expiring_soon(rec) or self._sources.get(rec.id) is SourceState.CHANGED
            ):
                return level_color("warning")
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if col != Col.STATE:
                return None
            soon, source, note = self.expiring_soon(rec), self._sources.get(rec.id), self._notes.get(rec.id)
            sign = files_text.state_sign(rec, soon=soon, source=source, note=note)
            return {"warning": warning_icon, "info": info_icon}.get(sign or "", lambda: None)()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(rec, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Col.SIZE:
            return _RIGHT
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[col]}: {self._state_text(rec) if col == Col.STATE else self._display(rec, col)}"
        return None

    def _renew_hint(self, rec: FileRecord) -> str:
        left = format_remaining(rec.expires_in(self._clock()))
        return f"Expires in {left} — Renew to keep it (File ▸ Renew, or the context menu)."

    def _level(self, rec: FileRecord) -> str:
        if rec.state is FileState.EXPIRED:
            return "expired"
        return remaining_level(rec.expires_in(self._clock()))

    def _display(self, rec: FileRecord, col: int) -> str:
        if col == Col.NAME:
            return files_text.name_text(rec)
        if col == Col.TYPE:
            return files_text.type_text(rec)
        if col == Col.SIZE:
            return format_size(files_text.size_of(rec))
        if col == Col.UPLOADED:
            return format_when(rec.uploaded_at)
        if col == Col.EXPIRES:
            if rec.state is FileState.EXPIRED:
                return "expired"
            if rec.state in (FileState.MISSING, FileState.DELETED):
                return "—"
            return format_remaining(rec.expires_in(self._clock()))
        if col == Col.LAST_USED:
            return format_when(rec.last_used_at) if rec.last_used_at else "never"
        if col == Col.STATE:
            return state_label(rec, source=self._sources.get(rec.id), soon=self.expiring_soon(rec))
        if col == Col.SYNC:
            sync = self._sync.get(rec.id)
            return "" if sync is None else sync.label
        return ""

    def _state_text(self, rec: FileRecord) -> str:
        """All the State column has to say of a row (its tooltip's first line, its accessible text)."""
        soon, source, note = self.expiring_soon(rec), self._sources.get(rec.id), self._notes.get(rec.id)
        return state_text(rec, source=source, soon=soon, note=note)

    def _sort_value(self, rec: FileRecord, col: int) -> Any:
        if col == Col.NAME:
            return files_text.name_text(rec).casefold()
        if col == Col.TYPE:
            return files_text.type_text(rec)
        if col == Col.SIZE:
            return files_text.size_of(rec)
        if col == Col.UPLOADED:
            return rec.uploaded_at.timestamp()
        if col == Col.EXPIRES:
            return rec.expires_at.timestamp() if rec.expires_at is not None else _NEVER
        if col == Col.LAST_USED:
            return rec.last_used_at.timestamp() if rec.last_used_at else 0.0
        if col == Col.STATE:
            return state_label(rec, source=self._sources.get(rec.id), soon=self.expiring_soon(rec))
        if col == Col.SYNC:
            sync = self._sync.get(rec.id)
            return "" if sync is None else sync.label
        return None

    def _tooltip(self, rec: FileRecord, col: int) -> str | None:
        if col == Col.SYNC:
            sync = self._sync.get(rec.id)
            return None if sync is None else f"{sync.label}: {sync.why}" if sync.why else sync.label
        hint = self._renew_hint(rec) if self.expiring_soon(rec) else None
        if col == Col.EXPIRES:
            return expires_tooltip(rec, hint)
        if col in (Col.TYPE, Col.SIZE):
            return files_text.conversion_tip(rec)
        if col == Col.STATE:
            more = state_tooltip(
                rec, source=self._sources.get(rec.id), renew_hint=hint, note=self._notes.get(rec.id)
            )
            return f"{self._state_text(rec)}\n{more}" if more else self._state_text(rec)
        return None
