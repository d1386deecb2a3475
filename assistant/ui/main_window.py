"""The main window. It only assembles: each part gets what it needs, and the signals meet here.

Left: the files (search, table, upload queue). Right: the chat pane (``ChatPanel``, built by the
composition root and handed in). Above: menus and a toolbar (``window_actions``); an offline banner when
the sandbox answers; below: the status bar. What happens lives in the controllers
(``ui/controllers/``): the files' catalog reads and upload batching, the stale check, renew and
re-upload, clean-up runs, the upload queue. Services come in through ``WindowContext``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QMainWindow, QStatusBar, QWidget

from assistant import APP_NAME
from assistant.ui.geometry import WindowState, fit_to_screen

if TYPE_CHECKING:  # the parts are imported in ``assemble``, after the first paint
    from PySide6.QtGui import QCloseEvent

    from assistant.bridge import TaskRunner
    from assistant.catalog import DocumentSet, FileRecord, Store
    from assistant.secrets import KeyStatus
    from assistant.settings import Paths, Settings
    from assistant.ui.chat import ChatPanel
    from assistant.ui.cleanup import CleanupDialog
    from assistant.ui.controllers import (
        CleanupRunner,
        FilesController,
        RowOperations,
        Selection,
        StaleChecker,
        UploadQueue,
    )
    from assistant.ui.files_model import FilesModel
    from assistant.ui.files_panel import FilesPanel
    from assistant.ui.key_dialog import KeyDialog
    from assistant.ui.session import ApiSession, Services
    from assistant.ui.sets.wiring import DocumentSets
    from assistant.ui.settings_dialog import SettingsDialog
    from assistant.ui.status import StatusBar
    from assistant.ui.upload_queue import UploadPanel
    from assistant.ui.window_actions import WindowSlots

__all__ = ["MainWindow", "WindowContext"]


@dataclass
class WindowContext:
    """What the window is given by the composition root."""

    paths: Paths
    settings: Settings
    store: Store
    runner: TaskRunner
    session: ApiSession
    chat_panel: ChatPanel
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    save_settings: Callable[[Settings], None] | None = None


class MainWindow(QMainWindow):
    offline_requested = Signal()  # "Try it offline": the composition root rebuilds the window offline
    online_requested = Signal()  # a key was saved while offline: rebuild the window online
    files_loaded = Signal()  # the table was (re)filled from the catalog

    def __init__(self, paths: Paths | None = None, *, offline: bool = False, parent: QWidget | None = None):
        """The shell: the window at its restored size with its title and a status bar, cheap enough to
        paint at once (no icons, no menus yet: they load files). ``assemble`` adds the rest."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME + (" — offline sandbox" if offline else ""))
        self.composition: object = None  # the composition root (``app.AppRoot``), set by it
        self.assembled = False
        self.closed = False  # shut down: the parts take no new work
        self.setStatusBar(QStatusBar(self))
        self.statusBar().showMessage("Starting…")
        self.window_state = WindowState(paths.config) if paths is not None else None
        restored = self.window_state is not None and self.window_state.restore_geometry(self)
        fit_to_screen(self, restored=restored)

    def assemble(self, ctx: WindowContext) -> None:
        """Build the parts and wire them (imports the parts' modules: call after the first paint)."""
        from assistant.ui.controllers import (
            CleanupRunner,
            FilesController,
            RowOperations,
            Selection,
            StaleChecker,
            UploadQueue,
        )
        from assistant.ui.dialogs import app_icon
        from assistant.ui.drops import FileDropFilter
        from assistant.ui.files_model import FilesModel
        from assistant.ui.files_panel import FilesPanel
        from assistant.ui.source.wiring import SourceViewer
        from assistant.ui.status import StatusBar
        from assistant.ui.upload_area import UploadArea
        from assistant.ui.window_actions import WindowActions
        from assistant.ui.window_dialogs import WindowDialogs
        from assistant.ui.window_layout import WindowLayout

        self.ctx = ctx
        session = self.session = ctx.session
        self.chat_panel: ChatPanel = ctx.chat_panel
        self.setWindowIcon(app_icon())

        # what happens
        self.files_model: FilesModel = FilesModel(self, clock=ctx.clock)
        self.files: FilesController = FilesController(ctx.runner, ctx.store, self.files_model, self)
        self.stale: StaleChecker = StaleChecker(ctx.runner, self.files_model.records, parent=self)
        self.selection: Selection = Selection(self.files_model.records, self.files_model.source_state, self)
        self.rows: RowOperations = RowOperations(
            ctx.runner,
            self.files,
            renew=session.renew,
            reupload=session.refresh_stale,
            connected=lambda: session.services is not None,
            parent=self,
        )
        self.cleanup: CleanupRunner = CleanupRunner(
            ctx.runner, lambda: None if session.services is None else session.services.files, self
        )
        self.upload_queue: UploadQueue = UploadQueue(
            ctx.runner, None, lambda: self.ctx.settings.concurrent_uploads, self
        )

        # what is shown
        self.files_panel: FilesPanel = FilesPanel(self.files_model)
        self.status: StatusBar = StatusBar(self)
        self.setStatusBar(self.status)
        self.uploads = UploadArea(self, ctx, self.upload_queue, self.status, self.add_paths)
        self.upload_panel: UploadPanel = self.uploads.panel
        from assistant.ui.sets.wiring import DocumentSets

        self.sets: DocumentSets = DocumentSets(self)  # the sets sidebar beside the files table
        layout = WindowLayout.build(
            self.sets.beside(self.files_panel),
            self.upload_panel,
            self.chat_panel,
            offline=session.offline,
        )
        self.setCentralWidget(layout.central)
        self.splitter, self.left_splitter, self.banner = layout.splitter, layout.left_splitter, layout.banner
        self.dialogs = WindowDialogs(
            self, ctx, self.files_model.records, lambda: self.selection.ids, self.cleanup.delete
        )
        self.commands = WindowActions(self, self._slots())
        self.uploads.add_to_menu(self.menuBar())
        self.sets.add_to_menu(self.menuBar())
        from assistant.ui.window_wiring import adopt_chat_actions, connect_window

        adopt_chat_actions(self)
        connect_window(self)
        self.source = SourceViewer(
            ctx.runner, self.chat_panel, self.splitter, lambda t: self.status.showMessage(t, 6000), self
        )
        from assistant.ui.review.wiring import ReviewView

        self.review = ReviewView(self, layout.tabs)
        self.review_panel = self.review.panel
        self.drop_filter = FileDropFilter(self.add_paths, self)
        self.drop_filter.watch(self)

        if self.window_state is None:
            self.window_state = WindowState(ctx.paths.config)
        self.window_state.keep(
            self,
            splitters={
                "main": self.splitter,
                "files": self.left_splitter,
                "chat": self.chat_panel.splitter,
                "sets": self.sets.splitter,
            },
            headers={"files": self.files_panel.table.horizontalHeader()},
            numbers={"source/width": self.source.room.number, **self.review.kept},
        )
        self.files_panel.fit_columns(self.width())  # until the saved header state says otherwise
        self.window_state.restore(geometry=False)
        self.review.restore()  # the tab and the review of the last run
        self.status.set_key(None, offline=session.offline)
        self.assembled = True

    def _slots(self) -> WindowSlots:
        from assistant.ui.window_actions import WindowSlots

        return WindowSlots(
            choose_files=lambda: self.uploads.choose(folder=False),
            choose_folder=lambda: self.uploads.choose(folder=True),
            paste_files=self.paste_files,
            refresh=self.refresh,
            open_cleanup=self.open_cleanup,
            delete_selected=self.delete_selected,
            renew_selected=self.renew_selected,
            reupload_selected=self.reupload_selected,
            new_conversation=self.chat_panel.new_conversation,
            open_settings=self.open_settings,
            open_key_dialog=self.open_key_dialog,
            show_about=self.dialogs.about,
            quit=self.close,
        )

    # -------------------------------------------------------------------------------- start-up
    def start(self) -> None:
        """After the first paint: load the catalog and connect, both in workers."""
        self.reload_files()
        self.uploads.start()  # the failures of earlier runs, listed again
        self.sets.start()  # the sets, and the linked folders rescanned (what changed while closed)
        self.session.start()

    def services_ready(self, _services: Services) -> None:
        self.upload_queue.set_uploader(self.session.upload_one)
        self.sets.services_ready()

    # -------------------------------------------------------------------------------------- files
    def reload_files(self) -> None:
        self.files.reload()

    def renew_file(self, record: FileRecord) -> None:
        self.rows.renew(record)

    def files_read(self) -> None:
        selected = self.selection.ids
        self.files_panel.resort()
        if selected:
            self.files_panel.select_ids(selected)
        self.chat_panel.refresh_files()  # chips and the gone-files notice follow the catalog
        self.selection.update()
        self.files_loaded.emit()
        self.stale.check()

    def renew_selected(self) -> None:
        for record in self.selection.renewable():
            self.rows.renew(record)

    def reupload_selected(self) -> None:
        for record in self.selection.changed():
            self.rows.reupload(record)

    def file_actions_changed(self, renewable: int, changed: bool) -> None:
        """Renew and Re-upload follow the selection (and what the stale check found)."""
        renew = self.commands.renew_action
        renew.setEnabled(renewable > 0)
        renew.setText(f"Re&new {renewable} files" if renewable > 1 else "Re&new")
        renew.setIconText("Renew")  # setText resets it: the toolbar keeps one width (no shift)
        renew.setToolTip(
            f"Upload the {renewable} selected files again from their kept copies, with a fresh expiry"
            if renewable > 1
            else "Upload the selected file again from its kept copy, with a fresh expiry"
        )
        self.commands.reupload_action.setEnabled(changed)

    def add_paths(self, paths: list[Path]) -> None:
        """Dropped, pasted or chosen files and folders go to the upload queue."""
        if not paths:
            return
        if self.session.services is None and not self.session.offline and self.session.status is not None:
            self.status.showMessage("Enter an API key (or try it offline) to upload.", 8000)
        self.upload_queue.add_paths(paths)

    def paste_files(self) -> None:
        from assistant.ui.drops import clipboard_paths

        paths = clipboard_paths()
        if paths:
            self.add_paths(paths)
        else:
            self.status.showMessage("The clipboard holds no files.", 5000)

    def refresh(self) -> None:
        if self.session.refresh() is None and self.session.services is None:
            self.reload_files()

    # ------------------------------------------------------------------------- selection and chat
    def table_selection_changed(self, records: list[FileRecord]) -> None:
        """Selecting only selects: what the conversation asks about changes only through ``ask_about``
        (and the chat pane's own chips), and the chat's attachments never move the selection."""
        self.selection.select(records)

    def ask_about(self, records: list[FileRecord]) -> None:
        """The explicit attach ("Ask about these", Ctrl+Shift+A, the menu): these files join the
        conversation's files (the table marks them), and the composer takes the focus. One rule for
        every way to attach (``chat.attaching``): files that can no longer be used are left out, said."""
        self.chat_panel.attaching.attach_records(records)
        self.chat_panel.focus_composer()

    def show_local_copy(self, record: FileRecord) -> None:
        from assistant.ui.open_at_page import open_local

        open_local(record, lambda text: self.status.showMessage(text, 6000), in_folder=True)

    # ------------------------------------------------------------------------ document sets
    def create_set(self, name: str, records: Sequence[FileRecord] = ()) -> DocumentSet:
        """A new document set holding ``records`` (automation; the sidebar lists it). Raises
        ``ApiFailure`` saying why when it cannot be made (a name already taken)."""
        return self.sets.create_set(name, list(records))

    def watch_folder(self, set_name: str, path: Path | str) -> None:
        """Link the set named ``set_name`` to the folder ``path`` and keep it in sync (automation)."""
        self.sets.watch_folder(set_name, path)

    # ------------------------------------------------------------------------------------ dialogs
    def open_cleanup(self, *, only_selected: bool = False) -> CleanupDialog:
        return self.dialogs.cleanup(only_selected=only_selected)

    def delete_selected(self) -> None:
        if self.selection.records:
            self.open_cleanup(only_selected=True)

    def delete_files(self, records: list[FileRecord]) -> None:
        self.files_panel.select_ids({r.id for r in records})
        self.open_cleanup(only_selected=True)

    def file_deleted(self, row_id: int) -> None:
        self.selection.drop(row_id)
        self.files.removed([row_id])

    def open_key_dialog(self, first_run: bool = False, status: KeyStatus | None = None) -> KeyDialog:
        return self.dialogs.key(first_run, status)

    def open_settings(self) -> SettingsDialog:
        return self.dialogs.settings()

    def key_saved(self, status: KeyStatus) -> None:
        where = f"stored in {status.backend}" if status.remembered else status.reason
        self.status.showMessage(f"The key works; {where}", 10000)
        if self.session.offline:
            self.online_requested.emit()
        else:
            self.session.key_saved(status)

    def settings_saved(self, settings: Settings) -> None:
        old, self.ctx.settings = self.ctx.settings, settings
        if self.ctx.save_settings is not None:
            self.ctx.save_settings(settings)
        if settings.theme != old.theme:
            from assistant.ui.theme import apply_theme

            apply_theme(settings.theme)
        reconnect = (settings.base_url, settings.max_tokens) != (old.base_url, old.max_tokens)
        if reconnect and not self.session.offline:
            self.session.start()
        self.upload_queue.set_uploader(self.session.upload_one if self.session.services else None)

    # -------------------------------------------------------------------------------------- close
    def shutdown(self) -> None:
        """No new work, and no late result reaches a part: each controller cancels its tasks."""
        if not self.assembled or self.closed:
            return
        self.closed = True
        for controller in (
            self.files,
            self.stale,
            self.rows,
            self.cleanup,
            self.uploads.memory,
            self.source,
            self.review,
            self.sets,
        ):
            controller.close()
        self.chat_panel.stop()
        self.upload_queue.cancel_all()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.window_state is not None:
            self.source.room.give_back()  # the files side's own width is the one kept
            self.files_panel.name_room.give_back()  # the columns the person chose are the ones kept
            self.window_state.save()
        self.shutdown()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.assembled and self.isActiveWindow():
            self.stale.check_if_due()  # back from editing a file elsewhere: say which uploads are stale
        super().changeEvent(event)
