"""Clean-up runs: the files the person confirmed are deleted in a worker, one outcome at a time.

``CleanupRunner(runner, files)``: ``delete(row_ids)`` returns the deletion task, not yet started (the
dialog connects its progress first, then ``start()``), or None when there is no connection
(``files()`` gives None). Each file that is gone emits ``deleted(row_id)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.bridge import Task, TaskRunner
from assistant.ui.controllers.base import Controller

if TYPE_CHECKING:
    from assistant.api.files import DeleteOutcome, FileService

__all__ = ["CleanupRunner"]


class CleanupRunner(Controller):
    deleted = Signal(int)  # catalog row id of a file that is gone

    def __init__(
        self, runner: TaskRunner, files: Callable[[], FileService | None], parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._files = files

    def delete(self, row_ids: Sequence[int]) -> Task[DeleteOutcome] | None:
        files = self._files()
        if files is None:
            return None
        ids = list(row_ids)
        return self.stream(
            lambda token: files.delete_many(ids, cancel=token), on_item=self._outcome, name="cleanup"
        )

    def _outcome(self, outcome: DeleteOutcome) -> None:
        if outcome.ok:
            self.deleted.emit(outcome.record_id)
