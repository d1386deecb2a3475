"""Window, splitter and column state kept between runs, in ``window.ini`` in the config dir.

Like Picard's ``PreserveGeometry``: the window registers what it wants kept; ``restore`` runs before
the first show and ``save`` on close. Qt's own state blobs (``saveGeometry``, ``saveState``) are used
as they are, so a changed screen layout is handled by Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, QSettings, QSize

if TYPE_CHECKING:
    from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

__all__ = ["PREFERRED_SIZE", "KeptNumber", "WindowState", "fit_to_screen", "window_ini"]

WINDOW_INI = "window.ini"
PREFERRED_SIZE = QSize(1280, 800)  # a first run's size where the screen has room for it
_SCREEN_SHARE = 0.94  # at most this share of the screen's free area (room for the frame and a panel)


@dataclass
class KeptNumber:
    """A number a part keeps between runs (the source pane's width), saved under its name."""

    value: int = 0


def fit_to_screen(window: QMainWindow, *, restored: bool) -> None:
    """A first run opens at ``PREFERRED_SIZE`` or smaller, centred on the screen it opens on (a
    1024×700 screen, or 1366×768 at 2x scale, gets a window that fits, not one cut at the edge). A
    restored size larger than this screen (saved on a bigger one) is brought within it."""
    free = window.screen().availableGeometry()  # the screen it opens on (Qt falls back to the primary)
    room = QSize(int(free.width() * _SCREEN_SHARE), int(free.height() * _SCREEN_SHARE))
    if restored:
        # before the first show the frame is not known: leave the room ``room`` keeps for it
        if window.width() <= room.width() and window.height() <= room.height():
            return  # (Qt's restoreGeometry already brings a window off the screen back onto it)
        size = window.size().boundedTo(room)
    else:
        size = PREFERRED_SIZE.boundedTo(room)
    window.resize(size)
    frame = QRect(window.frameGeometry())
    frame.moveCenter(free.center())
    window.move(frame.topLeft())


def window_ini(config_dir: Path) -> QSettings:
    """The one file for the window's state and the mode of the last run."""
    return QSettings(str(config_dir / WINDOW_INI), QSettings.Format.IniFormat)


class WindowState:
    def __init__(self, config_dir: Path) -> None:
        self._settings = window_ini(config_dir)
        self._window: QMainWindow | None = None
        self._splitters: dict[str, QSplitter] = {}
        self._headers: dict[str, QHeaderView] = {}
        self._numbers: dict[str, KeptNumber] = {}

    @property
    def path(self) -> str:
        return self._settings.fileName()

    def keep(
        self,
        window: QMainWindow,
        splitters: dict[str, QSplitter] | None = None,
        headers: dict[str, QHeaderView] | None = None,
        numbers: dict[str, KeptNumber] | None = None,
    ) -> None:
        self._window = window
        self._splitters = dict(splitters or {})
        self._headers = dict(headers or {})
        self._numbers = dict(numbers or {})

    def restore_geometry(self, window: QMainWindow) -> bool:
        """The window's size and place only (before the first show); False on a first run."""
        geometry: Any = self._settings.value("window/geometry")
        if geometry is None:
            return False
        return bool(window.restoreGeometry(geometry))

    def restore(self, geometry: bool = True) -> bool:
        """Put back what was saved; False on a first run (the window keeps its default size)."""
        restored = False
        s = self._settings
        if self._window is not None and geometry:
            restored = self.restore_geometry(self._window)
        if self._window is not None:
            state = s.value("window/state")
            if state is not None:
                self._window.restoreState(state)
        for name, splitter in self._splitters.items():
            value = s.value(f"splitter/{name}")
            if value is not None:
                splitter.restoreState(value)
        for name, header in self._headers.items():
            value = s.value(f"header/{name}")
            if value is not None:
                header.restoreState(value)
        for name, number in self._numbers.items():
            kept: Any = s.value(name)
            if kept is not None and str(kept).isdigit():
                number.value = int(kept)
        return restored

    def save(self) -> None:
        s = self._settings
        if self._window is not None:
            s.setValue("window/geometry", self._window.saveGeometry())
            s.setValue("window/state", self._window.saveState())
        for name, splitter in self._splitters.items():
            s.setValue(f"splitter/{name}", splitter.saveState())
        for name, header in self._headers.items():
            s.setValue(f"header/{name}", header.saveState())
        for name, number in self._numbers.items():
            s.setValue(name, number.value)
        s.sync()
