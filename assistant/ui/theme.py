"""Light or dark, following the system unless the settings say otherwise; and the few colours we add.

Qt 6.8+ follows the system colour scheme by itself (``QStyleHints.colorScheme``); forcing light or dark
is ``QStyleHints.setColorScheme``. Our own colours (the countdown's warning, the offline banner) are
picked from the palette in use, so they read on either.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from assistant.settings import Theme

__all__ = [
    "apply_theme",
    "banner_colors",
    "dark_palette",
    "info_icon",
    "is_dark",
    "level_color",
    "warning_icon",
]


_state = {"forced": False}  # whether apply_theme replaced the platform's palette


def apply_theme(theme: Theme) -> None:
    """Follow the system (the default), or force light or dark.

    The colour scheme is asked of the platform first (GNOME, KDE, macOS and Windows honour it); where
    the platform cannot (a bare X11 session), forcing uses the Fusion style with a light or dark
    palette, so the choice always shows."""
    app = QGuiApplication.instance()
    if not isinstance(app, QApplication):
        return
    theme = Theme(theme)
    hints = QGuiApplication.styleHints()
    scheme = {
        Theme.SYSTEM: Qt.ColorScheme.Unknown,  # Unknown = follow the platform
        Theme.LIGHT: Qt.ColorScheme.Light,
        Theme.DARK: Qt.ColorScheme.Dark,
    }[theme]
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)
    if theme is Theme.SYSTEM:
        if _state["forced"]:  # back to what the platform gives
            _state["forced"] = False
            app.setPalette(app.style().standardPalette())
        return
    if is_dark(app.palette()) == (theme is Theme.DARK):
        return  # the platform did it
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme is Theme.DARK else app.style().standardPalette())
    _state["forced"] = True


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style."""
    p = QPalette()
    base, window, text, mid = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5"), QColor("#3c3f41")
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, QColor("#26282b")),
        (roles.ToolTipBase, mid),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor("#8c8f94")),
        (roles.Text, text),
        (roles.Button, mid),
        (roles.ButtonText, text),
        (roles.BrightText, QColor("#ffffff")),
        (roles.Light, QColor("#4a4d50")),
        (roles.Midlight, QColor("#404346")),
        (roles.Mid, QColor("#323437")),
        (roles.Dark, QColor("#191a1c")),
        (roles.Shadow, QColor("#000000")),
        (roles.Highlight, QColor("#2f65ca")),
        (roles.HighlightedText, QColor("#ffffff")),
        (roles.Link, QColor("#6ea8fe")),
        (roles.LinkVisited, QColor("#b589fe")),
    ):
        p.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(disabled, role, QColor("#6f7277"))
    return p


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


_ICONS: dict[QStyle.StandardPixmap, QIcon] = {}


def _style_icon(which: QStyle.StandardPixmap) -> QIcon:
    if which not in _ICONS:
        style = QApplication.style()
        _ICONS[which] = style.standardIcon(which) if style is not None else QIcon()
    return _ICONS[which]


def warning_icon() -> QIcon:
    """The style's warning sign, beside rows that need attention (made once)."""
    return _style_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def info_icon() -> QIcon:
    """The style's information sign: the row's tooltip has more to say (a note, where it came from)."""
    return _style_icon(QStyle.StandardPixmap.SP_MessageBoxInformation)
