"""``CellDetail``: the chosen cell in full, under the grid: its question and file, its value or why it
has none, the whole answer (its Markdown rendered as the chat renders answers) with its citation marks,
the cited passages (each a link that opens the document at the cited page), and what can be done with
it (Re-run the cell, Re-run the failed ones, Renew a file that is gone). A widget only: it says what
was asked through signals.

Stable names: ``reviewDetail`` (this widget), ``reviewAnswer`` (the text), ``reviewRerunCellButton``,
``reviewRerunFailedButton`` (click: as the button says; its menu offers the other way),
``reviewRenewButton``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QAction, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QMenu, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from assistant.review import Cell, CellState, GridRow, Question
from assistant.ui.chat.format import MARK, citation_place, place_marks, short
from assistant.ui.review.grid_model import cell_text, cell_tip

__all__ = ["CellDetail", "answer_markdown"]


_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _plain(text: str) -> str:
    """``text`` as Markdown that shows it literally (a file named ``my_notes_v2.txt`` stays so)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def answer_markdown(question: Question, row: GridRow, cell: Cell) -> str:
    """The cell in full, as Markdown rendered as the chat renders answers: the answer's own Markdown,
    with a citation mark ``[n]`` (a link to ``cite:n``) after each cited block, then the sources."""
    parts = [
        f"**{_plain(question.text)}** — {_plain(row.name)}",
        f"Value: **{_plain(cell_text(cell) or 'not asked yet')}**",
    ]
    if cell.state is not CellState.ANSWERED:
        parts.append(f"*{_plain(cell_tip(cell))}*")
    if cell.answer:
        parts.append(_marked(cell))
    if cell.citations:
        parts.append("Sources (click to open at the cited page):")
        parts.append(
            "\n".join(
                f"{n}. [[{n}]](cite:{n}) “{_plain(short(c.cited_text, 300))}” — {_plain(citation_place(c))}"
                for n, c in enumerate(cell.citations, 1)
            )
        )
    elif cell.state is CellState.ANSWERED:
        parts.append("*No citations came with this answer.*")
    return "\n\n".join(parts)


def _marked(cell: Cell) -> str:
    """The answer's Markdown with its citation marks placed as the chat places them (after the cited
    block). The answer's first line "ANSWER: value" is left out (the value is shown above it)."""
    text, cut = cell.answer, 0
    first, _, rest = text.partition("\n")
    if first.strip().upper().startswith("ANSWER:"):
        cut = len(text) - len(rest.lstrip("\n"))
        text = text[cut:]
    citations = [
        c if c.answer_offset is None else replace(c, answer_offset=max(0, c.answer_offset - cut))
        for c in cell.citations
    ]
    return MARK.sub(lambda m: f"[[{m.group(1)}]](cite:{m.group(1)})", place_marks(text, citations))


def _split_button(text: str, name: str, first: str, second: str) -> tuple[QToolButton, QAction]:
    """A button that does ``first`` on click; its menu offers ``second`` (the returned action)."""
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(f"{text}: {first}; the arrow offers {second}")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    menu = QMenu(button)
    other = menu.addAction(second)
    button.setMenu(menu)
    return button, other


class CellDetail(QWidget):
    citation_clicked = Signal(int)  # 1-based number of the cell's citation
    rerun_cell = Signal(bool)  # now?
    rerun_failed = Signal(bool)  # now?
    renew = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDetail")
        self.text = QTextBrowser()
        self.text.setObjectName("reviewAnswer")
        self.text.setAccessibleName("The chosen cell's answer")
        self.text.setOpenLinks(False)
        self.text.setMinimumHeight(36)
        self.text.anchorClicked.connect(self._link)
        self.text.setPlaceholderText("Choose a cell to read its whole answer and open its sources.")
        self.rerun_button, batch = _split_button(
            "Re-run cell", "reviewRerunCellButton", "ask it again now", "Re-run as a batch (half price)"
        )
        self.rerun_button.clicked.connect(lambda: self.rerun_cell.emit(True))
        batch.triggered.connect(lambda: self.rerun_cell.emit(False))
        self.failed_button, now = _split_button(
            "Re-run failed", "reviewRerunFailedButton", "send every failed cell as a batch", "Re-run them now"
        )
        self.failed_button.clicked.connect(lambda: self.rerun_failed.emit(False))
        now.triggered.connect(lambda: self.rerun_failed.emit(True))
        self.renew_button = QToolButton()
        self.renew_button.setObjectName("reviewRenewButton")
        self.renew_button.setText("Renew file")
        self.renew_button.setToolTip("Upload this file again from its kept copy, then re-run its cells")
        self.renew_button.clicked.connect(self.renew.emit)
        row = QHBoxLayout()
        row.addWidget(self.rerun_button)
        row.addWidget(self.failed_button)
        row.addWidget(self.renew_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        self.cell: Cell | None = None
        self.row: GridRow | None = None
        self._question: Question | None = None
        self.show_cell(None, None, None)
        self.set_failed(0)  # nothing has failed until a grid says so

    def show_cell(self, question: Question | None, row: GridRow | None, cell: Cell | None) -> None:
        self.cell, self.row, self._question = cell, row, question
        if question is None or row is None or cell is None:
            self.text.clear()
        else:
            self.text.setMarkdown(answer_markdown(question, row, cell))
            self._color_links()
        runnable = cell is not None and not cell.state.pending and row is not None and not row.gone
        self.rerun_button.setEnabled(runnable)
        self.renew_button.setVisible(
            row is not None and (row.gone or (cell is not None and cell.state is CellState.FILE_GONE))
        )
        self.renew_button.setEnabled(row is not None and row.record is not None)

    def _color_links(self) -> None:
        """Links in the theme's link colour, not underlined (the Markdown importer hard-codes a blue)."""
        link = QTextCharFormat()
        link.setForeground(self.text.palette().color(QPalette.ColorRole.Link))
        link.setFontUnderline(False)
        block = self.text.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().isAnchor():
                    cursor = QTextCursor(self.text.document())
                    cursor.setPosition(fragment.position())
                    end = fragment.position() + fragment.length()
                    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                    cursor.mergeCharFormat(link)
                it += 1
            block = block.next()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.cell is not None:
            self.show_cell(self._question, self.row, self.cell)  # the links take the new theme's colour
        super().changeEvent(event)

    def set_failed(self, count: int) -> None:
        self.failed_button.setEnabled(count > 0)
        self.failed_button.setText(f"Re-run {count} failed" if count else "Re-run failed")

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "cite":
            try:
                self.citation_clicked.emit(int(url.path()))
            except ValueError:
                return
