"""What the pane does for a file it can no longer use (the gone-files notice's buttons, a chip's ✕):
take it out, renew it, or attach another in its place (a non-blocking list of the active files,
read in a worker by the controller: ``ConversationController.replacements``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from assistant.catalog import FileRecord
from assistant.catalog.identity import known_name
from assistant.ui.chat.composer import Composer
from assistant.ui.chat.controller import ConversationController
from assistant.ui.chat.notice import ReplacementPicker, no_replacement_text

__all__ = ["GoneFileActions"]


class GoneFileActions(QObject):
    def __init__(
        self,
        controller: ConversationController,
        composer: Composer,
        renew: Callable[[FileRecord], object] | None,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._controller, self._composer, self._renew, self._pane = controller, composer, renew, parent
        self._picker: ReplacementPicker | None = None
        controller.replacements.connect(self._offer)

    def remove(self, record: FileRecord) -> None:
        keep = [r for r in self._controller.attached if r.id != record.id]
        self._composer.set_files(keep)
        self._controller.attach(keep, self._composer.current_model(), announce=True)

    def renew(self, record: FileRecord) -> None:
        if self._renew is not None:
            self._renew(record)  # the window renews it in a worker, then calls refresh_files
            self._composer.show_status(f"Renewing “{known_name(record)}”…")

    def pick_replacement(self, record: FileRecord) -> None:
        self._controller.find_replacements(record)

    def _offer(self, record: FileRecord, candidates: list[FileRecord]) -> None:
        if not candidates:
            self._composer.show_warning(no_replacement_text(record))
            return
        if self._picker is not None:
            self._picker.close()
            self._picker.deleteLater()
        self._picker = ReplacementPicker(record, candidates, self._pane)
        self._picker.chosen.connect(self._controller.replace_file)
        self._picker.open()
