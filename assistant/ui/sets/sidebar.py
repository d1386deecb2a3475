"""``SetsSidebar``: the document sets beside the files table. A list (``documentSets``) with "All files"
first; choosing a row reports it (``chosen``), and everything else is asked for through
``requested(SetAction, set id)``: the buttons under the list, the context menu, F2 (rename in place),
Del (delete the set, never its files). Rows of the files table dropped on a set join it (the model's
``rows_dropped``). It does nothing itself: ``SetsWiring`` connects it to the controllers."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.sets.delegate import SetDelegate
from assistant.ui.sets.model import SET_ROLE, SetsModel
from assistant.ui.sets.views import SetView

__all__ = ["SetAction", "SetsSidebar"]


class SetAction(StrEnum):
    NEW = "new"  # a new set from the selected files (set id 0)
    ASK = "ask"
    REVIEW = "review"  # the Review tab on the set's active files
    ADD_SELECTED = "add_selected"
    REMOVE_SELECTED = "remove_selected"
    RENAME = "rename"
    INSTRUCTIONS = "instructions"
    LINK = "link"
    UNLINK = "unlink"
    DETAILS = "details"  # the sync details of a watched set (and Retry failed)
    RETRY = "retry"
    DELETE = "delete"
    DELETE_FILES = "delete_files"  # the set's files, through the clean-up dialog


_MENU: tuple[tuple[SetAction, str, str], ...] = (
    (SetAction.ASK, "Ask about this set", "askSetAction"),
    (SetAction.REVIEW, "Review this set…", "reviewSetAction"),
    (SetAction.ADD_SELECTED, "Add the selected files", "addToSetAction"),
    (SetAction.REMOVE_SELECTED, "Remove the selected files from the set", "removeFromSetAction"),
    (SetAction.INSTRUCTIONS, "Instructions…", "setInstructionsAction"),
    (SetAction.LINK, "Link a folder…", "linkFolderAction"),
    (SetAction.DETAILS, "Sync status…", "syncDetailsAction"),
    (SetAction.RETRY, "Retry failed", "retrySyncAction"),
    (SetAction.UNLINK, "Unlink the folder", "unlinkFolderAction"),
    (SetAction.RENAME, "Rename", "renameSetAction"),
    (SetAction.DELETE, "Delete the set (keep its files)…", "deleteSetAction"),
    (SetAction.DELETE_FILES, "Delete the set's files…", "deleteSetFilesAction"),
)


class SetsList(QListView):
    """The list: rows of the files table can be dropped on a set row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentSets")
        self.setAccessibleName("Document sets")
        self.setAccessibleDescription("All files, then each set with its sync summary; drop files on a set")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2 renames
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setUniformItemSizes(True)  # every row is two lines
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )  # names are cut, whole in tips
        self.setItemDelegate(SetDelegate(self))


class SetsSidebar(QWidget):
    chosen = Signal(object)  # SetView | None ("All files")
    requested = Signal(str, int)  # (SetAction, set id)

    def __init__(self, model: SetsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setsSidebar")
        self.model = model
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        title = QLabel("Sets")
        title.setObjectName("setsTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.new_button = self._button("+", "newSetButton", "New set from the selected files")
        self.new_button.clicked.connect(lambda: self.requested.emit(SetAction.NEW, 0))
        self.link_button = self._button("Link folder…", "linkFolderButton", "Link the chosen set to a folder")
        self.link_button.clicked.connect(lambda: self._request_current(SetAction.LINK))
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.view = SetsList()
        self.view.setModel(model)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.view, 1)
        self.ask_button = self._button("Ask about this set", "askSetButton", "Attach all of the set's files")
        self.ask_button.clicked.connect(lambda: self._request_current(SetAction.ASK))
        self.ask_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # beside Ask, in the button's own menu (the sidebar is too narrow for a second button)
        self.ask_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        ask_menu = QMenu(self.ask_button)
        review = ask_menu.addAction("Review this set…")
        review.setObjectName("reviewSetButtonAction")
        review.setToolTip("Open the Review tab on the set's files: the same questions of each, as a grid")
        review.triggered.connect(lambda: self._request_current(SetAction.REVIEW))
        self.ask_button.setMenu(ask_menu)
        layout.addWidget(self.ask_button)
        layout.addWidget(self.link_button)
        self.link_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        delete = QAction("Delete set", self.view)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self._request_current(SetAction.DELETE))
        self.view.addAction(delete)
        model.modelReset.connect(self._follow_buttons)
        model.dataChanged.connect(self._follow_buttons)
        self.view.setCurrentIndex(model.index(0))
        self._follow_buttons()

    @staticmethod
    def _button(text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoRaise(False)
        return button

    # -- the chosen set --------------------------------------------------------------------------------
    def current(self) -> SetView | None:
        return self.model.view(self.view.currentIndex())

    def choose(self, set_id: int | None) -> None:
        """Make this set the chosen one (None: "All files"), as a click would."""
        index = self.model.index(self.model.row_of(set_id))
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def rename(self, set_id: int) -> None:
        """Edit the set's name in place (Enter keeps it, Esc leaves it)."""
        self.view.edit(self.model.index(self.model.row_of(set_id)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._follow_buttons()
        self.chosen.emit(self.model.view(current))

    def _follow_buttons(self, *_: object) -> None:
        view = self.current()
        self.ask_button.setEnabled(view is not None and view.files > 0)
        self.link_button.setEnabled(view is not None)
        self.link_button.setText("Sync status…" if view is not None and view.folder else "Link a folder…")

    def _request_current(self, action: SetAction) -> None:
        view = self.current()
        if view is not None:
            if action is SetAction.LINK and view.folder:
                action = SetAction.DETAILS
            self.requested.emit(action, view.id)

    def _double_clicked(self, index: QModelIndex) -> None:
        view = index.data(SET_ROLE)
        if isinstance(view, SetView):
            self.requested.emit(SetAction.ASK, view.id)

    # -- the context menu ----------------------------------------------------------------------------
    def _menu(self, pos: QPoint) -> None:
        view = self.model.view(self.view.indexAt(pos))
        menu = self.build_menu(view, has_selection=True)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def build_menu(self, view: SetView | None, *, has_selection: bool) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("setContextMenu")
        new = menu.addAction("New set from the selected files…")
        new.setObjectName("newSetAction")
        new.triggered.connect(lambda: self.requested.emit(SetAction.NEW, 0))
        if view is None:
            return menu
        menu.addSeparator()
        for action, title, name in _MENU:
            if action is SetAction.LINK and view.folder:
                continue
            if action in (SetAction.DETAILS, SetAction.RETRY, SetAction.UNLINK) and not view.folder:
                continue
            item = menu.addAction(title)
            item.setObjectName(name)
            if action in (SetAction.ASK, SetAction.REVIEW, SetAction.DELETE_FILES):
                item.setEnabled(view.files > 0)
            if action in (SetAction.ADD_SELECTED, SetAction.REMOVE_SELECTED):
                item.setEnabled(has_selection)
            if action is SetAction.RETRY:
                item.setEnabled(view.counts.failed > 0)
            item.triggered.connect(lambda _=False, a=action, i=view.id: self.requested.emit(a, i))
            if action in (SetAction.REMOVE_SELECTED, SetAction.UNLINK, SetAction.RENAME):
                menu.addSeparator()
        return menu
