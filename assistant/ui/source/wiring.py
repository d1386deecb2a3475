"""``SourceViewer``: the source pane beside the chat and its controller, wired to the chat pane.

The window builds one (``SourceViewer(runner, chat_panel, main_splitter, say)``): a citation clicked in
the chat (``ChatPanel.citing.source_requested``) opens in the pane; n / p and the pane's list of
citations ask the chat pane for the answer's other citations; Open in system viewer and Show in folder
do what a citation click did before (``open_at_page``); ``room`` gives the pane its width (the files
side yields).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSplitter

from assistant.bridge import TaskRunner
from assistant.ui.chat.citing import CitedSource
from assistant.ui.chat.panel import ChatPanel
from assistant.ui.open_at_page import open_local
from assistant.ui.source.controller import SourceController
from assistant.ui.source.pane import SourcePane
from assistant.ui.source.reading import ShownKind
from assistant.ui.source.room import SourceRoom

__all__ = ["SourceViewer"]


class SourceViewer(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        chat: ChatPanel,
        main: QSplitter,
        say: Callable[[str], object],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pane = SourcePane()
        chat.add_side_pane(self.pane)
        self.room = SourceRoom(self.pane, chat.splitter, main, self)
        self.pane.revealed.connect(self.room.opened)
        self.pane.closing.connect(self.room.remember)
        self.pane.closed.connect(self.room.closed)
        self.controller = SourceController(runner, self)
        self._say = say
        pane, ctl = self.pane, self.controller
        chat.citing.source_requested.connect(self.open)
        ctl.opened.connect(pane.show_opened)
        ctl.page_shown.connect(pane.page_turned)
        ctl.found.connect(pane.show_found)
        ctl.cite_requested.connect(chat.citing.open)
        pane.page_requested.connect(lambda index: ctl.show_page(index, pane.page_view.fit()))
        pane.page_view.render_wanted.connect(lambda fit: ctl.show_page(ctl.page, fit))
        pane.find_requested.connect(lambda text: ctl.find(text, pane.page_view.fit()))
        pane.step_requested.connect(ctl.step)
        pane.citation_chosen.connect(self._choose)
        pane.open_requested.connect(lambda: self._open_local(in_folder=False))
        pane.folder_requested.connect(lambda: self._open_local(in_folder=True))

    def open(self, cited: CitedSource) -> None:
        """Show the cited passage in the pane (opened beside the chat if it was closed)."""
        self.pane.show_opening(cited)
        layout = self.pane.layout()
        if layout is not None:
            layout.activate()  # the page is fitted to the room the pane has now, not before it showed
        self.controller.open(cited, self.pane.page_view.fit())

    def _choose(self, number: int) -> None:
        current = self.controller.current
        if current is not None and number != current.cited.number:
            self.controller.cite_requested.emit(current.cited.turn_id, number)

    def _open_local(self, *, in_folder: bool) -> None:
        current = self.controller.current
        if current is None:
            return
        pdf = current.found.kind is ShownKind.PDF
        page = self.controller.page + 1 if pdf else None
        open_local(current.cited.record, self._say, page=page, in_folder=in_folder)

    def close(self) -> None:
        self.controller.close()
