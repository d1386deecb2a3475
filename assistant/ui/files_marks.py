"""How the files table marks the files the current conversation uses: a dot before the name, the
name in bold, and words in its tooltip (the header's tooltip is the legend). Selecting a row never
sets the mark: only attaching does ("Ask about these", Ctrl+Shift+A).
Also ``fill_role_span``, which the tables' ``multiData`` share."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap

from assistant.catalog import FileRecord
from assistant.ui.files_text import name_text, name_tooltip

__all__ = [
    "IN_CONVERSATION",
    "NAME_LEGEND",
    "NAME_MARK_ROLES",
    "in_conversation_font",
    "in_conversation_icon",
    "name_mark",
]

IN_CONVERSATION = "In the current conversation (remove its chip to take it out)"
NAME_LEGEND = (
    "● and bold: used by the current conversation. Selecting a file only selects it; "
    "Ask about these (Ctrl+Shift+A) attaches the selected files."
)


@cache
def in_conversation_icon() -> QIcon:
    """A filled dot in the palette's highlight colour (no icon theme needed); on a selected row, in
    the selected text's colour, so it stays visible on the highlight."""
    palette = QGuiApplication.palette()
    icon = QIcon()
    for color, mode in (
        (palette.highlight().color(), QIcon.Mode.Normal),
        (palette.highlightedText().color(), QIcon.Mode.Selected),
    ):
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawEllipse(QPointF(8, 8), 4.5, 4.5)
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


def in_conversation_font() -> QFont:
    font = QGuiApplication.font()
    font.setBold(True)
    return font


NAME_MARK_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
    )
)


def name_mark(rec: FileRecord, role: int, in_conversation: bool) -> Any:
    """The Name cell's font, icon, tooltip and accessible text (``role`` in ``NAME_MARK_ROLES``)."""
    if role == Qt.ItemDataRole.FontRole:
        return in_conversation_font() if in_conversation else None
    if role == Qt.ItemDataRole.DecorationRole:
        return in_conversation_icon() if in_conversation else None
    if role == Qt.ItemDataRole.ToolTipRole:
        return name_tooltip(rec) + (f"\n{IN_CONVERSATION}" if in_conversation else "")
    mark = " (in the current conversation)" if in_conversation else ""
    return f"Name: {name_text(rec)}{mark}"


def fill_role_span(span: Any, value_of: Callable[[int], Any]) -> None:
    """Fill a ``QModelRoleDataSpan`` (``multiData``) from ``value_of(role)``."""
    for role_data in span:
        value = value_of(role_data.role())
        if value is None:
            role_data.clearData()  # the span is reused from cell to cell: never leave a stale value
        else:
            role_data.setData(value)
