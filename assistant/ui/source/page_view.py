"""A rendered page (or an image) in a scroll area, with the cited passage's boxes painted over it.

The page arrives as a ``QImage`` rendered in a worker at some scale; it is painted at the zoom shown
(fit width, fit page, or a factor) and the highlight is painted on the GUI thread from the passage's
boxes in page points, so a zoom or a resize repaints at once and asks for a sharper render only when the
picture would be too coarse (``render_wanted``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QScrollArea, QWidget

from assistant.ui.source.reading import Rect

__all__ = ["MAX_PIXELS", "Fit", "FitMode", "PageView"]

_MARGIN = 12  # around the page, in pixels
_ZOOMS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
_MAX_SCALE = 6.0  # device pixels per point: a page is never rendered bigger than this
MAX_PIXELS = 8_000_000  # nor over this many pixels (32 MB): a letter page at 400 %; an A0 page shows softer


class FitMode(Enum):
    WIDTH = "width"
    PAGE = "page"
    FACTOR = "factor"


@dataclass(frozen=True)
class Fit:
    """How big to show a page, in numbers a worker can use: the room, the mode and the screen's scale."""

    width: int
    height: int
    mode: FitMode = FitMode.WIDTH
    factor: float = 1.0  # points to pixels, for FitMode.FACTOR (1.0 = 72 dpi... shown as 100 %)
    dpr: float = 1.0

    def zoom(self, size: tuple[float, float]) -> float:
        """Logical pixels per point for a page of ``size`` points."""
        w, h = max(size[0], 1.0), max(size[1], 1.0)
        room_w, room_h = max(self.width - 2 * _MARGIN, 50), max(self.height - 2 * _MARGIN, 50)
        if self.mode is FitMode.WIDTH:
            return room_w / w
        if self.mode is FitMode.PAGE:
            return min(room_w / w, room_h / h)
        return self.factor

    def scale(self, size: tuple[float, float]) -> float:
        """Device pixels per point to render at: the zoom's, within ``MAX_PIXELS`` for the whole page
        (memory stays flat whatever the page's size and the zoom; zoomed past it the page is scaled up)."""
        w, h = max(size[0], 1.0), max(size[1], 1.0)
        return min(self.zoom(size) * self.dpr, _MAX_SCALE, math.sqrt(MAX_PIXELS / (w * h)))


class _Canvas(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.page_size = (0.0, 0.0)
        self.zoom = 1.0
        self.rects: tuple[Rect, ...] = ()
        self.found: tuple[Rect, ...] = ()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def to_widget(self, rect: Rect) -> QRectF:
        left, bottom, right, top = rect
        z, height = self.zoom, self.page_size[1]
        return QRectF(
            _MARGIN + left * z, _MARGIN + (height - top) * z, (right - left) * z, (top - bottom) * z
        )

    def sizeHint(self) -> QSize:
        w, h = self.page_size
        return QSize(int(w * self.zoom) + 2 * _MARGIN, int(h * self.zoom) + 2 * _MARGIN)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        w, h = self.page_size
        target = QRectF(_MARGIN, _MARGIN, w * self.zoom, h * self.zoom)
        painter.fillRect(target.translated(2, 2), QColor(0, 0, 0, 60))
        if not self.image.isNull():
            painter.drawImage(target, self.image)
        for rects, fill, line in (
            (self.rects, QColor(255, 200, 0, 95), QColor(230, 150, 0)),
            (self.found, QColor(60, 140, 255, 80), QColor(30, 90, 200)),
        ):
            painter.setPen(QPen(line, 1.0))
            painter.setBrush(fill)
            for rect in rects:
                painter.drawRect(self.to_widget(rect).adjusted(-1, -1, 1, 1))
        painter.end()


class PageView(QScrollArea):
    """One page at a time. ``render_wanted(Fit)``: the page should be rendered again for this fit."""

    render_wanted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcePage")
        self.setAccessibleName("Cited page")
        self.canvas = _Canvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.mode = FitMode.WIDTH
        self.factor = 1.0
        self.rendered_scale = 0.0
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(120)
        self._again.timeout.connect(self._maybe_render)

    @property
    def rects(self) -> tuple[Rect, ...]:
        """The highlight's boxes on the page shown, in page points (left, bottom, right, top)."""
        return self.canvas.rects

    def fit(self) -> Fit:
        viewport = self.viewport()
        bar = self.verticalScrollBar().sizeHint().width()
        return Fit(
            viewport.width() - bar, viewport.height(), self.mode, self.factor, self.devicePixelRatioF()
        )

    def show_page(
        self, image: QImage, size: tuple[float, float], scale: float, rects: tuple[Rect, ...]
    ) -> None:
        canvas = self.canvas
        canvas.image, canvas.page_size, canvas.rects, canvas.found = image, size, rects, ()
        self.rendered_scale = scale
        self._relayout()
        self.reveal(rects[0] if rects else None)

    def show_image(self, image: QImage) -> None:
        """An image at its own size (points = its logical pixels); no highlight."""
        dpr = image.devicePixelRatio() or 1.0
        self.show_page(image, (image.width() / dpr, image.height() / dpr), 0.0, ())

    def set_found(self, rects: tuple[Rect, ...]) -> None:
        self.canvas.found = rects
        self.canvas.update()
        if rects:
            self.reveal(rects[0])

    def reveal(self, rect: Rect | None) -> None:
        """Scroll so ``rect`` is in view (a third down from the top), or to the page's top."""
        if rect is None:
            self.verticalScrollBar().setValue(0)
            return
        box = self.canvas.to_widget(rect)
        center = QPointF(box.center())
        self.horizontalScrollBar().setValue(int(center.x() - self.viewport().width() / 2))
        self.verticalScrollBar().setValue(int(box.top() - self.viewport().height() / 3))

    def set_mode(self, mode: FitMode, factor: float | None = None) -> None:
        if factor is None and mode is FitMode.FACTOR:
            factor = self.canvas.zoom
        self.mode = mode
        if factor is not None:
            self.factor = max(_ZOOMS[0], min(_ZOOMS[-1], factor))
        self._relayout()
        self._again.start()

    def zoom_step(self, steps: int) -> None:
        now = self.canvas.zoom
        if steps > 0:
            bigger = [z for z in _ZOOMS if z > now * 1.01]
            self.set_mode(FitMode.FACTOR, bigger[0] if bigger else _ZOOMS[-1])
        else:
            smaller = [z for z in _ZOOMS if z < now * 0.99]
            self.set_mode(FitMode.FACTOR, smaller[-1] if smaller else _ZOOMS[0])

    @property
    def zoom_percent(self) -> int:
        return round(self.canvas.zoom * 100)

    def _relayout(self) -> None:
        canvas = self.canvas
        canvas.zoom = self.fit().zoom(canvas.page_size) if canvas.page_size[0] else 1.0
        canvas.resize(canvas.sizeHint())
        canvas.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.mode is not FitMode.FACTOR:
            self._relayout()
            self._again.start()

    def _maybe_render(self) -> None:
        """A sharper (or lighter) render when the zoom shown is far from the one rendered."""
        if not self.rendered_scale or not self.canvas.page_size[0]:
            return
        want = self.fit().scale(self.canvas.page_size)
        if abs(want - self.rendered_scale) / self.rendered_scale > 0.15:
            self.render_wanted.emit(self.fit())
