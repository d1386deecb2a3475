"""The source pane: a citation's document beside the chat, the cited passage highlighted on its page.

Holds the pane (``pane``, ``page_view``, ``text_view``), its controller (``controller``: the work in
workers), the reading of a source in those workers (``reading``: pypdfium2 pages and text files; ``locate``:
finding the passage and saying where it is) and its room beside the chat (``room``); the hover tooltip
of citation marks is the chat pane's (``chat.citing.hover_text``).
May import ``assistant.catalog``, ``assistant.documents``, ``assistant.bridge``, the chat pane's text
helpers and Qt; the window wires it (``wiring``).
"""

from __future__ import annotations

from assistant.ui.source.controller import SourceController
from assistant.ui.source.pane import SourcePane

__all__ = ["SourceController", "SourcePane"]
