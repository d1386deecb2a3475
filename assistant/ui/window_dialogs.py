"""The main window's dialogs: API key, settings, clean up, about. Each is non-modal, deleted on close,
and the key and clean-up dialogs are one at a time.

``WindowDialogs(window, ctx, selected_ids, delete)`` opens them; what they decide comes back as
signals: ``key_saved(status)`` (the window goes online or tells the session), ``offline_requested``,
``settings_saved(settings)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMainWindow

if TYPE_CHECKING:
    from assistant.api.files import DeleteOutcome
    from assistant.bridge import Task
    from assistant.catalog import FileRecord
    from assistant.secrets import KeyStatus
    from assistant.ui.cleanup import CleanupDialog
    from assistant.ui.key_dialog import KeyDialog
    from assistant.ui.main_window import WindowContext
    from assistant.ui.settings_dialog import SettingsDialog

__all__ = ["WindowDialogs"]

D = TypeVar("D", bound=QDialog)


class WindowDialogs(QObject):
    key_saved = Signal(object)  # KeyStatus
    offline_requested = Signal()
    settings_saved = Signal(object)  # Settings

    def __init__(
        self,
        window: QMainWindow,
        ctx: WindowContext,
        records: Callable[[], list[FileRecord]],
        selected_ids: Callable[[], set[int]],
        delete: Callable[[list[int]], Task[DeleteOutcome] | None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._records = records
        self._selected_ids = selected_ids
        self._delete = delete
        self._key: KeyDialog | None = None
        self._cleanup: CleanupDialog | None = None

    def key(self, first_run: bool = False, status: KeyStatus | None = None) -> KeyDialog:
        from assistant.ui.key_dialog import KeyDialog

        if self._key is not None and self._key.isVisible():
            self._key.raise_()
            return self._key
        session = self._ctx.session
        dialog = KeyDialog(
            self._ctx.runner,
            session.key_store,
            session.base_url,
            first_run=first_run,
            offline=session.offline,
            status=status or session.status,
            parent=self._window,
        )
        dialog.key_saved.connect(self.key_saved)
        dialog.offline_requested.connect(self.offline_requested)
        self._key = self._open(dialog, "_key")
        return dialog

    def settings(self) -> SettingsDialog:
        from assistant.ui.settings_dialog import SettingsDialog

        ctx = self._ctx
        choices = ctx.chat_panel.models.choices()
        dialog = SettingsDialog(ctx.settings, choices, self._window, offline=ctx.session.offline)
        dialog.saved.connect(self.settings_saved)
        return self._open(dialog)

    def cleanup(self, *, only_selected: bool = False) -> CleanupDialog:
        from assistant.ui.cleanup import CleanupDialog, plan_cleanup

        if self._cleanup is not None:
            self._cleanup.close()
        plan = plan_cleanup(
            self._records(),
            now=self._ctx.clock(),
            unused_days=self._ctx.settings.unused_days,
            selected_ids=sorted(self._selected_ids()),
            only_selected=only_selected,
        )
        dialog = CleanupDialog(plan, self._window, delete=self._delete)
        self._cleanup = self._open(dialog, "_cleanup")
        return dialog

    def about(self) -> None:
        from assistant.ui.dialogs import show_about

        show_about(self._window, self._ctx.paths)

    def _open(self, dialog: D, field: str = "") -> D:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if field:  # one at a time: forget it once it is gone
            dialog.destroyed.connect(lambda *_: setattr(self, field, None))
        dialog.open()
        return dialog
