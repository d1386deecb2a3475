"""The main window. It only assembles: each part gets what it needs, and the signals meet here.

Left: the files (search, table, upload queue). Right: the chat pane (``ChatPanel``, built by the
composition root and handed in). Above: menus and a toolbar; an offline banner when the sandbox
answers; below: the status bar. Services come in through ``WindowContext``; nothing here builds one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QMainWindow, QStatusBar, QWidget

from assistant import APP_NAME
from assistant.ui.geometry import WindowState

if TYPE_CHECKING:  # the parts are imported in ``assemble``, after the first paint
    from PySide6.QtCore import Qt, QTimer, QUrl
    from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QIcon, QKeySequence
    from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QSplitter, QStyle, QToolBar, QVBoxLayout

    from assistant.bridge import TaskRunner
    from assistant.secrets import KeyStatus
    from assistant.settings import Paths, Settings
    from assistant.catalog import FileRecord, Store
    from assistant.ui.cleanup import CleanupDialog
    from assistant.ui.key_dialog import KeyDialog
    from assistant.ui.session import ApiSession, Services
    from assistant.ui.settings_dialog import SettingsDialog

__all__ = ["MainWindow", "WindowContext"]


def _import_qt() -> None:
    """Bind the Qt names that only the assembled window uses (``Qt`` alone costs ~12 ms to import,
    a tenth of a bare window's start-up, so the shell's first paint does without them)."""
    if "Qt" in globals():
        return
    from PySide6 import QtCore, QtGui, QtWidgets

    names = {
        QtCore: ("Qt", "QTimer", "QUrl"),
        QtGui: ("QAction", "QCloseEvent", "QDesktopServices", "QGuiApplication", "QIcon", "QKeySequence"),
        QtWidgets: (
            "QApplication",
            "QFileDialog",
            "QLabel",
            "QSplitter",
            "QStyle",
            "QToolBar",
            "QVBoxLayout",
        ),
    }
    for module, attrs in names.items():
        for attr in attrs:
            globals()[attr] = getattr(module, attr)


log = logging.getLogger(__name__)

SHOWN_STATES = ("active", "expired", "missing")  # FileState values: deleted files are not shown
STALE_CHECK_THROTTLE = 10.0  # seconds: the window becoming active checks local sources at most this often


@dataclass
class WindowContext:
    """What the window is given by the composition root."""

    paths: Paths
    settings: Settings
    store: Store
    runner: TaskRunner
    session: ApiSession
    chat_panel: QWidget | None = None  # assistant.ui.chat.ChatPanel
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
        self.composition: Any = None  # the composition root, set by it
        self.assembled = False
        self.closing = False  # set on close: no new background work after that
        self._changed_since_read: dict[int, FileRecord | None] = {}
        self._following_chat = False
        self._dialogs: dict[str, QWidget] = {}
        self._selected: list[FileRecord] = []
        self._cleanup: CleanupDialog | None = None
        self._stale_task: Any = None
        self._stale_again = False
        self._stale_checked_at = -STALE_CHECK_THROTTLE
        self._stale_seen: dict[tuple[Any, ...], str | None] = {}  # (row, hash, size, time) -> state
        self._busy_rows: set[int] = set()  # rows being renewed or re-uploaded
        self.status: Any = QStatusBar(self)
        self.setStatusBar(self.status)
        self.status.showMessage("Starting…")
        self.window_state = WindowState(paths.config) if paths is not None else None
        if self.window_state is None or not self.window_state.restore_geometry(self):
            self.resize(1280, 800)

    def assemble(self, ctx: WindowContext) -> None:
        """Build the parts and wire them (imports the parts' modules: call after the first paint)."""
        from assistant.ui.drops import FileDropFilter
        from assistant.ui.files_model import FilesModel
        from assistant.ui.files_panel import FilesPanel
        from assistant.ui.status import StatusBar
        from assistant.ui.theme import banner_colors
        from assistant.ui.upload_queue import UploadPanel, UploadQueue

        _import_qt()
        self.ctx = ctx
        self.session = ctx.session
        self.setWindowIcon(_app_icon())
        self._build_actions()

        # parts
        self.files_model = FilesModel(self, clock=ctx.clock)
        self.files_panel = FilesPanel(self.files_model)
        self.upload_queue = UploadQueue(ctx.runner, None, lambda: self.ctx.settings.concurrent_uploads, self)
        self.upload_panel = UploadPanel(self.upload_queue)
        self.chat_panel = ctx.chat_panel or _placeholder()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)

        # layout
        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("filesSplitter")
        left.addWidget(self.files_panel)
        left.addWidget(self.upload_panel)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.chat_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([660, 620])
        self.left_splitter = left
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(6)
        self.banner = QLabel()
        self.banner.setObjectName("offlineBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Offline mode")
        if ctx.session.offline:
            bg, fg = banner_colors()
            self.banner.setText(
                "<b>Offline: the built-in local sandbox.</b> Answers here come from the local sandbox "
                "(passages from your documents, with citations), <b>not from Claude</b>. Nothing leaves "
                "this computer. Enter an API key (API key…) to ask Claude."
            )
            self.banner.setStyleSheet(
                f"QLabel#offlineBanner {{ background: {bg}; color: {fg}; padding: 6px; }}"
            )
        else:
            self.banner.hide()
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._pending_rows: dict[int, FileRecord] = {}
        self._pending_notes: dict[int, str] = {}
        self._resort_timer = QTimer(self)
        self._resort_timer.setSingleShot(True)
        self._resort_timer.setInterval(200)
        self._resort_timer.timeout.connect(self._flush_uploaded)

        self._adopt_chat_actions()
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.delete_action)
        self.files_panel.table.addAction(self.delete_action)
        # Ctrl+V on the files pastes files; in a text box it stays a text paste
        self.paste_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Paste))
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.paste_action)
        self.files_panel.table.addAction(self.paste_action)
        self._connect()
        self.drop_filter = FileDropFilter(self.add_paths, self)
        self.drop_filter.watch(self)

        if self.window_state is None:
            self.window_state = WindowState(ctx.paths.config)
        self.window_state.keep(
            self,
            splitters={"main": self.splitter, "files": left},
            headers={"files": self.files_panel.table.horizontalHeader()},
        )
        self.window_state.restore(geometry=False)
        self.status.set_key(None, offline=ctx.session.offline)
        self.assembled = True

    # ------------------------------------------------------------------------------------- actions
    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: Any = None, name: str = "", tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.setToolTip(tip or text.replace("…", "").replace("&", ""))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.upload_action = self._action(
            "&Upload…",
            self.choose_files,
            QKeySequence.StandardKey.Open,
            "uploadAction",
            "Upload files (Ctrl+O)",
        )
        self.upload_folder_action = self._action(
            "Upload &folder…", self.choose_folder, "Ctrl+Shift+O", "uploadFolderAction", "Upload a folder"
        )
        self.paste_action = self._action("&Paste files", self.paste_files, None, "pasteAction")
        self.refresh_action = self._action(
            "&Refresh",
            self.refresh,
            Qt.Key.Key_F5,
            "refreshAction",
            "Refresh the file list from the API (F5)",
        )
        self.cleanup_action = self._action(
            "&Clean up…", self.open_cleanup, None, "cleanupAction", "Delete expired, missing, unused files"
        )
        self.delete_action = self._action(
            "&Delete selected…", self.delete_selected, None, "deleteAction", "Delete the selected files (Del)"
        )
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.renew_action = self._action(
            "Re&new",
            self.renew_selected,
            None,
            "renewAction",
            "Upload the selected files again from their kept copies, with a fresh expiry",
        )
        self.renew_action.setEnabled(False)
        self.reupload_action = self._action(
            "Re-&upload changed",
            self.reupload_selected,
            None,
            "reuploadAction",
            "Upload the current version of the selected files whose local file changed, and swap it in",
        )
        self.reupload_action.setEnabled(False)
        self.new_chat_action = self._action(
            "&New conversation",
            self.new_conversation,
            QKeySequence.StandardKey.New,
            "newConversationAction",
        )
        self.settings_action = self._action("&Settings…", self.open_settings, "Ctrl+,", "settingsAction")
        self.key_action = self._action(
            "API &key…", self.open_key_dialog, "Ctrl+K", "keyAction", "Enter the API key"
        )
        self.about_action = self._action("&About", self.show_about, None, "aboutAction")
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q", "quitAction")

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for a in (self.upload_action, self.upload_folder_action, self.paste_action, self.refresh_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.renew_action)
        file_menu.addAction(self.reupload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.cleanup_action)
        file_menu.addAction(self.delete_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        chat_menu = bar.addMenu("&Conversation")
        chat_menu.addAction(self.new_chat_action)
        self.chat_menu = chat_menu
        tools = bar.addMenu("&Tools")
        tools.addAction(self.settings_action)
        tools.addAction(self.key_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(toolbar)
        for action, name, icon in (
            (self.upload_action, "uploadButton", "document-open"),
            (self.refresh_action, "refreshButton", "view-refresh"),
            (self.renew_action, "renewButton", "appointment-new"),
            (self.cleanup_action, "cleanupButton", "edit-clear"),
            (self.new_chat_action, "newConversationToolButton", "document-new"),
            (self.settings_action, "settingsButton", "preferences-system"),
            (self.key_action, "keyButton", "dialog-password"),
        ):
            action.setIcon(_icon(icon))
            toolbar.addAction(action)
            _name_button(toolbar, action, name)
        self.toolbar = toolbar

    def _adopt_chat_actions(self) -> None:
        """Use the chat pane's own actions (one Ctrl+N, one Esc) in the menu and toolbar."""
        chat_new = getattr(self.chat_panel, "new_conversation_action", None)
        if isinstance(chat_new, QAction):
            mine = self.new_chat_action
            chat_new.setIcon(mine.icon())
            self.chat_menu.insertAction(mine, chat_new)
            self.chat_menu.removeAction(mine)
            self.toolbar.insertAction(mine, chat_new)
            self.toolbar.removeAction(mine)
            self.removeAction(mine)
            mine.setShortcut(QKeySequence())
            mine.deleteLater()
            self.new_chat_action = chat_new
            _name_button(self.toolbar, chat_new, "newConversationToolButton")
        for name in ("stop_action", "export_action"):
            extra = getattr(self.chat_panel, name, None)
            if isinstance(extra, QAction):
                self.chat_menu.addAction(extra)

    def _connect(self) -> None:
        s = self.session
        s.key_status.connect(self._key_status)
        s.needs_key.connect(lambda status: self.open_key_dialog(first_run=True, status=status))
        s.ready.connect(self._ready)
        s.connection.connect(self.status.set_connection)
        s.refreshed.connect(lambda _report: self.reload_files())
        q = self.upload_queue
        q.uploaded.connect(self._uploaded)
        p = self.files_panel
        p.selection_changed.connect(self._selection_changed)
        p.ask_requested.connect(self.ask_about)
        p.delete_requested.connect(self.delete_files)
        p.show_local_requested.connect(self.show_local_copy)
        chat = self.chat_panel
        if hasattr(chat, "attachments_changed"):
            chat.attachments_changed.connect(self._attachments_changed)
        if hasattr(chat, "open_citation"):
            chat.open_citation.connect(self.open_citation)
        if hasattr(chat, "file_states_changed"):
            chat.file_states_changed.connect(lambda _records: self.reload_files())
        if hasattr(chat, "busy_changed"):  # an answer ended: its files' "Last used" moved
            chat.busy_changed.connect(lambda busy: None if busy else self.reload_files())
        p.renew_requested.connect(self.renew_file)
        p.reupload_requested.connect(self.reupload_file)

    # -------------------------------------------------------------------------------- start-up
    def start(self) -> None:
        """After the first paint: load the catalog and connect, both in workers."""
        self.reload_files()
        self.session.start()

    def _key_status(self, status: KeyStatus | None) -> None:
        self.status.set_key(status, offline=self.session.offline)

    def _ready(self, services: Services) -> None:
        self.upload_queue.set_uploader(self.session.upload_one)

    # -------------------------------------------------------------------------------------- files
    def reload_files(self) -> None:
        """Refill the table from the catalog (read in a worker)."""
        from assistant.catalog import FileState

        if self.closing:
            return
        store = self.ctx.store
        states = [FileState(s) for s in SHOWN_STATES]
        # what changes in the table while the catalog is read is applied again on top of what was read
        self._changed_since_read = {}
        self.ctx.runner.run(
            lambda _tok: store.list_files(states),
            on_result=self._files_read,
            name="list-files",
        )

    def _files_read(self, records: list[FileRecord]) -> None:
        if self.closing:
            return  # read before the window closed; the catalog may be closed by now
        selected = {r.id for r in self._selected}
        changed = self._changed_since_read
        self._changed_since_read = {}
        if changed:  # uploads finished or files deleted while the catalog was being read
            by_id = {r.id: r for r in records}
            for row_id, record in changed.items():
                if record is None:
                    by_id.pop(row_id, None)
                else:
                    by_id[row_id] = record
            records = list(by_id.values())
        self.files_model.set_records(records)
        self.files_panel.resort()
        if selected:
            self.files_panel.select_ids(selected)
        self._update_storage()
        self._refresh_chat_files()  # chips and the gone-files notice follow the catalog
        self._update_file_actions()
        self.files_loaded.emit()
        self.check_stale()

    def _refresh_chat_files(self) -> None:
        refresh = getattr(self.chat_panel, "refresh_files", None)
        if refresh is not None:
            refresh()

    # ------------------------------------------------------------------------------ stale copies
    def check_stale(self) -> None:
        """Compare each active file's local source with what was uploaded (size, time; the hash only
        when the time moved), in a worker; rows whose source changed or went say so."""
        if self.closing or not self.assembled:
            return
        if self._stale_task is not None:
            self._stale_again = True  # one check at a time; another follows when it ends
            return
        from assistant.catalog import FileOrigin, FileState

        self._stale_checked_at = time.monotonic()
        records = [
            r
            for r in self.files_model.records()
            if r.state is FileState.ACTIVE and r.origin is FileOrigin.APP and r.local_path
        ]
        if not records:
            return

        seen = self._stale_seen  # touched only by the one stale check running at a time

        def check(token: Any) -> dict[int, str | None]:
            from assistant.api.lifecycle import stale_state

            found: dict[int, str | None] = {}
            for record in records:
                token.raise_if_cancelled()
                try:
                    info = Path(record.local_path or "").stat()
                    key: tuple[Any, ...] = (record.id, record.source_sha256, info.st_size, info.st_mtime_ns)
                except OSError:
                    key = ()
                if key and key in seen:  # a file touched but not changed is hashed once, not every time
                    found[record.id] = seen[key]
                    continue
                state = stale_state(record)
                found[record.id] = None if state is None else str(state)
                if key:
                    seen[key] = found[record.id]
            return found

        self._stale_task = self.ctx.runner.run(
            check, on_result=self._stale_checked, on_ended=self._stale_ended, name="stale-check"
        )

    def _stale_checked(self, states: dict[int, str | None]) -> None:
        if self.closing:
            return
        self.files_model.set_source_states({k: v for k, v in states.items() if k not in self._busy_rows})
        self._update_file_actions()

    def _stale_ended(self) -> None:
        self._stale_task = None
        if self._stale_again:
            self._stale_again = False
            self.check_stale()

    def reupload_selected(self) -> None:
        for record in self._selected:
            if self.files_model.source_state(record.id) == "changed":
                self.reupload_file(record)

    def reupload_file(self, record: FileRecord) -> None:
        """Upload the changed local file's current version into the same row (a new file id, the same
        conversations) and delete the old remote copy, in a worker."""
        session = self.session
        self._run_row_task(
            record,
            lambda token: session.refresh_stale(record.id, token),
            self._reuploaded,
            doing=("re-uploading the changed file…", f"Re-uploading {record.filename}…"),
            not_done="re-uploaded",
            name="reupload",
        )

    def _run_row_task(
        self,
        record: FileRecord,
        work: Callable[[Any], Any],
        on_result: Callable[[Any], None],
        *,
        doing: tuple[str, str],
        not_done: str,
        name: str,
    ) -> None:
        """One background operation on one file row (renew, re-upload): at most one per row at a time;
        the row and the status bar say what is happening, and what went wrong if it fails."""
        if self.closing or self.session.services is None:
            self.status.showMessage("Not connected: enter an API key first.", 6000)
            return
        if record.id in self._busy_rows:
            return
        self._busy_rows.add(record.id)
        row_note, status_note = doing
        self.status.showMessage(status_note)
        if self.files_model.row_of(record.id) is not None:
            self.files_model.set_note(record.id, row_note)

        def failed(failure: Any) -> None:
            if self.files_model.row_of(record.id) is not None:
                self.files_model.set_note(record.id, f"not {not_done}: {failure.message}")
            self.status.showMessage(f"{record.filename} was not {not_done}: {failure.message}", 15000)

        self.ctx.runner.run(
            work,
            on_result=on_result,
            on_failed=failed,
            on_ended=lambda: self._row_done(record.id),
            name=name,
        )

    def _reuploaded(self, record: FileRecord) -> None:
        if self.closing:
            return
        self.files_model.upsert(record)
        self.files_model.set_source_states({record.id: None})
        self.files_model.set_note(record.id, "re-uploaded: the current version is in use")
        self._changed_since_read[record.id] = record
        self.status.showMessage(f"{record.filename}: the current version was uploaded and swapped in.", 8000)
        self._refresh_chat_files()
        self._update_file_actions()

    def _row_done(self, row_id: int) -> None:
        self._busy_rows.discard(row_id)

    def _update_storage(self) -> None:
        active = [r for r in self.files_model.records() if r.state == "active"]
        self.status.set_storage(sum(r.size_bytes for r in active), len(active))

    def add_paths(self, paths: list[Path]) -> None:
        """Dropped, pasted or chosen files and folders go to the upload queue."""
        if not paths:
            return
        if self.session.services is None and not self.session.offline and self.session.status is not None:
            self.status.showMessage("Enter an API key (or try it offline) to upload.", 8000)
        self.upload_queue.add_paths(paths)

    def choose_files(self) -> None:
        dialog = QFileDialog(self, "Upload files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: self.add_paths([Path(n) for n in names]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, "Upload a folder (and everything in it)")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda name: self.add_paths([Path(name)]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def paste_files(self) -> None:
        from assistant.ui.drops import local_paths

        paths = local_paths(QGuiApplication.clipboard().mimeData())
        if paths:
            self.add_paths(paths)
        else:
            self.status.showMessage("The clipboard holds no files.", 5000)

    def _uploaded(self, result: Any, job: Any) -> None:
        """Finished uploads reach the table together, a few times a second: one insertion, one sort and
        one repaint for many files (a repaint calls into Python for every visible cell)."""
        for one in result if isinstance(result, list) else [result]:  # a split PDF: each part
            record: FileRecord = one.record
            self._pending_rows[record.id] = record
            self._changed_since_read[record.id] = record
            if one.reused:
                self._pending_notes[record.id] = "already uploaded (same content), not sent again"
        if not self._resort_timer.isActive():
            self._resort_timer.start()

    def _flush_uploaded(self) -> None:
        rows, self._pending_rows = self._pending_rows, {}
        notes, self._pending_notes = self._pending_notes, {}
        if rows:
            self.files_model.upsert_many(rows.values())
            for row_id, note in notes.items():
                self.files_model.set_note(row_id, note)
            self._update_storage()
        self.files_panel.resort()

    def refresh(self) -> None:
        if self.session.refresh() is None and self.session.services is None:
            self.reload_files()

    # ------------------------------------------------------------------------- selection and chat
    def _selection_changed(self, records: list[FileRecord]) -> None:
        self._selected = records
        if self.closing:
            return
        self._update_file_actions()
        if self._following_chat:
            return  # the table is showing the chat's attachments, not choosing new ones
        setter = getattr(self.chat_panel, "set_attached_files", None)
        if setter is not None:
            setter(records)

    def _attachments_changed(self, records: list[FileRecord]) -> None:
        """The chat pane changed its attachments (a chip removed, another conversation opened): the
        table shows them as the selection. Files the table cannot show (filtered out, gone) stay
        attached: selecting here never detaches them."""
        wanted = {r.id for r in records}
        if wanted != {r.id for r in self._selected}:
            self._following_chat = True
            try:
                self.files_panel.select_ids(wanted)
            finally:
                self._following_chat = False

    def ask_about(self, records: list[FileRecord]) -> None:
        self.files_panel.select_ids({r.id for r in records})
        focus = getattr(self.chat_panel, "focus_composer", None)
        if focus is not None:
            focus()

    def new_conversation(self) -> None:
        fn = getattr(self.chat_panel, "new_conversation", None)
        if fn is not None:
            fn()

    def open_citation(self, record: FileRecord | None, page: int | None) -> None:
        if record is None or not record.local_path:
            self.status.showMessage("There is no local copy of that file on this computer.", 6000)
            return
        if not Path(record.local_path).exists():
            self.status.showMessage(f"The local copy of {record.filename} is not on this computer.", 6000)
            return
        from assistant.ui.open_at_page import open_file

        open_file(record.local_path, page)

    def show_local_copy(self, record: FileRecord) -> None:
        if not record.local_path or not Path(record.local_path).exists():
            self.status.showMessage(f"The local copy of {record.filename} is not on this computer.", 6000)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(record.local_path).parent)))

    # ------------------------------------------------------------------------------------ cleanup
    def open_cleanup(self, *, only_selected: bool = False) -> CleanupDialog:
        from assistant.ui.cleanup import CleanupDialog, plan_cleanup

        if self._cleanup is not None:
            self._cleanup.close()
        plan = plan_cleanup(
            self.files_model.records(),
            now=self.ctx.clock(),
            unused_days=self.ctx.settings.unused_days,
            selected_ids=[r.id for r in self._selected],
            only_selected=only_selected,
        )
        dialog = CleanupDialog(plan, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.confirmed.connect(lambda records: self._run_cleanup(dialog, records))
        dialog.destroyed.connect(lambda *_: setattr(self, "_cleanup", None))
        self._cleanup = dialog
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        if self._selected:
            self.open_cleanup(only_selected=True)

    def delete_files(self, records: list[FileRecord]) -> None:
        self.files_panel.select_ids({r.id for r in records})
        self.open_cleanup(only_selected=True)

    def _run_cleanup(self, dialog: CleanupDialog, records: list[FileRecord]) -> None:
        if self.closing:
            return
        services = self.session.services
        if services is None:
            dialog.summary_label.setText("Not connected: enter an API key first, then clean up.")
            dialog.summary_label.show()
            return
        ids = [r.id for r in records]
        files = services.files
        task = self.ctx.runner.stream(lambda token: files.delete_many(ids, cancel=token), name="cleanup")
        task.signals.item.connect(self._deleted)
        dialog.start(task, len(ids))
        task.start()

    def _update_file_actions(self) -> None:
        """Renew and Re-upload follow the selection (and what the stale check found)."""
        if not self.assembled:
            return
        from assistant.catalog.rules import can_renew

        current = {r.id: r for r in self.files_model.records()}
        selected = [current.get(r.id, r) for r in self._selected]
        renewable = [r for r in selected if can_renew(r)]
        self.renew_action.setEnabled(bool(renewable))
        self.renew_action.setText(f"Re&new {len(renewable)} files" if len(renewable) > 1 else "Re&new")
        self.reupload_action.setEnabled(
            any(self.files_model.source_state(r.id) == "changed" for r in selected)
        )

    def renew_selected(self) -> None:
        from assistant.catalog.rules import can_renew

        current = {r.id: r for r in self.files_model.records()}
        for record in [current.get(r.id, r) for r in self._selected]:
            if can_renew(record):
                self.renew_file(record)

    def renew_file(self, record: FileRecord) -> None:
        """Upload the file again from its kept copy with a fresh expiry (same row, same conversations)."""
        session = self.session
        self._run_row_task(
            record,
            lambda token: session.renew(record.id, token),
            self._renewed,
            doing=("renewing…", f"Renewing {record.filename}…"),
            not_done="renewed",
            name="renew",
        )

    def _renewed(self, record: FileRecord) -> None:
        if self.closing:
            return
        self.files_model.upsert(record)
        self.files_model.set_note(record.id, "renewed")
        self._changed_since_read[record.id] = record
        self.status.showMessage(f"{record.filename} renewed.", 8000)
        self._refresh_chat_files()
        self._update_file_actions()

    def _deleted(self, outcome: Any) -> None:
        if outcome.ok:
            self.files_model.remove([outcome.record_id])
            self._changed_since_read[outcome.record_id] = None
            self._refresh_chat_files()
            self._selected = [r for r in self._selected if r.id != outcome.record_id]
            self._update_storage()
            self._update_file_actions()

    # --------------------------------------------------------------------------- dialogs: key etc.
    def open_key_dialog(self, first_run: bool = False, status: KeyStatus | None = None) -> KeyDialog:
        from assistant.ui.key_dialog import KeyDialog

        existing = self._dialogs.get("key")
        if isinstance(existing, KeyDialog) and existing.isVisible():
            existing.raise_()
            return existing
        dialog = KeyDialog(
            self.ctx.runner,
            self.session.key_store,
            self.session.base_url,
            first_run=first_run,
            offline=self.session.offline,
            status=status or self.session.status,
            parent=self,
        )
        dialog.key_saved.connect(self._key_saved)
        dialog.offline_requested.connect(self.offline_requested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs["key"] = dialog
        dialog.open()
        return dialog

    def _key_saved(self, status: KeyStatus) -> None:
        where = f"stored in {status.backend}" if status.remembered else status.reason
        self.status.showMessage(f"The key works; {where}", 10000)
        if self.session.offline:
            self.online_requested.emit()
            return
        self.session.key_saved(status)

    def open_settings(self) -> SettingsDialog:
        from assistant.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx.settings, parent=self)
        dialog.saved.connect(self._settings_saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs["settings"] = dialog
        dialog.open()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        old, self.ctx.settings = self.ctx.settings, settings
        if self.ctx.save_settings is not None:
            self.ctx.save_settings(settings)
        if settings.theme != old.theme:
            from assistant.ui.theme import apply_theme

            apply_theme(settings.theme)
        if (settings.base_url, settings.max_tokens) != (
            old.base_url,
            old.max_tokens,
        ) and not self.session.offline:
            self.session.start()
        self.upload_queue.set_uploader(self.session.upload_one if self.session.services else None)

    # -------------------------------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing = True
        if self.window_state is not None:
            self.window_state.save()
        if self.assembled:
            stop = getattr(self.chat_panel, "stop", None)
            if stop is not None:
                stop()
            self.upload_queue.cancel_all()
        super().closeEvent(event)

    def show_about(self) -> None:
        from assistant.ui.dialogs import show_about

        if self.assembled:
            show_about(self, self.ctx.paths)

    def changeEvent(self, event: QEvent) -> None:
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.assembled
            and self.isActiveWindow()
            and time.monotonic() - self._stale_checked_at >= STALE_CHECK_THROTTLE
        ):
            self.check_stale()  # back from editing a file elsewhere: say which uploads are stale
        if event.type() == QEvent.Type.PaletteChange and self.assembled and self.session.offline:
            from assistant.ui.theme import banner_colors

            bg, fg = banner_colors()
            self.banner.setStyleSheet(
                f"QLabel#offlineBanner {{ background: {bg}; color: {fg}; padding: 6px; }}"
            )
        super().changeEvent(event)


def _placeholder() -> QWidget:
    label = QLabel("The chat pane is not available in this build.")
    label.setObjectName("chatPlaceholder")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


_FALLBACK_ICONS = {
    "document-open": "SP_DialogOpenButton",
    "view-refresh": "SP_BrowserReload",
    "appointment-new": "SP_ArrowUp",
    "edit-clear": "SP_TrashIcon",
    "document-new": "SP_FileDialogNewFolder",
    "preferences-system": "SP_FileDialogDetailedView",
    "dialog-password": "SP_DialogApplyButton",
}


def _icon(name: str) -> QIcon:
    """The theme's icon, or the style's own when the system has no icon theme."""
    icon = QIcon.fromTheme(name)
    if icon.isNull() and name in _FALLBACK_ICONS:
        icon = QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, _FALLBACK_ICONS[name]))
    return icon


def _name_button(toolbar: QToolBar, action: QAction, name: str) -> None:
    button = toolbar.widgetForAction(action)
    if button is not None:
        button.setObjectName(name)
        button.setAccessibleName(action.text().replace("&", "").replace("…", ""))


def _app_icon() -> QIcon:
    icon_path = Path(__file__).resolve().parents[2] / "assets" / "icons" / "document-assistant.svg"
    return QIcon(str(icon_path)) if icon_path.exists() else QIcon()


class _FirstPaint(QObject):
    """Calls ``callback`` once, after the window's next paint event has been handled — or after
    ``fallback_ms`` if no paint comes (a window started minimized or on another desktop)."""

    def __init__(self, window: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._callback: Callable[[], None] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def _fire(self) -> None:
        if self._callback is not None:
            callback, self._callback = self._callback, None
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._fire()
        return False


def after_first_paint(window: QWidget, callback: Callable[[], None], fallback_ms: int = 500) -> None:
    _FirstPaint(window, callback, fallback_ms)
