"""``DocumentSets``: the files side's document sets, assembled: the sidebar beside the files table, the
controllers (sets, folder sync, set conversations) and what the sidebar asks for. The main window
builds one, puts ``beside(files_panel)`` where the files panel went, and calls ``start``, ``close``,
``services_ready``; ``create_set`` and ``watch_folder`` are the window's automation methods."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar, QSplitter, QToolButton, QWidget

from assistant.api.errors import CancelToken
from assistant.catalog import FileRecord
from assistant.catalog.set_records import DocumentSet, SetError
from assistant.ui.files_cells import Col, SyncCell
from assistant.ui.sets.asking import SetConversations
from assistant.ui.sets.backend import SetsSnapshot, checked
from assistant.ui.sets.controller import SetsController
from assistant.ui.sets.model import SetsModel
from assistant.ui.sets.requests import SetRequests
from assistant.ui.sets.sidebar import SetsSidebar
from assistant.ui.sets.sync import FolderSyncController

if TYPE_CHECKING:
    from assistant.folders import ChangedItem, FolderSync, SyncConfig
    from assistant.ui.main_window import MainWindow

__all__ = ["DocumentSets"]

NARROW_TABLE = 380  # px: a table narrower than this gives State's place to Sync too


class DocumentSets(QObject):
    review_requested = Signal(list)  # "Review this set…": the set's active files (the Review tab opens)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = w = window
        ctx = w.ctx
        self.sync_config: SyncConfig | None = None  # tests shorten the waits before ``start``
        self.model = SetsModel(self)
        self.sidebar = SetsSidebar(self.model)
        self.sets = SetsController(
            ctx.runner, ctx.store, self, shown=lambda: frozenset(r.id for r in w.files_model.records())
        )
        self.sync = FolderSyncController(
            ctx.runner,
            self._engine,
            uploads=w.upload_queue,
            rows=w.rows,
            record_of=self._record_of,
            changed_work=self._changed_work,
            connected=lambda: w.session.services is not None,
            parent=self,
        )
        self.conversations = SetConversations(w.chat_panel, self)
        self.requests = SetRequests(self, w)
        self._sync_shown_by_us = False
        self._hid: tuple[int, ...] = ()  # the columns Sync took the place of (shown again after)
        self._cells: dict[int, SyncCell] = {}
        self._to_choose: int | None = None  # a set just made: chosen once the sidebar lists it
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.toggle_action = QAction("Document &sets", w)
        self.toggle_action.setObjectName("setsToggleAction")
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut("Ctrl+Shift+D")
        self.toggle_action.setToolTip("Show or hide the document sets beside the files (Ctrl+Shift+D)")
        self.toggle_action.toggled.connect(self.show_sidebar)
        self.toggle_button = QToolButton()
        self.toggle_button.setObjectName("setsToggleButton")
        self.toggle_button.setDefaultAction(self.toggle_action)
        self.toggle_button.setText("Sets")
        self._had_sets = False
        self.storage_action = QAction("&Storage…", w)
        self.storage_action.setObjectName("storageAction")
        self.storage_action.setToolTip("How much each set holds remotely, and what expires this week")
        self.storage_action.triggered.connect(self.requests.open_storage)
        self._connect()

    def beside(self, files: QWidget) -> QSplitter:
        """The sidebar and the files panel, side by side (sizes kept between runs as "sets")."""
        splitter = self.splitter
        splitter.setObjectName("setsSplitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(files)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, True)  # drag it shut for a wider table
        splitter.setCollapsible(1, False)
        self.sidebar.setMinimumWidth(self.sidebar.fontMetrics().horizontalAdvance("Ask about this set") + 24)
        splitter.setSizes([0, 600])  # shut until there is a set: the table keeps its room for names
        splitter.splitterMoved.connect(lambda *_: self._follow_splitter())
        self._window.files_panel.top_row.insertWidget(0, self.toggle_button)
        self.toggle_button.setText("Sets")
        return splitter

    def show_sidebar(self, shown: bool = True) -> None:
        """Open the sets beside the table (a little wider than its least in a wide window), or shut it."""
        sizes = self.splitter.sizes()
        if shown == (sizes[0] > 0):
            return
        width = self.sidebar.minimumWidth() + (48 if self._window.width() >= 1280 else 8) if shown else 0
        main = getattr(self._window, "splitter", None)
        if shown and isinstance(main, QSplitter) and main.count() == 2:
            # the files side takes what the conversation can spare (it keeps over half the window)
            files, chat = main.sizes()
            spare = max(0, min(width, chat - self._window.width() // 2 - 12))
            if spare:
                main.setSizes([files + spare, chat - spare])
        total = sum(self.splitter.sizes())
        self.splitter.setSizes([width, max(1, total - width)])
        self._follow_splitter()

    def _follow_splitter(self) -> None:
        shown = self.splitter.sizes()[0] > 0
        if self.toggle_action.isChecked() != shown:
            self.toggle_action.blockSignals(True)
            self.toggle_action.setChecked(shown)
            self.toggle_action.blockSignals(False)
        self.toggle_button.setText("Sets")

    def add_to_menu(self, bar: QMenuBar) -> None:
        from assistant.ui.upload_area import _view_menu

        menu = _view_menu(bar)
        menu.addAction(self.toggle_action)
        menu.addAction(self.storage_action)

    def _connect(self) -> None:
        w, sets, sync, bar = self._window, self.sets, self.sync, self.sidebar
        say = w.status.showMessage
        bar.requested.connect(self.requests.requested)
        bar.chosen.connect(self._chosen)
        self.model.rows_dropped.connect(sets.add)
        self.model.rename_requested.connect(sets.rename)
        sets.loaded.connect(self._loaded)
        sets.said.connect(say)
        sets.joined.connect(self.conversations.joined)
        sync.joined.connect(self.conversations.joined)
        sync.said.connect(say)
        sync.sets_changed.connect(sets.reload)
        sync.folders_changed.connect(self._folders_changed)
        w.files.loaded.connect(self._files_changed)
        w.files.rows_added.connect(self._files_changed)
        w.files.changed.connect(self._files_changed)  # a changed file swapped in: synced again
        w.cleanup.deleted.connect(self._file_deleted)
        w.rows.row_failed.connect(lambda _row_id: sets.reload())  # a changed file's upload failed
        w.files_panel.retry_sync_requested.connect(
            lambda records: sync.retry_files([v.id for v in sets.snapshot.views if v.folder], records)
        )

    # -- start and stop ------------------------------------------------------------------------------
    def start(self) -> None:
        self.sets.reload()
        self.sync.start()

    def services_ready(self) -> None:
        self.sync.services_ready()

    def close(self) -> None:
        self.sync.close()
        self.sets.close()

    def _engine(self, on_batch: object, on_error: object) -> FolderSync:
        from assistant.folders import FolderSync

        return FolderSync(self._window.ctx.store, on_batch, config=self.sync_config, on_error=on_error)  # type: ignore[arg-type]

    def _record_of(self, row_id: int) -> FileRecord | None:
        model = self._window.files_model
        row = model.row_of(row_id)
        return None if row is None else model.record(row)

    def _changed_work(self, item: ChangedItem):  # type: ignore[no-untyped-def]
        session, ctx, engine = self._window.session, self._window.ctx, self.sync.engine
        services = session.services
        if services is None or engine is None:
            return None

        def work(_row_id: int, token: CancelToken) -> FileRecord:
            from assistant.folders.actions import reupload_changed

            return reupload_changed(
                services.files, ctx.store, engine, item, ctx.paths.converted, cancel=token
            )

        return work

    # -- what is shown -------------------------------------------------------------------------------
    def _loaded(self, snapshot: SetsSnapshot) -> None:
        w = self._window
        old = dict(self._cells)
        self._cells = dict(snapshot.sync)
        self.model.set_sets(snapshot.views)
        if snapshot.views and not self._had_sets:
            self.show_sidebar()  # the first set (or the sets of an earlier run): the sidebar opens
        self._had_sets = bool(snapshot.views)
        self.model.set_all_count(w.files_model.rowCount())
        changed: dict[int, SyncCell | None] = {k: v for k, v in snapshot.sync.items() if old.get(k) != v}
        changed.update({k: None for k in old if k not in snapshot.sync})
        if changed:
            w.files_model.set_sync(changed)
        if self._to_choose is not None and snapshot.view(self._to_choose) is not None:
            self.sidebar.choose(self._to_choose)  # the filter follows (``_chosen``)
            self._to_choose = None
        self._apply_filter()

    def choose_when_listed(self, doc_set: DocumentSet) -> None:
        self._to_choose = doc_set.id

    def _files_changed(self) -> None:
        self.model.set_all_count(self._window.files_model.rowCount())
        self.sets.reload()

    def _chosen(self, view: object) -> None:
        self.sets.chosen = getattr(view, "id", None)
        self._apply_filter()
        if getattr(view, "folder", None):
            self.sets.reload()  # its rows' Sync cells

    def _apply_filter(self) -> None:
        w, chosen = self._window, self.sets.chosen
        view = self.sets.snapshot.view(chosen)
        empty = "No file in this set yet:\ndrag rows here from All files" if view and not view.folder else ""
        if view is not None and view.folder:
            empty = "Nothing synced from the folder yet"
        w.files_panel.show_only(self.sets.members(chosen), empty)
        header = w.files_panel.table.horizontalHeader()
        if view is not None and view.folder and header.isSectionHidden(Col.SYNC):
            # a linked set: Sync says more than Type (and, in a narrow table, than State, whose words
            # stay in Sync's tooltip and the Expires colour), and the name keeps its room
            narrow = w.files_panel.table.viewport().width() < NARROW_TABLE
            self._hid = tuple(
                c for c in (Col.TYPE, *((Col.STATE,) * narrow)) if not header.isSectionHidden(c)
            )
            for col in self._hid:
                header.setSectionHidden(col, True)
            header.setSectionHidden(Col.SYNC, False)
            self._sync_shown_by_us = True
        elif (view is None or not view.folder) and self._sync_shown_by_us:
            header.setSectionHidden(Col.SYNC, True)
            for col in self._hid:
                header.setSectionHidden(col, False)
            self._sync_shown_by_us = False

    def _folders_changed(self, problems: dict[int, str]) -> None:
        self.sets.problems = problems
        self.sets.reload()

    def _file_deleted(self, row_id: int) -> None:
        """A file deleted through Clean up: a watched set stops listing it as not in the folder."""
        holding = [s for s, rows in self.sets.snapshot.members.items() if row_id in rows]
        if holding:
            store = self._window.ctx.store

            def forget(_t: CancelToken) -> None:
                for set_id in holding:
                    store.forget_missing(set_id, [row_id])

            self.sets.run(
                forget,
                on_result=lambda _r: self.sets.reload(),
                name="forget-missing",
            )

    # -- automation ------------------------------------------------------------------------------------
    def create_set(self, name: str, records: tuple[FileRecord, ...] | list[FileRecord] = ()) -> DocumentSet:
        return self.sets.create_and_wait(name, [r.id for r in records])

    def watch_folder(self, set_name: str, path: Path | str) -> None:
        """Link the named set to ``path`` (default ignore patterns) and start syncing it."""
        store, engine = self._window.ctx.store, self.sync.engine
        folder = Path(path)

        def work(_t: CancelToken) -> DocumentSet:
            def link() -> DocumentSet:
                found = store.set_by_name(set_name)
                if found is None:
                    raise SetError(f"There is no set named “{set_name}”.")
                if engine is None:
                    return store.link_folder(found.id, folder)
                return engine.link(found.id, folder)

            return checked(link)

        self.sets.run(
            work,
            on_result=lambda _s: self.sets.reload(),
            on_failed=lambda f: self._window.status.showMessage(f"Not linked: {f.message}", 12000),
            name="watch-folder",
        )
