"""``ReviewSource``: a cell's citation opened at its page, in the source pane beside the grid.

The same pane and controller as the chat's (``ui.source``: the PDF page rendered in a worker, the
cited passage highlighted, n / p through the cell's other citations, Open in system viewer, Show in
folder), made the first time a review citation is clicked and placed in the review's own splitter, so
the grid stays in view (the chat's pane lives in the Chat tab). The pane here is named
``reviewSourceViewer``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSplitter

from assistant.bridge import TaskRunner
from assistant.catalog import Citation, FileRecord
from assistant.ui.chat.citing import CitedSource
from assistant.ui.open_at_page import open_local
from assistant.ui.source.controller import SourceController
from assistant.ui.source.pane import SourcePane
from assistant.ui.source.reading import ShownKind
from assistant.ui.source.room import FILES_LEAST

__all__ = ["ReviewSource"]

PANE_LEAST = 300  # the source pane's width at least when it opens (its buttons fit)


class ReviewSource(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        splitter: QSplitter,
        say: Callable[[str], object],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._splitter, self._say = runner, splitter, say
        self.main: QSplitter | None = None  # the window's files | tabs splitter: its files side yields
        self._given: list[int] | None = None  # its sizes before the files side yielded
        self.pane: SourcePane | None = None
        self.controller: SourceController | None = None
        self._record: FileRecord | None = None
        self._citations: tuple[Citation, ...] = ()

    def open(self, record: FileRecord | None, citations: tuple[Citation, ...], number: int) -> None:
        """Show citation ``number`` (from 1) of a cell's ``citations`` in ``record``."""
        if not 1 <= number <= len(citations):
            return
        pane, controller = self._build()
        self._record, self._citations = record, citations
        cited = CitedSource(record, citations[number - 1], 0, number, citations)
        opened = pane.isHidden()
        pane.show_opening(cited)
        if opened:
            self._make_room()
            sizes = self._splitter.sizes()
            total = sum(sizes)
            if total > 0:
                side = max(PANE_LEAST, total * 2 // 5)  # on a small screen the grid keeps the most room
                self._splitter.setSizes([total - side, side])
        layout = pane.layout()
        if layout is not None:
            layout.activate()
        controller.open(cited, pane.page_view.fit())

    @property
    def is_open(self) -> bool:
        return self.pane is not None and not self.pane.isHidden()

    def follow(self, record: FileRecord | None, citations: tuple[Citation, ...], name: str) -> str:
        """Another cell was chosen while the pane is open: the pane shows that cell's first citation, or
        closes when the cell is of another file and cites nothing (it would show another file). Returns
        what to say ("" when nothing changed or the pane follows)."""
        same_file = record is not None and self._record is not None and record.id == self._record.id
        if not self.is_open or (same_file and (citations == self._citations or not citations)):
            return ""  # (a cell of the same file without citations: the pane goes on showing that file)
        if record is not None and citations:
            self.open(record, citations, 1)
            return ""
        if self.pane is not None:
            self.pane.close_pane()
        self._record, self._citations = None, ()
        return f"The source pane closed: the chosen cell of {name} cites no passage to show."

    def _make_room(self) -> None:
        """The files side yields to its least width while the pane is open (the grid keeps its room)."""
        main = self.main
        if main is None or main.count() != 2:
            return
        sizes = main.sizes()
        side = main.widget(0)
        least = max(FILES_LEAST, side.minimumSizeHint().width() if side is not None else 0)
        if sizes[0] > least:
            self._given = sizes
            main.setSizes([least, sum(sizes) - least])

    def _give_back(self) -> None:
        if self.main is not None and self._given is not None:
            self.main.setSizes(self._given)
        self._given = None

    def _build(self) -> tuple[SourcePane, SourceController]:
        if self.pane is not None and self.controller is not None:
            return self.pane, self.controller
        pane = self.pane = SourcePane()
        pane.setObjectName("reviewSourceViewer")
        self._splitter.addWidget(pane)
        self._splitter.setStretchFactor(self._splitter.indexOf(pane), 1)
        ctl = self.controller = SourceController(self._runner, self)
        ctl.opened.connect(pane.show_opened)
        ctl.page_shown.connect(pane.page_turned)
        ctl.found.connect(pane.show_found)
        ctl.cite_requested.connect(lambda _turn, number: self.open(self._record, self._citations, number))
        pane.page_requested.connect(lambda index: ctl.show_page(index, pane.page_view.fit()))
        pane.page_view.render_wanted.connect(lambda fit: ctl.show_page(ctl.page, fit))
        pane.find_requested.connect(lambda text: ctl.find(text, pane.page_view.fit()))
        pane.step_requested.connect(ctl.step)
        pane.citation_chosen.connect(lambda number: self.open(self._record, self._citations, number))
        pane.open_requested.connect(lambda: self._open_local(in_folder=False))
        pane.folder_requested.connect(lambda: self._open_local(in_folder=True))
        pane.closed.connect(self._give_back)
        return pane, ctl

    def _open_local(self, *, in_folder: bool) -> None:
        ctl = self.controller
        current = None if ctl is None else ctl.current
        if ctl is None or current is None:
            return
        page = ctl.page + 1 if current.found.kind is ShownKind.PDF else None
        open_local(current.cited.record, self._say, page=page, in_folder=in_folder)

    def close(self) -> None:
        if self.controller is not None:
            self.controller.close()
