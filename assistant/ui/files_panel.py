"""The left pane: a search box over the files table, and the table's context menu.

Reports what the person asks for and does nothing itself: ``selection_changed(records)`` (selecting
only selects: it never attaches), ``ask_requested(records)`` (the explicit attach: the "Ask about
these" button beside the search, Ctrl+Shift+A or Ctrl+Enter on the table, a double-click, the
menu; rows dragged onto the chat pane attach too: their drag carries ``row_drag``'s catalog ids),
``delete_requested(records)``, ``show_local_requested(record)``,
``renew_requested(record)``, ``retry_sync_requested(records)`` (rows whose folder sync failed),
``reupload_requested(record)`` (a row whose local file changed, from the
context menu; a click on a cell only selects, so nothing is sent by accident). Copy file id goes
straight to the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord, SourceState
from assistant.ui.files_model import COLUMNS, Col, FilesModel
from assistant.ui.files_room import NameRoom
from assistant.ui.files_table import FilesProxy, FilesTable
from assistant.ui.files_text import STATE_LABELS

_Index = QModelIndex | QPersistentModelIndex

__all__ = ["FilesPanel", "FilesTable", "hidden_by_default"]


def hidden_by_default(window_width: int) -> tuple[int, ...]:
    """The columns a first run hides, so that the name has room in a window this wide (the files
    take 9/20 of it; the header's right-click menu shows the others again). Sync shows itself while a
    set linked to a folder is chosen (``ui.sets``)."""
    if window_width < 1100:
        return (Col.TYPE, Col.SIZE, Col.UPLOADED, Col.LAST_USED, Col.SYNC)
    if window_width < 1600:
        return (Col.SIZE, Col.UPLOADED, Col.LAST_USED, Col.SYNC)
    return (Col.SYNC,)


class FilesPanel(QWidget):
    selection_changed = Signal(list)
    ask_requested = Signal(list)
    delete_requested = Signal(list)
    show_local_requested = Signal(object)
    renew_requested = Signal(object)
    reupload_requested = Signal(object)
    send_as_requested = Signal(object, bool)  # (a PDF's record, as text)
    retry_sync_requested = Signal(list)  # rows whose watched-folder sync failed: try them again

    def __init__(self, model: FilesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filesPanel")
        self.model = model
        self._filtering = False
        self.menu_actions: list[QAction] = []  # other parts' actions on the selection ("Review these…")
        self.proxy = FilesProxy(self)
        self.proxy.setSourceModel(model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("fileSearch")
        self.search.setPlaceholderText("Search files")
        self.search.setAccessibleName("Search files by name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.ask_button = QPushButton("Ask about these")
        self.ask_button.setObjectName("askAboutButton")
        self.ask_button.setToolTip("Attach the selected files to the conversation (Ctrl+Shift+A)")
        self.ask_button.setEnabled(False)
        self.ask_button.clicked.connect(self.ask_selected)
        top = self.top_row = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.ask_button)
        layout.addLayout(top)

        self.table = FilesTable()
        self.table.setObjectName("fileTable")
        self.table.setAccessibleName("Files")
        self.table.setAccessibleDescription(
            "Uploaded files with the time left until they expire. Files in the current conversation are "
            "marked with a dot and bold names; Ctrl+Shift+A attaches the selected files."
        )
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Col.UPLOADED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)  # rows onto the chat attach
        self.table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a cut name keeps its end: "….pdf"
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.NAME, QHeaderView.ResizeMode.Stretch)  # the name takes what is left
        header.setMinimumSectionSize(48)
        metrics = self.fontMetrics()
        icon = self.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 6
        for col, width in (
            (Col.TYPE, metrics.horizontalAdvance("Markdown")),
            (Col.SIZE, metrics.horizontalAdvance("999.9 KB")),
            (Col.UPLOADED, metrics.horizontalAdvance("Nov 24 05:37"[:9])),
            (Col.EXPIRES, metrics.horizontalAdvance("29 d 23 h")),
            (Col.LAST_USED, metrics.horizontalAdvance("Last use")),
            (Col.STATE, icon + max(metrics.horizontalAdvance(t) for t in STATE_LABELS)),  # all in the tooltip
            (Col.SYNC, metrics.horizontalAdvance("waiting")),  # longer words whole in the tooltip
        ):
            header.resizeSection(col, width + 18)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.name_room = NameRoom(self.table)  # a narrow table: the other columns give way to the name
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.table.doubleClicked.connect(lambda _i: self.ask_requested.emit(self.selected()))
        layout.addWidget(self.table)

        self.copy_id_action = QAction("Copy file id", self)
        self.copy_id_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_id_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_id_action.triggered.connect(self.copy_ids)
        self.table.addAction(self.copy_id_action)
        self.ask_action = QAction("&Ask about the selected files", self)
        self.ask_action.setObjectName("askAboutAction")
        self.ask_action.setShortcuts([QKeySequence(k) for k in ("Ctrl+Shift+A", "Ctrl+Return", "Ctrl+Enter")])
        self.ask_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # Ctrl+Enter sends elsewhere
        self.ask_action.setEnabled(False)
        self.ask_action.triggered.connect(self.ask_selected)
        self.table.addAction(self.ask_action)

    # -- selection -----------------------------------------------------------------------------------
    def selected(self) -> list[FileRecord]:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.records_for(sorted(rows, key=lambda i: i.row()))

    def select_ids(self, row_ids: set[int]) -> None:
        """Select exactly these files (e.g. after a chip was removed in the composer)."""
        selection = QItemSelection()
        for row in range(self.proxy.rowCount()):
            rec = self.proxy.record(self.proxy.index(row, 0))
            if rec is not None and rec.id in row_ids:
                selection.select(
                    self.proxy.index(row, 0), self.proxy.index(row, self.proxy.columnCount() - 1)
                )
        sm = self.table.selectionModel()
        sm.select(selection, sm.SelectionFlag.ClearAndSelect)

    def ask_selected(self) -> None:
        records = self.selected()
        if records:
            self.ask_requested.emit(records)

    def _selection(self, *_: object) -> None:
        any_selected = self.table.selectionModel().hasSelection()
        self.ask_button.setEnabled(any_selected)
        self.ask_action.setEnabled(any_selected)
        if not self._filtering:
            self.selection_changed.emit(self.selected())

    def show_only(self, row_ids: frozenset[int] | None, empty_text: str = "") -> None:
        """The table shows only these rows (a document set's; None: all), ``empty_text`` when none."""
        self._filtering = True
        try:
            self.proxy.show_only(row_ids)
        finally:
            self._filtering = False
        self.table.setProperty("setEmpty", empty_text if row_ids is not None else "")
        self.table.viewport().update()

    def _filter(self, text: str) -> None:
        # rows hidden by the search leave the view's selection; that is not the person un-choosing them
        self._filtering = True
        try:
            self.proxy.setFilterFixedString(text)
        finally:
            self._filtering = False
        self.table.setProperty("filtered", bool(text))

    def resort(self) -> None:
        """Apply the header's sort again (after a reload or new rows)."""
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    # -- columns ---------------------------------------------------------------------------------------
    def fit_columns(self, window_width: int) -> None:
        """A first run's columns for a window this wide (a saved header state replaces them)."""
        header = self.table.horizontalHeader()
        for col in range(header.count()):
            header.setSectionHidden(col, col in hidden_by_default(window_width))

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        self.columns_menu().popup(header.mapToGlobal(pos))

    def columns_menu(self) -> QMenu:
        """Show or hide any column but the name (the header's right-click menu; kept between runs)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnsMenu")
        for col, title in enumerate(COLUMNS):
            if col == Col.NAME:
                continue
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.toggled.connect(lambda shown, c=col: self._choose_column(c, shown))
        return menu

    def _choose_column(self, column: int, shown: bool) -> None:
        self.name_room.forget(column)  # the person's choice: kept, whatever the room
        self.table.horizontalHeader().setSectionHidden(column, not shown)

    # -- context menu ---------------------------------------------------------------------------------
    def _menu(self, pos: QPoint) -> None:
        records = self.selected()
        if not records:
            return
        menu = self.build_menu(records)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def build_menu(self, records: list[FileRecord]) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("fileContextMenu")
        n = len(records)
        ask = menu.addAction("Ask about this file" if n == 1 else f"Ask about these {n} files")
        ask.triggered.connect(lambda: self.ask_requested.emit(records))
        for action in self.menu_actions:
            menu.addAction(action)
        copy = menu.addAction("Copy file id" if n == 1 else "Copy file ids")
        copy.triggered.connect(self.copy_ids)
        local = menu.addAction("Show local copy")
        local.setEnabled(n == 1 and bool(records[0].local_path))
        local.triggered.connect(lambda: self.show_local_requested.emit(records[0]))
        from assistant.catalog.rules import can_renew

        renewable = [r for r in records if can_renew(r)]
        renew = menu.addAction("Renew (upload again, fresh expiry)")
        renew.setObjectName("renewMenuAction")
        renew.setEnabled(bool(renewable))
        renew.triggered.connect(lambda: self._emit_each(self.renew_requested, renewable))
        reupload = menu.addAction("Re-upload and swap (local file changed)")
        reupload.setObjectName("reuploadAction")
        reupload.setEnabled(n == 1 and self.model.source_state(records[0].id) is SourceState.CHANGED)
        reupload.triggered.connect(lambda: self.reupload_requested.emit(records[0]))
        synced = [r for r in records if self.model.sync_cell(r.id) is not None]
        if synced:  # rows a watched folder syncs: Retry where that failed
            failed = [r for r in synced if (cell := self.model.sync_cell(r.id)) and cell.label == "failed"]
            retry = menu.addAction(
                "Retry (sync failed)" if len(failed) < 2 else f"Retry the {len(failed)} failed"
            )
            retry.setObjectName("retrySyncFileAction")
            retry.setToolTip("Upload again what the folder sync could not send (the Sync column says why)")
            retry.setEnabled(bool(failed))
            retry.triggered.connect(lambda: self.retry_sync_requested.emit(failed))
        self._way_actions(menu, records)
        menu.addSeparator()
        delete = menu.addAction("Delete…")
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(lambda: self.delete_requested.emit(records))
        return menu

    def _way_actions(self, menu: QMenu, records: list[FileRecord]) -> None:
        """Send as text / Send as PDF for one whole PDF (the row's tooltip says what each costs)."""
        from assistant.api.lifecycle_pdftext import can_send_as
        from assistant.catalog.identity import sent_as_text

        one = records[0] if len(records) == 1 else None
        if one is None or not (one.mime_type == "application/pdf" or sent_as_text(one)):
            return  # only a PDF has the two ways
        for as_text, title, name in (
            (True, "Send as text (fewer tokens; scans and figures are not seen)", "sendAsTextAction"),
            (False, "Send as PDF (each page as an image plus its text)", "sendAsPdfAction"),
        ):
            action = menu.addAction(title)
            action.setObjectName(name)
            action.setEnabled(one is not None and can_send_as(one, as_text=as_text))
            action.triggered.connect(lambda _=False, t=as_text: self.send_as_requested.emit(one, t))

    @staticmethod
    def _emit_each(signal: SignalInstance, records: list[FileRecord]) -> None:
        for record in records:
            signal.emit(record)

    def copy_ids(self) -> None:
        ids = [r.file_id for r in self.selected()]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
