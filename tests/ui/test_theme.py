"""Light or dark: followed from the system, or forced from the settings (and back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assistant.settings import Theme
from assistant.ui.theme import apply_theme, banner_colors, is_dark, level_color


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[QApplication]:
    style = qapp.style().name()
    yield qapp
    apply_theme(Theme.SYSTEM)
    qapp.setStyle(style)


def test_forced_dark_then_light_then_system(app_style: Any) -> None:
    app = app_style
    system_dark = is_dark(app.palette())
    apply_theme(Theme.DARK)
    assert is_dark(app.palette())
    assert banner_colors()[0] == "#3b3220"
    assert level_color("warning").lightness() > 128, "the warning colour reads on dark"
    apply_theme(Theme.LIGHT)
    assert not is_dark(app.palette())
    assert level_color("warning").lightness() < 128, "and on light"
    apply_theme(Theme.SYSTEM)
    assert is_dark(app.palette()) == system_dark
