"""The transcript: finished turns rendered once, and the streaming answer appended in place.

``Transcript`` is a read-only ``QTextBrowser`` (object name ``transcript``). A conversation is
rendered turn by turn when it is opened. While an answer streams, ``StreamingAnswer`` owns the end of
the document: finished Markdown blocks are inserted once and only the still-growing tail block is
re-rendered on each tick (see ``mdstream``), so a tick near the end of a long answer costs what a tick
at its start did. Undo is off, so the document keeps no history of these edits.

Links in the document are actions, not URLs: ``cite:<turn>:<n>``, ``retry:<turn>``, ``copy:<turn>``,
``continue:<turn>``; ``Transcript.action`` reports them as ``(kind, turn_id, number)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from assistant.catalog import Citation, ConversationNote, TurnState, Usage
from assistant.ui.chat.format import citation_place, format_usage, marks_to_links, short
from assistant.ui.chat.live import StreamingAnswer
from assistant.ui.chat.state import TurnAction

__all__ = ["StreamingAnswer", "Transcript", "TurnView", "empty_hint"]

_SENTINEL = "\u200b"
_ANSWERS_HERE = (
    "The answer streams in here, with numbered citations you can click to open the page they come from."
)


def empty_hint(files: int) -> str:
    """What an empty conversation says: how to attach files, or that the attached ones are ready."""
    if not files:
        return (
            "Attach the files to ask about: select them on the left and press Ask about these "
            "(Ctrl+Shift+A), drag them onto this pane, or press Attach… below. They appear as chips.\n"
            f"Then ask a question. {_ANSWERS_HERE}"
        )
    which = "the file" if files == 1 else f"the {files} files"
    return f"Ask a question about {which} below (Enter sends).\n{_ANSWERS_HERE}"


_ACTIONS = frozenset(a.value for a in TurnAction)


@dataclass(frozen=True)
class TurnView:
    """What the transcript shows of one turn (built from a ``Turn`` and its cost)."""

    turn_id: int
    question: str
    answer: str  # Markdown with citation marks (see ``format.MARK``)
    citations: tuple[Citation, ...]
    state: TurnState
    error: str | None = None
    usage: Usage | None = None
    cost_text: str | None = None  # "$0.0123", or None when the model has no price
    model: str = ""
    stop_reason: str | None = None  # the API's: "max_tokens" is an answer cut at the length limit


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Base).lightness() < 128


class Transcript(QTextBrowser):
    """Read-only rendered conversation. Emits ``action(kind, turn_id, number)`` for its links."""

    action = Signal(object, int, int)  # (TurnAction, turn id, citation number or 0)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName("Conversation transcript")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(14)
        font = self.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.document().setDefaultFont(font)
        self.anchorClicked.connect(self._on_anchor)
        self.document_updates = 0  # edits made to the document (tests count them)
        self.notes: list[str] = []  # what ``add_note`` said since the conversation was shown
        self._stream: StreamingAnswer | None = None
        self.hint = empty_hint(0)  # painted while the conversation is empty
        self._colors()

    def set_file_count(self, files: int) -> None:
        """The empty conversation's hint follows the number of attached files."""
        hint = empty_hint(files)
        if hint != self.hint:
            self.hint = hint
            self.viewport().update()

    # ------------------------------------------------------------------ colours and formats

    def _colors(self) -> None:
        dark = _is_dark(self)
        self._question_bg = QColor("#2b3442" if dark else "#eef2f8")
        self._muted = QColor("#9aa4b2" if dark else "#5f6b7a")
        self._warn = QColor("#f0b35a" if dark else "#9a5b00")
        self._error = QColor("#ff8a80" if dark else "#b3261e")
        self._link = QColor("#8ab4f8" if dark else "#1a5fb4")
        self.document().setDefaultStyleSheet(f"a {{ color: {self._link.name()}; text-decoration: none; }}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._colors()  # new text uses the new theme; the pane re-renders finished turns
        super().changeEvent(event)

    def _block(self, cursor: QTextCursor, fmt: QTextBlockFormat | None = None) -> None:
        """Start a fresh, plain block (no list, heading or code format carried over)."""
        cursor.insertBlock(fmt or QTextBlockFormat(), QTextCharFormat())
        current = cursor.currentList()
        if current is not None:
            current.remove(cursor.block())
        cursor.setBlockFormat(fmt or QTextBlockFormat())
        cursor.setCharFormat(QTextCharFormat())

    def _insert_markdown(self, cursor: QTextCursor, markdown: str) -> None:
        """Insert rendered Markdown at ``cursor`` (the start of an empty block); cursor ends at the end.

        ``insertMarkdown`` merges the first rendered block into the current one, which loses a
        heading's or code block's format; a throwaway first paragraph takes that merge instead and is
        then removed, so every block keeps its own format.
        """
        start = cursor.position()
        cursor.insertMarkdown(_SENTINEL + "\n\n" + markdown)
        block = self.document().findBlock(start)
        if block.text() == _SENTINEL and block.next().isValid():
            cut = QTextCursor(block)
            cut.setPosition(block.next().position(), QTextCursor.MoveMode.KeepAnchor)
            cut.removeSelectedText()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if "](" in markdown:
            self._color_links(start, cursor.position())

    def _color_links(self, start: int, end: int) -> None:
        """Links in the theme's link colour (the Markdown importer hard-codes a blue)."""
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end:
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isAnchor():
                    recolor = QTextCharFormat()
                    recolor.setForeground(self._link)
                    recolor.setFontUnderline(False)
                    cur = QTextCursor(self.document())
                    cur.setPosition(fragment.position())
                    cur.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cur.mergeCharFormat(recolor)
                it += 1
            block = block.next()

    def _small(self, color: QColor | None = None, bold: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        size = self.document().defaultFont().pointSizeF()
        if size > 0:
            fmt.setFontPointSize(size * 0.88)
        if color is not None:
            fmt.setForeground(color)
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        return fmt

    def _link_fmt(self, href: str, base: QTextCharFormat | None = None, tip: str = "") -> QTextCharFormat:
        fmt = QTextCharFormat(base) if base is not None else QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setForeground(self._link)
        if tip:
            fmt.setToolTip(tip)
        return fmt

    # ------------------------------------------------------------------ whole turns

    def clear_all(self) -> None:
        self._stream = None
        self.notes = []
        self.document().clear()
        self.document_updates += 1

    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def add_turn(self, view: TurnView) -> None:
        """Render one finished (or stopped, or failed) turn at the end."""
        cursor = self._end_cursor()
        cursor.beginEditBlock()
        self._write_question(cursor, view.turn_id, view.question)
        self._block(cursor)
        if view.answer:
            self._insert_markdown(cursor, marks_to_links(view.answer, view.turn_id, view.citations))
        self._write_footer(cursor, view)
        cursor.endEditBlock()
        self.document_updates += 1

    def add_note(self, text: str) -> None:
        """Say what happened to the conversation, in small muted text at the end (e.g. "2 files added
        to the set were attached"). Kept between runs through ``TranscriptNotes``, not by this call."""
        cursor = self._end_cursor()
        cursor.beginEditBlock()
        if not self.document().isEmpty():
            self._block(cursor)
        cursor.insertText(text, self._small(self._muted))
        cursor.endEditBlock()
        self.notes.append(text)
        self.document_updates += 1
        self.scroll_to_end()

    def set_turns(self, views: list[TurnView], notes: Sequence[ConversationNote] = ()) -> None:
        """The turns, each kept note in its place (after the turn it followed, before later ones)."""
        self.setUpdatesEnabled(False)
        try:
            self.clear_all()
            waiting = sorted(notes, key=lambda n: (n.after_turn_id, n.id))
            for view in views:
                while waiting and waiting[0].after_turn_id < view.turn_id:
                    self.add_note(waiting.pop(0).text)
                self.add_turn(view)
            for note in waiting:
                self.add_note(note.text)
        finally:
            self.setUpdatesEnabled(True)
        self.scroll_to_end()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.document().isEmpty():  # a hint for a new conversation, not part of the document
            painter = QPainter(self.viewport())
            painter.setPen(self._muted)
            margin = 24
            rect = self.viewport().rect().adjusted(margin, margin, -margin, -margin)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.hint)
            painter.end()

    def _write_question(self, cursor: QTextCursor, turn_id: int, question: str) -> None:
        fmt = QTextBlockFormat()
        fmt.setBackground(self._question_bg)
        fmt.setTopMargin(14 if not cursor.atStart() else 0)
        fmt.setBottomMargin(6)
        fmt.setLeftMargin(0)
        if cursor.atStart() and cursor.block().length() <= 1:
            cursor.setBlockFormat(fmt)
        else:
            self._block(cursor, fmt)
        label = QTextCharFormat()
        label.setFontWeight(QFont.Weight.Bold)
        cursor.insertText("You  ", label)
        lines = question.split("\n")
        plain = QTextCharFormat()
        for i, line in enumerate(lines):
            if i:
                cursor.insertText("\u2028", plain)  # a line break inside the same block
            cursor.insertText(line, plain)

    def _write_footer(self, cursor: QTextCursor, view: TurnView) -> None:
        if view.state is TurnState.STREAMING:
            return
        if view.citations:
            self._write_sources(cursor, view.turn_id, view.citations)
        if view.state is TurnState.INCOMPLETE:
            block = QTextBlockFormat()
            block.setTopMargin(6)
            self._block(cursor, block)
            cursor.insertText("■ Stopped — this answer is incomplete.", self._small(self._warn, bold=True))
        elif view.state is TurnState.FAILED:
            block = QTextBlockFormat()
            block.setTopMargin(6)
            self._block(cursor, block)
            cursor.insertText("⚠ Failed: ", self._small(self._error, bold=True))
            cursor.insertText(view.error or "The request failed.", self._small(self._error))
            if view.turn_id:  # a turn in the catalog (the question box also keeps the question)
                cursor.insertText("   ", self._small())
                cursor.insertText(
                    "↻ Retry", self._link_fmt(f"retry:{view.turn_id}", self._small(bold=True), "Ask again")
                )
        elif view.state is TurnState.COMPLETE and view.stop_reason == "max_tokens":
            block = QTextBlockFormat()
            block.setTopMargin(6)
            self._block(cursor, block)
            cursor.insertText("⚠ The answer reached the length limit — ", self._small(self._warn, bold=True))
            tip = "Ask the model to go on from where the answer stopped"
            cursor.insertText(
                "Continue", self._link_fmt(f"continue:{view.turn_id}", self._small(bold=True), tip)
            )
        meta = QTextBlockFormat()
        meta.setTopMargin(4)
        meta.setBottomMargin(8)
        self._block(cursor, meta)
        parts = []
        if view.usage is not None:
            parts.append(format_usage(view.usage))
        if view.cost_text:
            parts.append(view.cost_text)
        if view.model:
            parts.append(view.model)
        small = self._small(self._muted)
        if parts:
            cursor.insertText("  ·  ".join(parts) + "   ", small)
        if view.answer:
            copy = self._link_fmt(f"copy:{view.turn_id}", small, "Copy this answer")
            cursor.insertText("Copy", copy)

    def _write_sources(self, cursor: QTextCursor, turn_id: int, citations: tuple[Citation, ...]) -> None:
        head = QTextBlockFormat()
        head.setTopMargin(8)
        self._block(cursor, head)
        cursor.insertText("Sources", self._small(self._muted, bold=True))
        for n, citation in enumerate(citations, start=1):
            block = QTextBlockFormat()
            block.setLeftMargin(8)
            block.setTopMargin(2)
            self._block(cursor, block)
            place = citation_place(citation)
            cursor.insertText(
                f"[{n}]",
                self._link_fmt(f"cite:{turn_id}:{n}", self._small(bold=True), f"Open {place}"),
            )
            cursor.insertText(f" “{short(citation.cited_text, 220)}”", self._small())
            cursor.insertText(f" — {place}", self._small(self._muted))

    def scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    # ------------------------------------------------------------------ streaming

    def begin_stream(self, turn_id: int, question: str) -> StreamingAnswer:
        cursor = self._end_cursor()
        cursor.beginEditBlock()
        self._write_question(cursor, turn_id, question)
        self._block(cursor)
        start = cursor.position()
        cursor.endEditBlock()
        self.document_updates += 1
        self._stream = StreamingAnswer(self, turn_id, start)
        self.scroll_to_end()
        return self._stream

    def finish_stream(self, view: TurnView) -> None:
        """End the streaming answer: the tail is already rendered; append sources, marker, usage."""
        stream = self._stream
        self._stream = None
        if stream is not None:
            stream.close()
        cursor = self._end_cursor()
        cursor.beginEditBlock()
        self._write_footer(cursor, view)
        cursor.endEditBlock()
        self.document_updates += 1
        self.scroll_to_end()

    # ------------------------------------------------------------------ links

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        kind, _, rest = text.partition(":")
        parts = rest.split(":")
        try:
            turn_id = int(parts[0])
            number = int(parts[1]) if len(parts) > 1 else 0
        except (ValueError, IndexError):
            return
        if kind in _ACTIONS:
            self.action.emit(TurnAction(kind), turn_id, number)
