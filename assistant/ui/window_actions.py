"""The main window's actions, menus and toolbar: what each command is called, its shortcut and icon.

``WindowActions(window, slots)`` makes every QAction (on ``window``, so shortcuts work anywhere in it),
the File / Conversation / Tools / Help menus and the main toolbar, each toolbar button with a stable
object name. ``adopt_chat_actions(...)`` puts the chat pane's own actions (one Ctrl+N, one Esc) in the
menu and toolbar in place of the window's stand-ins. Nothing here does anything: the slots do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QStyle, QToolBar

__all__ = ["WindowActions", "WindowSlots"]

Slot = Callable[[], object]
Shortcut = QKeySequence | QKeySequence.StandardKey | Qt.Key | str | None


@dataclass(frozen=True)
class WindowSlots:
    choose_files: Slot
    choose_folder: Slot
    paste_files: Slot
    refresh: Slot
    open_cleanup: Slot
    delete_selected: Slot
    renew_selected: Slot
    reupload_selected: Slot
    new_conversation: Slot
    open_settings: Slot
    open_key_dialog: Slot
    show_about: Slot
    quit: Slot


_FALLBACK_ICONS = {
    "document-open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "view-refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "appointment-new": QStyle.StandardPixmap.SP_ArrowUp,
    "edit-clear": QStyle.StandardPixmap.SP_TrashIcon,
    "document-new": QStyle.StandardPixmap.SP_FileDialogNewFolder,
    "preferences-system": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "dialog-password": QStyle.StandardPixmap.SP_DialogApplyButton,
}


class WindowActions:
    def __init__(self, window: QMainWindow, slots: WindowSlots) -> None:
        self._window = window
        s = slots
        self.upload_action = self._action(
            "&Upload…", s.choose_files, QKeySequence.StandardKey.Open, "uploadAction", "Upload files (Ctrl+O)"
        )
        self.upload_folder_action = self._action(
            "Upload &folder…", s.choose_folder, "Ctrl+Shift+O", "uploadFolderAction", "Upload a folder"
        )
        self.paste_action = self._action("&Paste files", s.paste_files, None, "pasteAction")
        self.refresh_action = self._action(
            "&Refresh", s.refresh, Qt.Key.Key_F5, "refreshAction", "Refresh the file list from the API (F5)"
        )
        self.cleanup_action = self._action(
            "&Clean up…", s.open_cleanup, None, "cleanupAction", "Delete expired, missing, unused files"
        )
        self.delete_action = self._action(
            "&Delete selected…",
            s.delete_selected,
            QKeySequence.StandardKey.Delete,
            "deleteAction",
            "Delete the selected files (Del)",
        )
        self.renew_action = self._action(
            "Re&new",
            s.renew_selected,
            None,
            "renewAction",
            "Upload the selected files again from their kept copies, with a fresh expiry",
        )
        self.renew_action.setEnabled(False)
        self.renew_action.setIconText("Renew")  # the toolbar's word stays put; the menu counts the files
        self.reupload_action = self._action(
            "Re-&upload changed",
            s.reupload_selected,
            None,
            "reuploadAction",
            "Upload the current version of the selected files whose local file changed, and swap it in",
        )
        self.reupload_action.setEnabled(False)
        self.new_chat_action = self._action(
            "&New conversation", s.new_conversation, QKeySequence.StandardKey.New, "newConversationAction"
        )
        self.settings_action = self._action("&Settings…", s.open_settings, "Ctrl+,", "settingsAction")
        self.key_action = self._action(
            "API &key…", s.open_key_dialog, "Ctrl+K", "keyAction", "Enter the API key"
        )
        self.about_action = self._action("&About", s.show_about, None, "aboutAction")
        self.quit_action = self._action("&Quit", s.quit, "Ctrl+Q", "quitAction")
        self.chat_menu = self._menus()
        self.toolbar = self._toolbar()

    def _action(self, text: str, slot: Slot, shortcut: Shortcut, name: str, tip: str = "") -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut))
        action.setObjectName(name)
        action.setToolTip(tip or text.replace("…", "").replace("&", ""))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        return action

    def _menus(self) -> QMenu:
        bar = self._window.menuBar()
        file_menu = bar.addMenu("&File")
        for group in (
            (self.upload_action, self.upload_folder_action, self.paste_action, self.refresh_action),
            (self.renew_action, self.reupload_action),
            (self.cleanup_action, self.delete_action),
            (self.quit_action,),
        ):
            if file_menu.actions():
                file_menu.addSeparator()
            for action in group:
                file_menu.addAction(action)
        chat_menu = bar.addMenu("&Conversation")
        chat_menu.addAction(self.new_chat_action)
        tools = bar.addMenu("&Tools")
        tools.addAction(self.settings_action)
        tools.addAction(self.key_action)
        bar.addMenu("&Help").addAction(self.about_action)
        return chat_menu

    def _toolbar(self) -> QToolBar:
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._window.addToolBar(toolbar)
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
        return toolbar

    def adopt_chat_actions(self, new_conversation: QAction, extras: tuple[QAction, ...]) -> None:
        """Use the chat pane's own actions in the menu and toolbar (one Ctrl+N, one Esc)."""
        mine = self.new_chat_action
        new_conversation.setIcon(mine.icon())
        self.chat_menu.insertAction(mine, new_conversation)
        self.chat_menu.removeAction(mine)
        self.toolbar.insertAction(mine, new_conversation)
        self.toolbar.removeAction(mine)
        self._window.removeAction(mine)
        mine.setShortcut(QKeySequence())
        mine.deleteLater()
        self.new_chat_action = new_conversation
        _name_button(self.toolbar, new_conversation, "newConversationToolButton")
        for extra in extras:
            self.chat_menu.addAction(extra)


def _icon(name: str) -> QIcon:
    """The theme's icon, or the style's own when the system has no icon theme."""
    icon = QIcon.fromTheme(name)
    style = QApplication.style()
    if icon.isNull() and name in _FALLBACK_ICONS and style is not None:
        icon = style.standardIcon(_FALLBACK_ICONS[name])
    return icon


def _name_button(toolbar: QToolBar, action: QAction, name: str) -> None:
    button = toolbar.widgetForAction(action)
    if button is not None:
        button.setObjectName(name)
        button.setAccessibleName(action.text().replace("&", "").replace("…", ""))
