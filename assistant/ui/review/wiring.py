"""``ReviewView``: the Review tab beside the Chat tab, its controller, and its ways in.

The window builds one (``ReviewView(window)``, like ``SourceViewer``) after its layout and actions: the
panel becomes the "Review" tab of ``mainTabs``; ``reviewSelectedAction`` ("Review these…",
Ctrl+Shift+R, in the files' context menu and the Review menu) opens the review on the selected files;
"Review this set…" (the sets sidebar) opens it on a set's active files the same way;
``showReviewAction`` (toolbar ``reviewToolButton``, Ctrl+Shift+G) shows the tab. When the session has a
client, a ``ReviewService`` is made on it (the same client and catalog as the chat's) and the latest
review is shown, its open batches watched again. ``close()`` cancels every task.

Kept between runs (``kept``, in the window's ``window.ini``): whether the Review tab was the one open,
and which review was on show (``restore()`` puts both back, once the window's state is read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle

from assistant.review import ReviewGrid
from assistant.settings import DEFAULT_MODEL
from assistant.ui.geometry import KeptNumber
from assistant.ui.review.controller import ReviewController
from assistant.ui.review.panel import ReviewPanel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from assistant.catalog import FileRecord
    from assistant.ui.main_window import MainWindow
    from assistant.ui.session import Services

__all__ = ["ReviewView"]


class ReviewView(QObject):
    def __init__(self, window: MainWindow, tabs: QTabWidget) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        ctx, session = window.ctx, window.session
        self.controller = ReviewController(
            ctx.runner, model=self._model, offline=session.offline, parent=self
        )
        self.panel = ReviewPanel(self.controller, ctx.runner)
        self.index = tabs.addTab(self.panel, "Review")
        self.panel.source.main = window.splitter  # a citation's page beside the grid: the files yield
        tabs.setTabToolTip(
            self.index, "Ask the same questions of many files: a grid, run as a batch at half price"
        )

        self.review_action = QAction("&Review these…", window)
        self.review_action.setObjectName("reviewSelectedAction")
        self.review_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.review_action.setToolTip("Review the selected files: the same questions of each, as a grid")
        self.review_action.setStatusTip(self.review_action.toolTip())
        self.review_action.setEnabled(False)
        self.review_action.triggered.connect(lambda _checked=False: self.review_selected())
        window.addAction(self.review_action)
        self.show_action = QAction("Show &Review", window)
        self.show_action.setObjectName("showReviewAction")
        self.show_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.show_action.setToolTip("Show the review grid (Ctrl+Shift+G)")
        self.show_action.triggered.connect(lambda _checked=False: self.show())
        window.addAction(self.show_action)
        self._menu()

        panel = window.files_panel
        panel.menu_actions.append(self.review_action)
        panel.selection_changed.connect(lambda records: self.review_action.setEnabled(bool(records)))
        window.sets.review_requested.connect(self.review)  # "Review this set…": the set's active files
        session.ready.connect(self.services_ready)
        if session.services is not None:
            self.services_ready(session.services)
        # a renewed file: its row is usable again (only the grid on show is read again; the reviews,
        # question sets and open batches are listed once, at start)
        window.files.changed.connect(self.controller.reload)
        self.panel.renew_requested.connect(window.rows.renew)

        self.open_tab = KeptNumber()  # 1: the Review tab was the one open
        self.shown = KeptNumber()  # the id of the review on show (0: none yet)
        self.kept = {"review/open": self.open_tab, "review/shown": self.shown}
        tabs.currentChanged.connect(self._tab_changed)
        self.controller.grid_loaded.connect(self._shown)

    def restore(self) -> None:
        """The tab and the review of the last run (the review is loaded once connected)."""
        self.controller.last_shown = self.shown.value or None
        if self.open_tab.value:
            self.show()

    def _tab_changed(self, index: int) -> None:
        self.open_tab.value = int(index == self.index)

    def _shown(self, grid: ReviewGrid) -> None:
        self.shown.value = grid.review.id

    def _menu(self) -> None:
        window = self._window
        bar = window.menuBar()
        menu = bar.addMenu("Re&view")
        menu.setObjectName("reviewMenu")
        tools = next((a for a in bar.actions() if a.text().replace("&", "") == "Tools"), None)
        if tools is not None:  # between Conversation and Tools
            bar.removeAction(menu.menuAction())
            bar.insertMenu(tools, menu)
        menu.addAction(self.review_action)
        menu.addAction(self.show_action)
        toolbar = window.commands.toolbar
        style = window.style()
        icon = QIcon.fromTheme("x-office-spreadsheet")
        self.show_action.setIcon(
            icon if not icon.isNull() else style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        )
        toolbar.addAction(self.show_action)
        button = toolbar.widgetForAction(self.show_action)
        if button is not None:
            button.setObjectName("reviewToolButton")
            button.setAccessibleName("Review")
        self.show_action.setIconText("Review")

    def _model(self) -> str:
        if self._window.session.offline:
            from assistant.ui.chat.naming import SANDBOX_MODEL

            return SANDBOX_MODEL
        return self._window.ctx.settings.default_model or DEFAULT_MODEL

    def services_ready(self, services: Services) -> None:
        from assistant.api.pricing import load_prices
        from assistant.review import ReviewService

        window = self._window
        service = ReviewService(
            services.client,
            window.ctx.store,
            prices=load_prices(),
            max_tokens=window.ctx.settings.max_tokens,
        )
        self.controller.set_service(service)

    def show(self) -> None:
        self._tabs.setCurrentIndex(self.index)

    def review_selected(self) -> None:
        self.review(list(self._window.selection.records))  # kept by the selection (no second walk)

    def review(self, records: list[FileRecord]) -> None:
        """Open the review on these files (the Review tab comes to the front)."""
        self.show()
        self.panel.review_files(records)
        self.panel.questions.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def close(self) -> None:
        self.panel.shutdown()
