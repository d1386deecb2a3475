"""The chat pane: conversation list, streamed transcript with citations, composer.

Holds the pane's widgets (``layout``, ``composer``, ``conversations``, ``transcript``, ``notice``), its
parts (``controller`` with ``jobs`` and ``snapshot``: conversations and files, catalog work in a worker;
``stream``: the answer; ``asking``: a question's way; ``context``; ``picking``: the model picker and
``naming``: what models are called; ``export``) and their text helpers.
May import ``assistant.api``, ``assistant.catalog``, ``assistant.bridge`` and Qt; never the window.

The main window builds one ``ChatPanel`` and wires it::

    services = ChatServices(store=store, runner=runner, chat=chat_service_or_None,
                            settings=settings_or_callable, prices=None,
                            renew=None,  # or a callable(FileRecord) that renews it in a worker
                                         # (lifecycle.renew), then calls panel.refresh_files():
                                         # the gone-files notice then offers "Renew"
                            offline=False)  # True: the sandbox answers; its model "Local sandbox"
                                            # is the only one, and no money is shown (``naming``)
    panel = ChatPanel(services, parent)
    panel.set_chat_service(chat)        # later, once there is a client (key given / sandbox started)
    panel.set_attached_files(records)   # the files the person attached ("Ask about these"; chips,
                                        # saved with the current conversation); never the selection
    panel.refresh_files()               # after a reconcile, renewal or clean-up: chips and the notice
                                        # about gone files follow the catalog
    panel.new_conversation()            # Ctrl+N
    panel.focus_composer()
    panel.stop()                        # Esc: ends the stream now, keeps what arrived (incomplete)
    panel.shutdown()                    # when the window closes, before runner.shutdown()

    panel.attachments_changed(list)            # a chip was removed, or another conversation (with its
                                               # own files) was opened: the new list of FileRecords
    panel.files_shown(list)                    # the conversation's files as the chips show them, after
                                               # any change (the file table marks them)
    panel.citing.source_requested(CitedSource) # a citation mark was clicked: show its source (the
                                               # window's source pane; ``citing.CitedSource``)
    panel.conversation_changed(int)            # the conversation shown (0 = none yet)
    panel.file_states_changed(list)            # FileRecords the API said are gone (deleted or expired
                                               # remotely before a reconcile); the pane marked them in
                                               # the catalog: refresh the file table
    panel.busy_changed(bool)                   # an answer is streaming
    panel.is_streaming, panel.is_rendering     # for tests: answer arriving / last burst still drawing
    panel.is_settled                           # for tests: no catalog job of the pane is pending

Catalog reads and writes run in a worker, so what they change shows a moment later: wait for
``conversation_changed`` / ``attachments_changed`` (or ``is_settled``). ``export_markdown(path)``
writes in a worker and reports ``panel.exporter.exported(Path)``; ``pick_replacement(record)`` opens
its picker when ``panel.controller.replacements`` has the candidates.

    # QActions to put in menus / the toolbar as they are (the same objects, so no shortcut clash):
    panel.new_conversation_action   Ctrl+N (window-wide)
    panel.stop_action               Esc (window-wide, enabled only while an answer streams)
    panel.export_action             export the conversation to Markdown (asks where, non-blocking)

Attached files that are expired, missing or deleted are said in a notice above the composer
(``goneFilesNotice``: "“report.pdf” expired on 12 Nov — it can't be used in questions any more.", with
"Attach another…", a non-blocking picker of the active files, and "Remove"); their chips are struck
through and greyed, and a file's warnings show as ⚠ and a tooltip on its chip. A question is never sent
with a gone file: it stays in the box and the pane says why (also when only the API found out).

Files are attached by the window (``set_attached_files``) and by the pane itself: rows of the files
table dragged onto the pane (``assistant.ui.row_drag``'s mime type; a drop of rows never uploads) and
the composer's Attach… (``attachButton``: ``attachPicker``, the active files with boxes, the
conversation's own ticked). Chips wrap (``chipsArea``, up to three lines, then it scrolls). A question
is about the attached files: with none, Send is off and Enter says so under the chips, sending nothing.

Enter or Ctrl+Enter in the question box sends; Shift+Enter is a new line. Opening another
conversation (or deleting the one streaming) stops the answer streaming in the current one (kept,
marked incomplete). Before anything is sent the panel needs a chat service: without one the question
stays in the box and the pane says it is not connected. Object names:
``conversationList``, ``conversationSearch``, ``transcript``, ``chatInput``, ``sendButton``,
``stopButton``, ``modelPicker`` (and ``conversationTotals``, ``exportButton``, ``composerWarning``).
"""

from __future__ import annotations

from assistant.ui.chat.panel import ChatPanel
from assistant.ui.chat.services import ChatServices

__all__ = ["ChatPanel", "ChatServices"]
