"""How a row of the sets sidebar is painted: the name on the first line (bold for a set), the summary
under it, smaller and muted ("214 synced · 3 skipped · 1 failed"), warnings in the warning colour; a set
linked to a folder has a folder glyph before its summary. The display text stays "name\\nsummary" (what
automation reads; screen readers hear the folder from the accessible text)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from assistant.ui.sets.model import SET_ROLE
from assistant.ui.theme import level_color

__all__ = ["SetDelegate"]

_PAD = 4
_Index = QModelIndex | QPersistentModelIndex


class SetDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = option.fontMetrics
        return QSize(option.rect.width(), 2 * metrics.height() + 2 * _PAD + 1)

    @staticmethod
    def glyph_rect(row: QRect, index: _Index, name_height: int, size: int) -> QRect | None:
        """Where a linked set's folder glyph goes in its row: the start of the second line, under a
        name line ``name_height`` high (None: the set has no folder)."""
        view = index.data(SET_ROLE)
        if view is None or not getattr(view, "folder", None):
            return None
        inner = row.adjusted(_PAD + 2, _PAD, -_PAD, -_PAD)
        return QRect(inner.left(), inner.top() + name_height + 1, size, size)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""  # opt.text has its newline replaced
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        name, _, summary = str(text).partition("\n")
        rect: QRect = opt.rect.adjusted(_PAD + 2, _PAD, -_PAD, -_PAD)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        font = QFont(opt.font)
        font.setBold(index.data(SET_ROLE) is not None)
        painter.setFont(font)
        painter.setPen(palette.color(role))
        metrics = QFontMetrics(font)
        top = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(
            top,
            int(Qt.AlignmentFlag.AlignLeft),
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()),
        )
        small = QFont(opt.font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.9)
        painter.setFont(small)
        warn = "failed" in summary or "missing" in summary or "cannot" in summary or "gone" in summary
        color = level_color("warning", palette) if warn and not selected else None
        if color is None:
            color = palette.color(role if selected else QPalette.ColorRole.PlaceholderText)
        painter.setPen(color)
        small_metrics = QFontMetrics(small)
        bottom = QRect(rect.left(), top.bottom() + 1, rect.width(), small_metrics.height() + 2)
        glyph = self.glyph_rect(opt.rect, index, metrics.height(), small_metrics.height())
        if glyph is not None and style is not None:
            icon = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon, None, widget)
            mode = QIcon.Mode.Selected if selected else QIcon.Mode.Normal
            icon.paint(painter, glyph, Qt.AlignmentFlag.AlignCenter, mode)
            bottom.setLeft(glyph.right() + _PAD)
        painter.drawText(
            bottom,
            int(Qt.AlignmentFlag.AlignLeft),
            small_metrics.elidedText(summary, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()
