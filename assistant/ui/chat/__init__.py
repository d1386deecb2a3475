"""The chat pane: conversation list, streamed transcript with citations, composer.

The main window builds one ``ChatPanel`` and wires it::

    services = ChatServices(store=store, runner=runner, chat=chat_service_or_None,
                            settings=settings_or_callable, prices=None)
    panel = ChatPanel(services, parent)
    panel.set_chat_service(chat)        # later, once there is a client (key given / sandbox started)
    panel.set_attached_files(records)   # the files selected in the file table (chips; saved with the
                                        # current conversation)
    panel.new_conversation()            # Ctrl+N
    panel.focus_composer()
    panel.stop()                        # Esc: ends the stream now, keeps what arrived (incomplete)
    panel.shutdown()                    # when the window closes, before runner.shutdown()

    panel.attachments_changed(list)            # a chip was removed, or another conversation (with its
                                               # own files) was opened: the new list of FileRecords
    panel.open_citation(record_or_None, page)  # a citation mark was clicked: open the local copy of
                                               # that FileRecord (a PDF at ``page``, else page None)
    panel.conversation_changed(int)            # the conversation shown (0 = none yet)
    panel.busy_changed(bool)                   # an answer is streaming
    panel.is_streaming, panel.is_rendering     # for tests: answer arriving / last burst still drawing

    # QActions to put in menus / the toolbar as they are (the same objects, so no shortcut clash):
    panel.new_conversation_action   Ctrl+N (window-wide)
    panel.stop_action               Esc (window-wide, enabled only while an answer streams)
    panel.export_action             export the conversation to Markdown (asks where, non-blocking)

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
