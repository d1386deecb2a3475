"""The About box says which price list the costs come from (its source and date)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.pricing import load_prices
from assistant.settings import Paths
from assistant.ui.dialogs import show_about


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_about_names_the_price_list_in_use(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_about(parent, Paths.for_data_dir(tmp_path))
    prices = load_prices()
    assert f"Prices: {prices.source}, {prices.date}" in box.text()
    box.close()
