"""The chat pane's widgets and actions, laid out; no behaviour (``ChatPanel`` adds the parts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QToolButton, QVBoxLayout, QWidget

from assistant.ui.chat.composer import Composer
from assistant.ui.chat.conversations import ConversationList
from assistant.ui.chat.label import ElidedLabel
from assistant.ui.chat.notice import GoneFilesNotice
from assistant.ui.chat.transcript import Transcript

__all__ = ["ChatLayout"]


class ChatLayout(QWidget):
    """Left the conversation list (closed where it would only take room: ``drawer``); then the
    title, the Conversations button and Export, the transcript, the notice about gone files and the
    composer (with the conversation's totals next to the model). A side pane (the source of a
    citation) goes beside the chat with ``add_side_pane``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self._build()
        self._build_actions()

    def _build(self) -> None:
        self.conversations = ConversationList(self)
        self.transcript = Transcript(self)
        self.composer = Composer(self)
        self.title_label = ElidedLabel(self)
        self.title_label.setObjectName("conversationTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        # whole while the row has room (the composer's passing notes give way first), cut only past that
        self.totals_label = ElidedLabel(self, prefer_whole=True)
        self.totals_label.setObjectName("conversationTotals")
        self.totals_label.setAccessibleName("Conversation cost")
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Export this conversation to Markdown")
        self.export_button.setAccessibleName("Export conversation to Markdown")

        chat = QWidget(self)
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.setSpacing(4)
        self.conversations_button = QToolButton(self)
        self.conversations_button.setObjectName("conversationsButton")
        self.conversations_button.setText("Conversations")
        self.conversations_button.setAccessibleName("Show or hide the list of conversations")
        header = QHBoxLayout()
        header.addWidget(self.conversations_button)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.export_button)
        chat_layout.addLayout(header)
        chat_layout.addWidget(self.transcript, 1)
        self.gone_notice = GoneFilesNotice(chat)
        chat_layout.addWidget(self.gone_notice)
        chat_layout.addWidget(self.composer)
        # what the prompt cache did (``cache_meter.CacheMeter``): one line, cut (the detail in its tooltip)
        self.cache_meter_label = ElidedLabel(chat)
        self.cache_meter_label.setObjectName("cacheMeter")
        self.cache_meter_label.setAccessibleName("Prompt cache")
        self.cache_meter_label.hide()
        chat_layout.addWidget(self.cache_meter_label)
        self.composer.bottom_row.addWidget(self.totals_label)  # next to the model: room to be read
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("chatSplitter")
        self.splitter.addWidget(self.conversations)
        self.splitter.addWidget(chat)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 600])
        self.splitter.setChildrenCollapsible(False)
        self.conversations.setMinimumWidth(150)
        self.conversations.hide()  # the drawer opens it where it helps (``ConversationDrawer``)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def add_side_pane(self, pane: QWidget) -> None:
        """A pane beside the chat (the source of a citation), sharing the chat's splitter."""
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(self.splitter.indexOf(pane), 1)

    def _build_actions(self) -> None:
        """Actions the window may also put in its menus and toolbar (same objects: no shortcut clash)."""
        self.new_conversation_action = QAction("New Conversation", self)
        self.new_conversation_action.setObjectName("newConversationAction")
        self.new_conversation_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_conversation_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.stop_action = QAction("Stop Answer", self)
        self.stop_action.setObjectName("stopAction")
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.stop_action.setEnabled(False)
        self.conversations_action = QAction("Show Conversation List", self)
        self.conversations_action.setObjectName("conversationsAction")
        self.conversations_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.conversations_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(self.conversations_action)
        self.export_action = QAction("Export Conversation…", self)
        self.export_action.setObjectName("exportAction")
        self.addAction(self.new_conversation_action)
        self.addAction(self.stop_action)
