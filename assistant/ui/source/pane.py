"""``SourcePane`` (object name ``sourceViewer``): the cited document beside the chat. It only shows what
the ``SourceController`` opened and says what the person asks for through its signals.

Header: the document's name, ``sourcePageLabel`` ("Page 3 of 12", or the name and the place for a
text: "budget.xlsx — sheet Budget, rows 12–14"), Open in system viewer, Show in folder, close. Under
it a notice (the local copy gone, the file changed, the passage not found), the page tools (pages, fit
width, fit page, −, +), Find (Ctrl+F), then the page or the text, with the answer's citations listed at
the side (n / p step through them).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog.identity import known_name
from assistant.ui.chat.citing import CitedSource
from assistant.ui.chat.format import citation_place, short
from assistant.ui.chat.label import ElidedLabel
from assistant.ui.source.controller import Opened, PageShown
from assistant.ui.source.page_view import FitMode, PageView
from assistant.ui.source.reading import Rect, ShownKind, TextPassage

__all__ = ["SourcePane"]


def _button(parent: QWidget, text: str, tip: str, name: str = "") -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    if name:
        button.setObjectName(name)
    return button


class SourcePane(QWidget):
    page_requested = Signal(int)  # 0-based
    find_requested = Signal(str)  # on a PDF page (a text is searched here)
    step_requested = Signal(int)  # +1 / -1: the answer's next or previous citation
    citation_chosen = Signal(int)  # a citation's number, from the list
    open_requested = Signal()  # Open in system viewer
    folder_requested = Signal()  # Show in folder
    revealed = Signal()  # shown after being closed: it wants its room (``room.SourceRoom``)
    closing = Signal()  # about to close
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceViewer")
        self.setAccessibleName("Source of the citation")
        self.setMinimumWidth(300)
        self.shown: Opened | None = None
        self.page_index = 0
        self.page_count = 0
        self._build()
        self._build_keys()
        self.hide()

    def _build(self) -> None:
        self.title = ElidedLabel(self)
        self.title.setObjectName("sourceTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("sourcePageLabel")
        self.open_button = _button(self, "Open in system viewer", "Open the local copy in its own app")
        self.folder_button = _button(self, "Show in folder", "Show the local copy in its folder")
        self.close_button = _button(self, "×", "Close the source pane", "sourceClose")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button)

        self.notice = QLabel(self)
        self.notice.setObjectName("sourceNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #9a5b00;")
        self.notice.hide()

        self.prev_button = _button(self, "◀", "Previous page (Page Up)")
        self.next_button = _button(self, "▶", "Next page (Page Down)")
        self.fit_width_button = _button(self, "↔", "Fit the page's width")
        self.fit_page_button = _button(self, "↕", "Fit the whole page")
        self.zoom_out_button = _button(self, "−", "Zoom out (Ctrl+−)")
        self.zoom_in_button = _button(self, "+", "Zoom in (Ctrl++)")
        self.zoom_label = QLabel(self)
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("sourceFind")
        self.find_box.setPlaceholderText("Find (Ctrl+F)")
        self.find_box.setAccessibleName("Find in the document")
        self.find_box.setClearButtonEnabled(True)
        self.find_said = QLabel(self)
        self.page_tools = QWidget(self)
        tools = QHBoxLayout(self.page_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.prev_button,
            self.next_button,
            self.fit_width_button,
            self.fit_page_button,
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
        ):
            tools.addWidget(widget)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.folder_button)
        actions.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.page_label, 1)
        row.addWidget(self.page_tools)
        finding = QHBoxLayout()
        finding.addWidget(self.find_box, 1)
        finding.addWidget(self.find_said)

        self.page_view = PageView(self)
        self.text_view = QPlainTextEdit(self)
        self.text_view.setObjectName("sourceText")
        self.text_view.setAccessibleName("Cited text")
        self.text_view.setReadOnly(True)
        self.text_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.page_view)
        self.stack.addWidget(self.text_view)
        self.citations = QListWidget(self)
        self.citations.setObjectName("sourceCitations")
        self.citations.setAccessibleName("The answer's citations (n, p)")
        self.citations.setMinimumHeight(48)
        self.citations.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.citations.setTextElideMode(Qt.TextElideMode.ElideRight)
        body = QSplitter(Qt.Orientation.Vertical, self)  # the page gets the width; the list is below
        body.setObjectName("sourceBody")
        body.addWidget(self.stack)
        body.addWidget(self.citations)
        body.setStretchFactor(0, 1)
        body.setChildrenCollapsible(False)
        body.setSizes([500, 90])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addLayout(actions)
        layout.addLayout(row)
        layout.addLayout(finding)
        layout.addWidget(self.notice)
        layout.addWidget(body, 1)

        self.close_button.clicked.connect(self.close_pane)
        self.open_button.clicked.connect(self.open_requested)
        self.folder_button.clicked.connect(self.folder_requested)
        self.prev_button.clicked.connect(lambda: self.page_requested.emit(self.page_index - 1))
        self.next_button.clicked.connect(lambda: self.page_requested.emit(self.page_index + 1))
        self.fit_width_button.clicked.connect(lambda: self._zoom(FitMode.WIDTH))
        self.fit_page_button.clicked.connect(lambda: self._zoom(FitMode.PAGE))
        self.zoom_in_button.clicked.connect(lambda: self._zoom(None, 1))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(None, -1))
        self.find_box.returnPressed.connect(self._find)
        self.find_box.textChanged.connect(lambda text: None if text else self._find())
        self.citations.itemActivated.connect(
            lambda item: self.citation_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.citations.itemClicked.connect(
            lambda item: self.citation_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        )

    def _build_keys(self) -> None:
        def key(sequence: QKeySequence | str, slot: object) -> None:
            action = QAction(self)
            action.setShortcut(QKeySequence(sequence))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        key(QKeySequence(QKeySequence.StandardKey.Find), self.focus_find)
        key("PgUp", lambda: self.page_requested.emit(self.page_index - 1) if self.page_count else None)
        key("PgDown", lambda: self.page_requested.emit(self.page_index + 1) if self.page_count else None)
        key(QKeySequence(QKeySequence.StandardKey.ZoomIn), lambda: self._zoom(None, 1))
        key(QKeySequence(QKeySequence.StandardKey.ZoomOut), lambda: self._zoom(None, -1))
        key("N", lambda: self.step_requested.emit(1))
        key("P", lambda: self.step_requested.emit(-1))

    def focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    # ------------------------------------------------------------------------------------ showing

    def show_opening(self, cited: CitedSource) -> None:
        """At once on a click: the name and the citations; the page follows (``show``)."""
        record = cited.record
        self.title.setText(known_name(record) if record is not None else cited.citation.document_title or "")
        self._list(cited)
        self.page_label.setText("Opening…")
        self.reveal()

    def reveal(self) -> None:
        """Show the pane; one closed (or never opened) asks for its room (``revealed``)."""
        if self.isHidden():
            self.show()
            self.revealed.emit()

    def close_pane(self) -> None:
        """Close: ``closing`` first, while its width can still be read; ``closed`` once hidden."""
        if not self.isHidden():
            self.closing.emit()
            self.hide()
            self.closed.emit()

    def _list(self, cited: CitedSource) -> None:
        self.citations.clear()
        for n, citation in enumerate(cited.citations, start=1):
            item = QListWidgetItem(f"[{n}] {citation_place(citation)} — “{short(citation.cited_text, 120)}”")
            item.setData(Qt.ItemDataRole.UserRole, n)
            item.setToolTip(f"“{short(citation.cited_text, 400)}”\n— {citation_place(citation)}")
            self.citations.addItem(item)
            if n == cited.number:
                self.citations.setCurrentItem(item)
        self.citations.setVisible(len(cited.citations) > 1)

    def show_opened(self, opened: Opened) -> None:
        self.shown = opened
        record, found = opened.cited.record, opened.found
        notes = list(found.notes)
        if opened.error:
            notes.append(opened.error)
        self.page_count = opened.page.count if opened.page is not None else 0
        self.page_tools.setVisible(opened.page is not None or opened.image is not None)
        for widget in (self.prev_button, self.next_button):
            widget.setVisible(opened.page is not None)
        self.open_button.setEnabled(found.kind is not ShownKind.NONE or found.path is not None)
        self.folder_button.setEnabled(found.path is not None)
        name = known_name(record) if record is not None else opened.cited.citation.document_title or ""
        if opened.page is not None:
            self.show_page(opened.page)
            return self._say(notes, opened.page.note)
        if opened.image is not None:
            self.stack.setCurrentWidget(self.page_view)
            self.page_view.show_image(opened.image)
            self.page_label.setText(name)
        elif opened.text is not None:
            notes += self._show_text(opened.text, name)
        else:
            passage = opened.cited.citation.cited_text
            notes += self._show_text(TextPassage(passage, 0, len(passage), True), name, quoted=True)
        self._say(notes, None)
        self._zoom_said()

    def _say(self, notes: list[str], note: str | None) -> None:
        said = [*notes, *([note] if note else [])]
        self.notice.setText("\n".join(said))
        self.notice.setVisible(bool(said))

    def show_page(self, page: PageShown) -> None:
        self.stack.setCurrentWidget(self.page_view)
        self.page_index, self.page_count = page.index, page.count
        self.page_view.show_page(page.image, page.size, page.scale, page.rects)
        self.page_label.setText(f"Page {page.index + 1} of {page.count}")
        self.prev_button.setEnabled(page.index > 0)
        self.next_button.setEnabled(page.index + 1 < page.count)
        self._zoom_said()

    def page_turned(self, page: PageShown) -> None:
        """Another page (or the same, sharper): what the notice says about the page follows it."""
        self.show_page(page)
        if self.shown is not None:
            self._say(list(self.shown.found.notes), page.note)

    def _show_text(self, passage: TextPassage, name: str, *, quoted: bool = False) -> list[str]:
        """Show the text, the passage highlighted and centred; what the notice should say of it."""
        self.stack.setCurrentWidget(self.text_view)
        view = self.text_view
        view.setPlainText(passage.text)
        highlight = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 200, 0, 110))
        highlight.format = fmt
        cursor = QTextCursor(view.document())
        cursor.setPosition(passage.start)
        cursor.setPosition(passage.end, QTextCursor.MoveMode.KeepAnchor)
        highlight.cursor = cursor
        view.setExtraSelections([highlight] if passage.found and passage.end > passage.start else [])
        at = QTextCursor(view.document())
        at.setPosition(passage.start)
        view.setTextCursor(at)
        view.centerCursor()
        line = passage.first_line + passage.text.count("\n", 0, passage.start)
        if quoted:
            place = "the cited text from the answer"
        elif passage.place:
            place = passage.place
        elif passage.found:
            place = f"line {line:,}"
        else:
            place = "the passage was not found in the file"
        self.page_label.setText(f"{name} — {place}")
        notes = [] if passage.found else ["The cited passage was not found in the file: it may have changed."]
        if passage.lines:
            last = passage.first_line + passage.text.count("\n")
            notes.append(
                f"Showing lines {passage.first_line:,}–{last:,} of {passage.lines:,}, around the passage."
            )
        return notes

    def _zoom(self, mode: FitMode | None, steps: int = 0) -> None:
        if self.stack.currentWidget() is not self.page_view:
            return
        if mode is not None:
            self.page_view.set_mode(mode)
        else:
            self.page_view.zoom_step(steps)
        self._zoom_said()

    def _zoom_said(self) -> None:
        self.zoom_label.setText(f"{self.page_view.zoom_percent} %")

    # --------------------------------------------------------------------------------------- find

    def _find(self) -> None:
        text = self.find_box.text()
        if self.stack.currentWidget() is self.text_view:
            view = self.text_view
            if not text:
                self.find_said.setText("")
                return
            hit = view.find(text)
            if not hit:  # from the top again
                view.moveCursor(QTextCursor.MoveOperation.Start)
                hit = view.find(text)
            self.find_said.setText("" if hit else "not found")
            if hit:
                view.centerCursor()
        else:
            self.find_requested.emit(text)

    def show_found(self, rects: tuple[Rect, ...], said: str) -> None:
        self.page_view.set_found(rects)
        self.find_said.setText(said)
