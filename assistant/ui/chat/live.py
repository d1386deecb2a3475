"""``StreamingAnswer``: the end of the transcript while an answer streams (finished Markdown blocks
inserted once, the still-growing tail re-rendered on each tick; see ``transcript``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor

from assistant.ui.chat.format import marks_to_links
from assistant.ui.chat.mdstream import MarkdownSplitter

if TYPE_CHECKING:
    from assistant.ui.chat.transcript import Transcript

__all__ = ["StreamingAnswer"]

_DANGLING_MARKER = re.compile(r"(?:^|\n)[ \t]*(?:[-*+]|\d{1,3}[.)])?[ \t]*$")


class StreamingAnswer:
    """The end of the transcript while an answer streams. ``append`` renders; call it per batch."""

    def __init__(self, transcript: Transcript, turn_id: int, start: int) -> None:
        self._transcript = transcript
        self.turn_id = turn_id
        self._tail_start = start
        self._splitter = MarkdownSplitter()
        self._open = True
        self.rendered_chars = 0

    @property
    def text(self) -> str:
        return self._splitter.text

    def close(self) -> None:
        """The answer ended: drop a list marker left dangling by a cut-off stream, then stop."""
        if self._open:
            tail = self._splitter.tail
            trimmed = _DANGLING_MARKER.sub("", tail)
            if trimmed != tail:
                self._render("", trimmed)
        self._open = False

    def append(self, markdown: str) -> None:
        """Render ``markdown`` (the text that arrived since the last call) at the end of the answer."""
        if not self._open or not markdown or self._transcript._stream is not self:
            return  # ended, or the document was cleared meanwhile
        finished, tail = self._splitter.feed(markdown)
        self._render(finished, tail)
        self.rendered_chars += len(markdown)

    def _render(self, finished: str, tail: str) -> None:
        """Replace the rendered tail by ``finished`` (rendered for good) and the new ``tail``."""
        transcript = self._transcript
        bar = transcript.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(transcript.document())
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setCharFormat(QTextCharFormat())
        current = cursor.currentList()
        if current is not None:
            current.remove(cursor.block())
        if finished.strip():
            transcript._insert_markdown(cursor, marks_to_links(finished, self.turn_id))
            transcript._block(cursor)
        self._tail_start = cursor.position()
        if tail.strip():
            transcript._insert_markdown(cursor, marks_to_links(tail, self.turn_id))
        cursor.endEditBlock()
        transcript.document_updates += 1
        if at_end:
            transcript.scroll_to_end()
