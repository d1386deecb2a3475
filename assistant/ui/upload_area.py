"""The upload queue's place in the window: the panel under the files table, its one-line summary and
toggle in the status bar, View ▸ Upload queue, the failures the catalog remembers, and the Upload… /
Upload folder… dialogs (they open in the user's documents folder the first time, then where the last
files came from).

``UploadArea(window, ctx, queue, status, add_paths)`` builds and wires these; ``add_to_menu(menubar)``
after the window's menus exist; ``start()`` lists the failures of earlier runs (read in a worker);
``choose(folder=)`` opens a dialog; ``close()`` at shutdown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMenuBar

from assistant.ui.controllers.upload_memory import FailureMemory
from assistant.ui.geometry import window_ini
from assistant.ui.upload_queue import UploadPanel

if TYPE_CHECKING:
    from assistant.ui.controllers.uploads import UploadQueue
    from assistant.ui.main_window import WindowContext
    from assistant.ui.status import StatusBar

__all__ = ["UploadArea", "documents_folder"]

LAST_FOLDER_KEY = "uploads/lastFolder"


def documents_folder() -> Path:
    """The user's documents folder (XDG ``DOCUMENTS``, ``~/Documents``), or the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


class UploadArea(QObject):
    def __init__(
        self,
        window: QMainWindow,
        ctx: WindowContext,
        queue: UploadQueue,
        status: StatusBar,
        add_paths: Callable[[list[Path]], object],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._config = ctx.paths.config
        self._add_paths = add_paths
        self.panel = UploadPanel(queue)
        self.memory = FailureMemory(ctx.runner, ctx.store, queue, self)
        self.toggle_action = QAction("Upload &queue", window)
        self.toggle_action.setObjectName("uploadQueueAction")
        self.toggle_action.setCheckable(True)
        self.toggle_action.setToolTip("Show or hide the upload queue under the files")
        self.toggle_action.triggered.connect(self.panel.set_open)
        self._button = status.uploads_button
        self._button.clicked.connect(self.panel.set_open)
        self.panel.open_changed.connect(self._opened)
        self.panel.summary_changed.connect(status.set_uploads)
        self.panel.refresh()
        self._opened(self.panel.is_open)

    def _opened(self, open_: bool) -> None:
        self.toggle_action.setChecked(open_)
        self._button.setChecked(open_)

    def add_to_menu(self, bar: QMenuBar) -> None:
        """View ▸ Upload queue (the View menu is made, before Tools, if the window has none yet)."""
        _view_menu(bar).addAction(self.toggle_action)

    def start(self) -> None:
        self.memory.load()

    def close(self) -> None:
        self.memory.close()

    # -- the Upload… dialogs ----------------------------------------------------------------------------
    def start_folder(self) -> Path:
        """Where the next Upload… dialog opens: the folder of the last files chosen, else documents."""
        last = window_ini(self._config).value(LAST_FOLDER_KEY)
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        return documents_folder()

    def choose(self, *, folder: bool) -> QFileDialog:
        from assistant.ui.dialogs import choose_paths

        def chosen(paths: list[Path]) -> None:
            if paths:
                window_ini(self._config).setValue(LAST_FOLDER_KEY, str(paths[0].parent))
            self._add_paths(paths)

        return choose_paths(self._window, chosen, folder=folder, directory=self.start_folder())


def _view_menu(bar: QMenuBar) -> QMenu:
    menus = [a for a in bar.actions() if a.menu() is not None]
    for action in menus:
        if action.text().replace("&", "") == "View":
            menu = action.menu()
            assert isinstance(menu, QMenu)
            return menu
    menu = QMenu("&View", bar)
    before = next((a for a in menus if a.text().replace("&", "") in ("Tools", "Help")), None)
    if before is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(before, menu)
    return menu
