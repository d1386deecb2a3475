"""How the main window's parts are wired: the chat pane's actions in the menu and toolbar, and the
signals between the session, the controllers and the panes (the window only builds the parts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow

__all__ = ["adopt_chat_actions", "connect_window"]


def adopt_chat_actions(window: MainWindow) -> None:
    """The chat pane's own actions in the menu and toolbar; Delete and Ctrl+V act on the table
    (in a text box, Ctrl+V stays a text paste)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    chat, a = window.chat_panel, window.commands
    a.adopt_chat_actions(
        chat.new_conversation_action,
        (window.files_panel.ask_action, chat.stop_action, chat.export_action, chat.conversations_action),
    )
    a.paste_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Paste))
    table = window.files_panel.table
    for action in (a.delete_action, a.paste_action):
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.removeAction(action)
        table.addAction(action)


def connect_window(window: MainWindow) -> None:
    s, f, rows, chat, panel = window.session, window.files, window.rows, window.chat_panel, window.files_panel
    s.key_status.connect(lambda status: window.status.set_key(status, offline=s.offline))
    s.needs_key.connect(lambda status: window.open_key_dialog(first_run=True, status=status))
    s.ready.connect(window.services_ready)
    window.dialogs.key_saved.connect(window.key_saved)
    window.dialogs.offline_requested.connect(window.offline_requested)
    window.dialogs.settings_saved.connect(window.settings_saved)
    s.connection.connect(window.status.set_connection)
    s.refreshed.connect(lambda _report: window.reload_files())
    f.loaded.connect(window.files_read)
    f.rows_added.connect(panel.resort)
    f.changed.connect(chat.refresh_files)  # chips and the gone-files notice follow the catalog
    f.changed.connect(window.selection.update)
    window.selection.actions_changed.connect(window.file_actions_changed)
    f.sources_checked.connect(window.selection.update)
    f.storage_changed.connect(window.status.set_storage)
    window.stale.found.connect(lambda states: f.set_source_states(states, skip=rows.busy))
    rows.said.connect(window.status.showMessage)
    window.cleanup.deleted.connect(window.file_deleted)
    window.upload_queue.uploaded.connect(lambda result, _job: f.add_uploaded(result))
    panel.selection_changed.connect(window.table_selection_changed)
    panel.ask_requested.connect(window.ask_about)
    panel.delete_requested.connect(window.delete_files)
    panel.show_local_requested.connect(window.show_local_copy)
    panel.renew_requested.connect(rows.renew)
    panel.reupload_requested.connect(rows.reupload)
    chat.files_shown.connect(lambda records: window.files_model.set_in_conversation(r.id for r in records))
    chat.file_states_changed.connect(lambda _records: window.reload_files())
    chat.busy_changed.connect(lambda busy: None if busy else window.reload_files())  # "Last used" moved
