"""A citation clicked in the transcript, on its way to the source pane; and the tooltip of a mark.

``Citing.open(turn_id, number)`` finds the cited file (``ConversationController.find_citation``, a
catalog read in a worker) and emits ``source_requested(CitedSource)`` with the answer's other citations,
so the pane can step through them. Hovering a citation mark (``[n]`` in an answer or its sources) shows
the cited passage and its place in a tooltip, so a claim can be checked without clicking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QTextBrowser, QToolTip

from assistant.catalog import Citation, FileRecord
from assistant.ui.chat.controller import ConversationController
from assistant.ui.chat.format import citation_place, short

__all__ = ["CitedSource", "Citing", "hover_text"]


@dataclass(frozen=True)
class CitedSource:
    """A citation to show: the file it is from (None when the catalog has no such file any more),
    and which one it is of its answer's citations (``number`` counts from 1)."""

    record: FileRecord | None
    citation: Citation
    turn_id: int
    number: int
    citations: tuple[Citation, ...]


def hover_text(citation: Citation) -> str:
    """What a citation mark's tooltip says: the passage, then where it is."""
    return f"“{short(citation.cited_text, 400)}”\n— {citation_place(citation)}"


class Citing(QObject):
    source_requested = Signal(object)  # CitedSource

    def __init__(
        self,
        controller: ConversationController,
        lookup: Callable[[int, int], Citation | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._lookup = lookup
        self._pending: tuple[int, int, tuple[Citation, ...]] | None = None
        controller.source_found.connect(self._found)

    def open(self, turn_id: int, number: int) -> None:
        """Show citation ``number`` of turn ``turn_id`` (the file is found in a worker)."""
        citations: list[Citation] = []
        while (next_one := self._lookup(turn_id, len(citations) + 1)) is not None:
            citations.append(next_one)
        if not 1 <= number <= len(citations):
            return
        self._pending = (turn_id, number, tuple(citations))
        self._controller.find_citation(citations[number - 1])

    def _found(self, record: FileRecord | None, citation: Citation) -> None:
        if self._pending is None:
            return
        turn_id, number, citations = self._pending
        if citations[number - 1] is not citation:
            return  # an older click's answer: a newer one is on its way
        self._pending = None
        self.source_requested.emit(CitedSource(record, citation, turn_id, number, citations))

    def watch(self, transcript: QTextBrowser) -> None:
        """Tooltips for the citation marks of ``transcript``."""
        self._transcript = transcript
        transcript.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            anchor = self._transcript.anchorAt(event.pos())
            kind, _, rest = anchor.partition(":")
            turn, _, number = rest.partition(":")
            if kind == "cite" and turn.isdigit() and number.isdigit():
                citation = self._lookup(int(turn), int(number))
                if citation is not None:
                    QToolTip.showText(event.globalPos(), hover_text(citation), self._transcript.viewport())
                    return True
        return super().eventFilter(watched, event)
