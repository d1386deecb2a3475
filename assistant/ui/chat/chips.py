"""The attached files as chips: each a rounded box with the name and ✕, in rows that wrap.

``FlowLayout`` is Qt's flow layout example: items left to right, wrapping onto the next line.
``ChipsArea`` holds the chips in one: as high as its lines up to ``MAX_LINES``, then it scrolls
vertically (never sideways). A chip paints itself from the palette in use, so it follows a switch to
light or dark at once; a very long name is elided in the middle, the whole name is in the tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from assistant.catalog import FileRecord, FileState
from assistant.catalog.identity import known_name, text_conversion
from assistant.catalog.rules import note_line, warnings_of
from assistant.ui.chat.format import gone_message
from assistant.ui.files_text import size_of, type_text
from assistant.ui.formatting import format_size

__all__ = ["MAX_LINES", "Chip", "ChipsArea", "FlowLayout", "chip_colors"]

MAX_LINES = 3  # more lines of chips than this scroll
_NAME_CHARS = 60  # a name longer than about this many characters is elided (the tooltip has it whole)


class FlowLayout(QLayout):
    """Items left to right, wrapping onto the next line when the width is used up (Qt's example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def line_height(self) -> int:
        """The height of one line of items (the tallest item's)."""
        return max((item.sizeHint().height() for item in self._items), default=0)

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in ``rect`` (only measure unless ``move``); the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line, gap = area.x(), area.y(), 0, self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            width = min(hint.width(), max(1, area.width()))  # a chip wider than the area is narrowed
            if x > area.x() and x + width > area.right() + 1:
                x, y, line = area.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class _ChipLabel(QLabel):
    """The chip's name: as wide as the name up to a cap, elided in the middle to the width it gets;
    ``text()`` is the whole text."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        cap = fm.averageCharWidth() * _NAME_CHARS
        return QSize(min(fm.horizontalAdvance(self._full) + 4, cap), fm.height() + 2)

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("x…x"), fm.height() + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.width())
        QLabel.setText(self, shown)


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def chip_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, border) of a chip: the base colour tinted with the highlight, light or dark."""
    base, highlight = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
    return _mix(base, highlight, 0.14), _mix(base, highlight, 0.45)


class Chip(QWidget):
    """One attached file, with a remove button."""

    removed = Signal(object)

    def __init__(self, record: FileRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setObjectName("attachmentChip")
        self.setProperty("state", str(record.state))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        name = known_name(record)  # "memo.docx", not the "memo.docx.txt" its text was uploaded as
        label = _ChipLabel(name, self)
        label.setObjectName("chipLabel")
        self.label = label
        tip = chip_tip(record)
        if warnings_of(record.warnings):
            # A warning the upload came with ("no text layer: citations will not work") stays visible.
            label.setText(f"⚠ {name}")
            self.setProperty("warned", True)
        if record.state is not FileState.ACTIVE:
            label.setText(f"{name} ({record.state})")
            font = label.font()
            font.setStrikeOut(True)
            label.setFont(font)
            label.setEnabled(False)  # greyed: it can't be used any more
        label.setToolTip(tip)
        self.setToolTip(tip)
        label.setAccessibleDescription(tip)
        layout.addWidget(label, 1)
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip(f"Remove {name} from this conversation")
        remove.setAccessibleName(f"Remove {name}")
        remove.clicked.connect(lambda: self.removed.emit(self.record))
        layout.addWidget(remove)
        self.remove_button = remove

    def paintEvent(self, event: QPaintEvent) -> None:
        background, border = chip_colors(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1))
        painter.setBrush(background)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = min(10.0, box.height() / 2)
        painter.drawRoundedRect(box, radius, radius)
        painter.end()


def chip_tip(record: FileRecord) -> str:
    """The file as the table shows it: its own name, kind and size (a converted file's, not its text's)."""
    lines = [f"{known_name(record)} · {type_text(record)} · {format_size(size_of(record))}"]
    if record.original_name and record.original_name not in (record.filename, known_name(record)):
        lines.append(f"From {record.original_name}")
    elif text_conversion(record) is not None:
        lines.append(f"Converted to text on this computer, sent as {record.filename}")
    if record.state is not FileState.ACTIVE:
        lines.append(gone_message(record) + " Attach another file or remove it.")
    lines += [note_line(w) for w in record.warnings]
    return "\n".join(lines)


class ChipsArea(QScrollArea):
    """The chips in wrapping lines: as high as they need up to ``MAX_LINES``, then a vertical scroll."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chipsArea")
        self.box = QWidget(self)
        self.box.setObjectName("chipsBox")
        self.flow = FlowLayout(self.box, spacing=4)
        self.setWidget(self.box)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self._chips: list[Chip] = []

    @property
    def chips(self) -> list[Chip]:
        return list(self._chips)

    def set_chips(self, chips: Sequence[Chip]) -> None:
        for chip in self._chips:
            self.flow.removeWidget(chip)
            chip.deleteLater()
        self._chips = list(chips)
        for chip in self._chips:
            self.flow.addWidget(chip)
        self.fit()

    def max_height(self) -> int:
        line = self.flow.line_height()
        return line * MAX_LINES + self.flow.spacing() * (MAX_LINES - 1)

    def fit(self) -> None:
        """Take the height of the chips' lines at this width, up to ``MAX_LINES`` of them."""
        if not self._chips:
            return
        cap = self.max_height()
        needed = self.flow.heightForWidth(self.width())
        if needed > cap:  # the scroll bar takes some of the width
            needed = self.flow.heightForWidth(self.width() - self.verticalScrollBar().sizeHint().width())
        height = min(needed, cap)
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())
