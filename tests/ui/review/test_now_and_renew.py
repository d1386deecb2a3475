"""Run now and Renew through the real window against the sandbox (issue 11): the cells fill one by one
as answers arrive and the cost after shows; a file whose remote copy is deleted gets a cell that says
it is gone, Renew makes it usable and a re-run answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from assistant.api.client import ClientConfig, make_client
from assistant.review import CellState
from assistant.ui.main_window import MainWindow
from assistant.ui.review.grid_model import CELL_ROLE, ROW_ROLE
from tests.support import SANDBOX_KEY, Windows

from .conftest import NOTICE, add_and_select, review_selected
from .test_review_window import WAIT, grid, label, open_window, states

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

CONTRACTS = {
    "alpha.txt": "Supplier Alpha Ltd. The notice period is 30 days.",
    "beta.txt": "Supplier Beta GmbH. The notice period is 90 days.",
    "gamma.txt": "Supplier Gamma SA. The notice period is 14 days.",
}


def _reviewed(window: MainWindow, tmp_path: Path, qtbot: Any) -> None:
    add_and_select(window, tmp_path, qtbot, CONTRACTS)
    review_selected(window, qtbot, 3, NOTICE)
    qtbot.waitUntil(lambda: "$" in label(window, "reviewCost"), timeout=WAIT)


def _click(window: MainWindow, qtbot: Any, name: str) -> None:
    button = window.findChild(QWidget, name)
    assert button is not None, name
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_run_now_fills_the_cells_as_answers_arrive_then_shows_the_cost(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = open_window(windows, tmp_path, sandbox, qtbot)
    _reviewed(window, tmp_path, qtbot)
    model = grid(window).model()
    seen: list[tuple[int, int]] = []  # (answered, still to come) each time cells change

    def changed(*_: object) -> None:
        now = states(window)
        seen.append((sum(s is CellState.ANSWERED for s in now), sum(s.pending for s in now)))

    model.dataChanged.connect(changed)
    sandbox.tokens_per_second = 60  # answers take a while: the cells are seen asking, then filling
    _click(window, qtbot, "runReviewNowButton")
    assert window.findChild(QWidget, "cancelReviewButton").isEnabled()
    qtbot.waitUntil(lambda: all(s is CellState.ANSWERED for s in states(window)), timeout=WAIT)
    assert any(answered > 0 and pending for answered, pending in seen), (
        f"the cells filled one by one as answers arrived: {seen}"
    )
    shown = sorted(model.index(r, 1).data() for r in range(3))
    assert shown == ["14 days", "30 days", "90 days"]
    qtbot.waitUntil(lambda: "Cost $" in label(window, "reviewCost"), timeout=WAIT)
    cost = label(window, "reviewCost")
    assert "if run interactively" in cost or "full price" in cost, cost
    assert not window.findChild(QWidget, "cancelReviewButton").isEnabled()


def test_a_file_deleted_on_the_server_is_gone_in_its_cell_then_renewed_and_answered(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    window = open_window(windows, tmp_path, sandbox, qtbot)
    _reviewed(window, tmp_path, qtbot)
    view, model = grid(window), grid(window).model()
    _click(window, qtbot, "runReviewNowButton")
    qtbot.waitUntil(lambda: all(s is CellState.ANSWERED for s in states(window)), timeout=WAIT)
    cancel = window.findChild(QWidget, "cancelReviewButton")
    qtbot.waitUntil(lambda: not cancel.isEnabled(), timeout=WAIT)  # the run has ended, as the person sees

    # the remote copy of beta.txt is deleted (through the SDK, as another app would)
    row = next(r for r in range(3) if model.index(r, 0).data() == "beta.txt")
    record = model.index(row, 0).data(ROW_ROLE).record
    with make_client(ClientConfig(api_key=SANDBOX_KEY, base_url=sandbox.base_url)) as client:
        client.files.delete(record.file_id)

    view.setCurrentIndex(model.index(row, 1))
    _click(window, qtbot, "reviewRerunCellButton")  # asked again: the file is gone
    qtbot.waitUntil(lambda: model.index(row, 1).data(CELL_ROLE).state is CellState.FILE_GONE, timeout=WAIT)
    assert model.index(row, 1).data() == "⚠ file gone"
    detail = window.review_panel.detail
    assert "Renew" in detail.text.toPlainText()
    renew = window.findChild(QWidget, "reviewRenewButton")
    assert renew.isVisibleTo(window)

    _click(window, qtbot, "reviewRenewButton")
    qtbot.waitUntil(
        lambda: (
            (r := model.index(row, 0).data(ROW_ROLE)) is not None
            and r.record is not None
            and r.record.file_id != record.file_id
        ),
        timeout=WAIT,
    )
    view.setCurrentIndex(model.index(row, 1))
    qtbot.waitUntil(lambda: window.findChild(QWidget, "reviewRerunCellButton").isEnabled(), timeout=WAIT)
    _click(window, qtbot, "reviewRerunCellButton")
    qtbot.waitUntil(lambda: model.index(row, 1).data(CELL_ROLE).state is CellState.ANSWERED, timeout=WAIT)
    assert model.index(row, 1).data() == "90 days"
