"""A set row shows that it is linked to a folder (a folder glyph before its summary), and its tooltip
holds the set's whole name and the folder's path, which the narrow sidebar cuts (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage

from assistant.ui.main_window import MainWindow
from assistant.ui.sets.delegate import SetDelegate
from tests.support import Windows
from tests.ui.sets.test_sets_window import WAIT, build, set_rows

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
LONG = "Supplier contracts of the northern region, 2025 renewals"


def row_of(window: MainWindow, name: str) -> int:
    return next(i for i, text in enumerate(set_rows(window)) if text.startswith(name + "\n"))


def glyph_pixels(window: MainWindow, row: int) -> tuple[int, int]:
    """(where the row's glyph is, in pixels; how many of them differ from the row's background)."""
    view = window.sets.sidebar.view
    index = window.sets.model.index(row)
    font = QFont(view.font())
    font.setBold(True)
    small = QFont(view.font())
    small.setPointSizeF(small.pointSizeF() * 0.9)
    delegate = view.itemDelegate()
    assert isinstance(delegate, SetDelegate)
    rect = delegate.glyph_rect(
        view.visualRect(index), index, QFontMetrics(font).height(), QFontMetrics(small).height()
    )
    if rect is None:
        return 0, 0
    image: QImage = view.viewport().grab().toImage()
    background = QColor(image.pixel(rect.right() + 40, view.visualRect(index).top() + 1))
    differ = sum(
        1
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
        if QColor(image.pixel(x, y)) != background
    )
    return rect.width() * rect.height(), differ


def test_a_linked_set_row_shows_its_folder_and_its_tip_says_it_whole(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    folder = tmp_path / "contracts of the north"
    folder.mkdir()
    (folder / "a.txt").write_text("Payment within 30 days.\n", "utf-8")
    window = build(windows, tmp_path, sandbox, qtbot)
    window.resize(1024, 700)
    window.create_set(LONG)
    window.create_set("Plain")
    window.watch_folder(LONG, folder)
    window.sets.show_sidebar()
    qtbot.waitUntil(lambda: any(t.startswith(LONG + "\n1 synced") for t in set_rows(window)), timeout=WAIT)
    qtbot.wait(100)
    linked, plain = row_of(window, LONG), row_of(window, "Plain")
    model = window.sets.model

    size, painted = glyph_pixels(window, linked)
    assert size > 0 and painted > size // 8, "a folder glyph is painted before the linked set's summary"
    assert glyph_pixels(window, plain) == (0, 0), "no glyph on a set without a folder"

    view = window.sets.sidebar.view
    cut = view.visualRect(model.index(linked)).width() < QFontMetrics(view.font()).horizontalAdvance(LONG)
    assert cut, "the sidebar is narrow enough to cut the name (what the tooltip is for)"
    tip = str(model.index(linked).data(Qt.ItemDataRole.ToolTipRole))
    assert LONG in tip and str(folder) in tip
    assert str(folder) in str(model.index(linked).data(Qt.ItemDataRole.AccessibleTextRole))
    assert str(folder) not in str(model.index(plain).data(Qt.ItemDataRole.ToolTipRole))
