"""The files the person has selected in the table, and what they make possible.

``Selection(records, source_state)``: ``select(records)`` when the table's selection changes,
``drop(row_id)`` when a file is deleted. ``current()`` is each selected file as the table has it now
(a selection may hold an older copy of a row that was renewed since); ``renewable()`` and ``changed()``
are the ones Renew and Re-upload act on (``source_state(row_id)`` says what the stale check found).
``actions_changed(renewable count, any changed)`` is emitted by ``update()``, whenever either may
have moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal

from assistant.catalog import FileRecord, SourceState
from assistant.catalog.rules import can_renew

__all__ = ["Selection"]


class Selection(QObject):
    actions_changed = Signal(int, bool)  # how many can be renewed; whether any has a changed source

    def __init__(
        self,
        records: Callable[[], Sequence[FileRecord]],
        source_state: Callable[[int], SourceState | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._records = records
        self._source_state = source_state
        self.records: list[FileRecord] = []

    def select(self, records: Sequence[FileRecord]) -> None:
        self.records = list(records)
        self.update()

    def drop(self, row_id: int) -> None:
        self.records = [r for r in self.records if r.id != row_id]

    @property
    def ids(self) -> set[int]:
        return {r.id for r in self.records}

    def current(self) -> list[FileRecord]:
        by_id = {r.id: r for r in self._records()}
        return [by_id.get(r.id, r) for r in self.records]

    def renewable(self) -> list[FileRecord]:
        return [r for r in self.current() if can_renew(r)]

    def changed(self) -> list[FileRecord]:
        return [r for r in self.current() if self._source_state(r.id) is SourceState.CHANGED]

    def update(self) -> None:
        self.actions_changed.emit(len(self.renewable()), bool(self.changed()))
