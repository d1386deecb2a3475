"""The conversation list: search by title, new, rename (F2 or double-click), delete (Del).

A view: it never touches the catalog. It reports ``selected(conversation_id or 0)``,
``rename_requested(id, title)``, ``delete_requested(id)`` (after asking) and ``filter_changed(text)``;
the controller does the catalog writes and the panel refills the list (``fill``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import Conversation

__all__ = ["ConversationList"]

_ID = Qt.ItemDataRole.UserRole


class ConversationList(QWidget):
    selected = Signal(int)  # conversation id, 0 = none
    new_requested = Signal()
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    filter_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setAccessibleName("Search conversations by title")
        self.search.setPlaceholderText("Search conversations")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.new_button = QToolButton(self)
        self.new_button.setObjectName("newConversationButton")
        self.new_button.setText("New")
        self.new_button.setToolTip("New conversation (Ctrl+N)")
        self.new_button.setAccessibleName("New conversation")
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.list = QListWidget(self)
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName("Conversations")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(False)
        layout.addWidget(self.list, 1)

        self.rename_action = QAction("Rename", self.list)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.rename_action.triggered.connect(self.edit_current)
        self.delete_action = QAction("Delete", self.list)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self._delete_current)
        self.list.addAction(self.rename_action)
        self.list.addAction(self.delete_action)

        self.search.textChanged.connect(self._search_changed)
        self.new_button.clicked.connect(self.new_requested)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(self._item_edited)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self._filling = False
        self._current_id = 0
        self.model_name: Callable[[str], str] = str  # names a model id (the pane sets it)
        self._menu: QMenu | None = None

    # ------------------------------------------------------------------ filling

    def filter_text(self) -> str:
        return self.search.text().strip()

    def fill(self, conversations: Sequence[Conversation], current_id: int) -> None:
        """Show ``conversations`` (already filtered) and keep ``current_id`` selected if listed."""
        self._filling = True
        try:
            self.list.clear()
            for conv in conversations:
                item = QListWidgetItem(conv.title or "Untitled")
                item.setData(_ID, conv.id)
                updated = f"{conv.updated_at.astimezone():%Y-%m-%d %H:%M}"
                item.setToolTip(f"{conv.title}\n{self.model_name(conv.model)} · updated {updated}")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
                if conv.id == current_id:
                    self.list.setCurrentItem(item)
            self._current_id = current_id
        finally:
            self._filling = False

    def titles(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(_ID) == conversation_id:
                return item
        return None

    def select(self, conversation_id: int) -> None:
        item = self.item_for(conversation_id)
        self._filling = True
        try:
            if item is None:
                self.list.clearSelection()
                self.list.setCurrentRow(-1)
            else:
                self.list.setCurrentItem(item)
        finally:
            self._filling = False
        self._current_id = conversation_id

    # ------------------------------------------------------------------ editing

    def edit_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _item_edited(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        conv_id = int(item.data(_ID) or 0)
        title = " ".join(item.text().split())
        if conv_id and title:
            self.rename_requested.emit(conv_id, title)

    def _delete_current(self) -> None:
        """Ask first (non-blocking: ``deleteConversationBox``), then ``delete_requested(id)``."""
        item = self.list.currentItem()
        if item is not None:
            self._confirm_delete(int(item.data(_ID) or 0), item.text())

    def _confirm_delete(self, conversation_id: int, title: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete conversation",
            f"Delete “{title}” and all its answers? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deleteConversationBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.delete_requested.emit(conversation_id)

        box.finished.connect(done)
        self._message_box = box
        box.open()

    def _current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if self._filling:
            return
        conv_id = int(current.data(_ID) or 0) if current is not None else 0
        if conv_id != self._current_id:
            self._current_id = conv_id
            self.selected.emit(conv_id)

    def _search_changed(self, _text: str) -> None:
        self.filter_changed.emit(self.filter_text())

    def _context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        menu = QMenu(self)
        menu.addAction("New conversation", self.new_requested.emit)
        if item is not None:
            self.list.setCurrentItem(item)
            menu.addAction(self.rename_action)
            menu.addAction(self.delete_action)
        self._menu = menu
        menu.popup(self.list.viewport().mapToGlobal(pos))
