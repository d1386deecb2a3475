"""Light or dark, following the system unless the settings say otherwise; and the few colours we add.

Qt 6.8+ follows the system colour scheme by itself (``QStyleHints.colorScheme``); forcing light or dark
is ``QStyleHints.setColorScheme``. Our own colours (the countdown's warning, the offline banner) are
picked from the palette in use, so they read on either.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from assistant.settings import Theme

__all__ = ["apply_theme", "banner_colors", "is_dark", "level_color"]


def apply_theme(theme: Theme) -> None:
    """Follow the system (the default), or force light or dark."""
    app = QGuiApplication.instance()
    if app is None:
        return
    hints = QGuiApplication.styleHints()
    scheme = {
        Theme.SYSTEM: Qt.ColorScheme.Unknown,  # Unknown = follow the platform
        Theme.LIGHT: Qt.ColorScheme.Light,
        Theme.DARK: Qt.ColorScheme.Dark,
    }[Theme(theme)]
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def level_color(level: str, palette: QPalette | None = None) -> QColor | None:
    """The text colour for a countdown level ('warning', 'expired'); None keeps the default."""
    dark = is_dark(palette)
    if level == "warning":
        return QColor("#f5b84d") if dark else QColor("#a15c00")
    if level == "expired":
        return QColor("#f28b82") if dark else QColor("#b3261e")
    return None


def banner_colors(palette: QPalette | None = None) -> tuple[str, str]:
    """(background, text) of an information banner, readable in light and dark."""
    return ("#3b3220", "#f6e7c1") if is_dark(palette) else ("#fff4d6", "#4a3b10")
