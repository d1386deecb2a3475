"""The composer's attachments (issue 10, items 1, 8 and 11): rows dragged from the files table onto the
chat attach them, Attach… picks them, chips wrap at 1024 px and follow the dark theme, Send needs files
and the empty conversation's hint says what to do. Through the real window, against the sandbox."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import PySide6
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QListWidget, QWidget

from assistant.settings import Theme
from assistant.ui.chat.composer import Chip
from assistant.ui.files_model import RECORD_ROLE, Col
from assistant.ui.main_window import MainWindow
from assistant.ui.theme import apply_theme
from tests.support import Windows, drop, sandbox_keys

WAIT = 20_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

LONG = "minutes-of-the-harbour-committee-meeting-about-the-lighthouse-restoration-budget-and-keepers.txt"
NAMES = ("alpha-quarterly-budget-memo-for-the-board.txt", "beta-regional-sales-figures-by-quarter.txt", LONG)


@pytest.fixture
def window(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    built = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: built.session.services is not None, timeout=WAIT)
    for name in NAMES:
        (tmp_path / name).write_text(f"{name} has its own words.\n", "utf-8")
    built.add_paths([tmp_path / n for n in NAMES])
    qtbot.waitUntil(lambda: built.files_model.rowCount() == 3, timeout=WAIT)
    built.files_panel.table.sortByColumn(Col.NAME, Qt.SortOrder.AscendingOrder)
    built.show()
    qtbot.waitExposed(built)
    qtbot.waitUntil(lambda: not built.upload_queue.busy, timeout=WAIT)
    return built


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    style = qapp.style().name()
    yield
    apply_theme(Theme.SYSTEM)
    qapp.setStyle(style)


def marked(window: MainWindow) -> list[str]:
    """The names the table marks as in the current conversation (bold)."""
    proxy = window.files_panel.proxy
    out = []
    for row in range(proxy.rowCount()):
        font = proxy.index(row, Col.NAME).data(Qt.ItemDataRole.FontRole)
        if isinstance(font, QFont) and font.bold():
            out.append(proxy.index(row, Col.NAME).data(RECORD_ROLE).filename)
    return out


def chip_names(window: MainWindow) -> list[str]:
    return [c.record.filename for c in window.chat_panel.composer.chips]


def select_rows(window: MainWindow, rows: list[int]) -> None:
    table, proxy = window.files_panel.table, window.files_panel.proxy
    for n, row in enumerate(rows):
        center = table.visualRect(proxy.index(row, Col.NAME)).center()
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, center)


def dragged_rows_mime(window: MainWindow) -> QMimeData:
    """What the table puts on a drag of its selected rows (the view's own ``startDrag`` asks this)."""
    table = window.files_panel.table
    return window.files_panel.proxy.mimeData(table.selectionModel().selectedIndexes())


def drag_onto(widget: QWidget, mime: QMimeData) -> tuple[bool, bool]:
    """Drag ``mime`` over ``widget`` and drop it there: (drag accepted, drop accepted)."""
    center = widget.rect().center()
    point = QPointF(center) if PySide6.__version_info__ >= (6, 12) else QPoint(center)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False, False
    QApplication.sendEvent(widget, QDragMoveEvent(point, *args))
    dropped = QDropEvent(QPointF(center), *args)
    QApplication.sendEvent(widget, dropped)
    return True, dropped.isAccepted()


def settle(window: MainWindow, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: window.chat_panel.is_settled, timeout=WAIT)


def test_rows_dragged_onto_the_chat_attach_and_upload_nothing(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    chat, queue = window.chat_panel, window.upload_queue
    table = window.files_panel.table
    assert table.dragEnabled(), "the files table starts drags of its rows"
    select_rows(window, [0, 1])
    settle(window, qtbot)
    assert chat.attached_files() == [], "selecting only selects"
    mime = dragged_rows_mime(window)
    assert not mime.hasUrls() and not mime.hasText(), "rows are not files to upload"

    assert drag_onto(table.viewport(), mime) == (False, False), "rows dropped back on the table do nothing"
    assert drag_onto(chat.transcript.viewport(), mime) == (True, True)
    qtbot.waitUntil(lambda: marked(window) == list(NAMES[:2]), timeout=WAIT)
    assert chip_names(window) == list(NAMES[:2])
    assert len(queue.jobs()) == 3 and not queue.busy, "no upload started"
    assert window.files_model.rowCount() == 3
    assert len(window.ctx.store.list_conversations()) == 1
    assert chat.composer.input.hasFocus(), "the composer takes the focus to type the question"

    # onto the question box: the row is attached, nothing is typed into the box
    select_rows(window, [2])
    assert drag_onto(chat.composer.input.viewport(), dragged_rows_mime(window)) == (True, True)
    qtbot.waitUntil(lambda: marked(window) == list(NAMES), timeout=WAIT)
    assert chip_names(window) == list(NAMES)
    assert chat.composer.text() == ""
    assert len(queue.jobs()) == 3 and not queue.busy

    # a file dragged from a file manager onto the chat still uploads
    extra = tmp_path / "delta.txt"
    extra.write_text("delta has its own words.\n", "utf-8")
    drop(chat.transcript.viewport(), [extra])
    qtbot.waitUntil(lambda: window.files_model.rowCount() == 4, timeout=WAIT)
    assert [j.path.name for j in queue.jobs()][-1] == "delta.txt"
    assert chip_names(window) == list(NAMES), "an upload does not attach"


def test_attach_picker_sets_the_conversation_files(window: MainWindow, qtbot: Any) -> None:
    chat = window.chat_panel
    select_rows(window, [0])
    qtbot.keyClick(
        window.files_panel.table,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: marked(window) == [NAMES[0]], timeout=WAIT)

    QTest.mouseClick(chat.composer.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (d := window.findChild(QDialog, "attachPicker")) is not None and d.isVisible())
    picker: Any = window.findChild(QDialog, "attachPicker")
    states = {i.data(Qt.ItemDataRole.UserRole).filename: i.checkState() for i in picker.items()}
    assert states == {
        NAMES[0]: Qt.CheckState.Checked,
        NAMES[1]: Qt.CheckState.Unchecked,
        NAMES[2]: Qt.CheckState.Unchecked,
    }, "every uploaded file is offered, the conversation's own ticked"

    qtbot.keyClicks(picker.search, "minutes")  # search, then tick the one found with the keyboard
    shown = [i.data(Qt.ItemDataRole.UserRole).filename for i in picker.items() if not i.isHidden()]
    assert shown == [LONG]
    files = picker.findChild(QListWidget, "attachPickerList")
    files.setFocus()
    assert files.currentItem().data(Qt.ItemDataRole.UserRole).filename == LONG
    qtbot.keyClick(files, Qt.Key.Key_Space)
    assert picker.findChild(QLabel, "attachPickerCount").text() == "2 files ticked."
    assert chip_names(window) == [NAMES[0]], "nothing changes before Attach"
    QTest.mouseClick(picker.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: marked(window) == [NAMES[0], LONG], timeout=WAIT)
    assert chip_names(window) == [NAMES[0], LONG]
    assert not picker.isVisible()

    # unticking takes a file out
    QTest.mouseClick(chat.composer.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "attachPicker").isVisible())
    picker = window.findChild(QDialog, "attachPicker")
    picker.item_for(NAMES[0]).setCheckState(Qt.CheckState.Unchecked)
    QTest.mouseClick(picker.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: marked(window) == [LONG], timeout=WAIT)
    assert chip_names(window) == [LONG]
    assert len(window.ctx.store.list_conversations()) == 1


def attach_all(window: MainWindow, qtbot: Any) -> None:
    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    qtbot.keyClick(
        table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: len(chip_names(window)) == 3, timeout=WAIT)


def test_chips_wrap_at_1024_px_and_all_three_show(window: MainWindow, qtbot: Any) -> None:
    window.resize(1024, 700)
    attach_all(window, qtbot)
    composer = window.chat_panel.composer
    area = composer.chips_area
    qtbot.waitUntil(lambda: area.isVisible() and area.height() > 0, timeout=WAIT)
    viewport = area.viewport()

    def settled() -> bool:  # layouts are applied on later events: wait for the last one
        inside = viewport.rect().contains
        return all(inside(QRect(c.mapTo(viewport, QPoint(0, 0)), c.size())) for c in composer.chips)

    with contextlib.suppress(AssertionError):  # the assertions below say which chip is cut
        qtbot.waitUntil(settled, timeout=5000)
    seen = viewport.rect()
    for chip in composer.chips:
        assert chip.isVisible()
        rect = QRect(chip.mapTo(viewport, QPoint(0, 0)), chip.size())
        assert seen.contains(rect), f"{chip.record.filename} is cut off: {rect} outside {seen}"
    tops = {chip.y() for chip in composer.chips}
    assert len(tops) > 1, "the chips wrap onto more than one line"
    assert area.height() <= area.max_height(), "never taller than three lines"

    window.resize(1366, 768)  # with room for the names, only the very long one is elided

    def shown() -> dict[str, str]:
        return {c.record.filename: QLabel.text(c.label) for c in composer.chips}  # what is painted

    qtbot.waitUntil(lambda: shown()[NAMES[0]] == NAMES[0] and shown()[NAMES[1]] == NAMES[1], timeout=WAIT)
    assert "…" in shown()[LONG] and len(shown()[LONG]) < len(LONG), "a very long name is elided"
    long_chip = next(c for c in composer.chips if c.record.filename == LONG)
    assert LONG in long_chip.toolTip() and LONG in long_chip.label.toolTip(), "the tooltip has it whole"


def test_chips_follow_the_dark_theme(window: MainWindow, qtbot: Any, themed: None) -> None:
    apply_theme(Theme.LIGHT)
    attach_all(window, qtbot)
    chip = window.chat_panel.composer.chips[0]
    qtbot.waitUntil(lambda: chip.isVisible() and chip.height() > 0, timeout=WAIT)

    def background() -> int:
        return chip.grab().toImage().pixelColor(4, chip.height() // 2).lightness()

    assert background() > 180, "light chips on a light window"
    apply_theme(Theme.DARK)  # switched while the chips are shown (Settings ▸ Theme)
    QApplication.processEvents()
    assert background() < 90, "the chips turn dark with the window"
    attach_new = window.chat_panel.composer.chips[1]
    assert attach_new.grab().toImage().pixelColor(4, attach_new.height() // 2).lightness() < 90


def test_send_needs_files_and_the_hint_follows_them(window: MainWindow, qtbot: Any) -> None:
    chat = window.chat_panel
    composer, transcript, store = chat.composer, chat.transcript, window.ctx.store
    assert "Ask about these" in transcript.hint and "Attach…" in transcript.hint
    assert "Ask a question about" not in transcript.hint
    hint = window.findChild(QLabel, "noFilesHint")
    assert hint.isVisible() and "Attach…" in hint.text()

    box = composer.input
    box.setFocus()
    qtbot.keyClicks(box, "What does the memo decide?")
    assert not composer.send_button.isEnabled(), "nothing attached: nothing to send"
    assert "Attach files" in composer.send_button.toolTip()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(window, qtbot)
    assert not chat.is_streaming and store.list_conversations() == [], "Enter sent nothing"
    assert composer.text() == "What does the memo decide?", "the question stays in the box"
    assert composer.warning.isVisible() and "nothing is attached" in composer.warning.text()

    attach_all(window, qtbot)
    assert composer.send_button.isEnabled() and "Enter" in composer.send_button.toolTip()
    assert not composer.warning.isVisible(), "attaching answers the warning"
    assert not hint.isVisible()
    assert transcript.hint.startswith("Ask a question about the 3 files below")

    chip = next(c for c in composer.chips if isinstance(c, Chip) and c.record.filename == LONG)
    QTest.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(composer.chips) == 2, timeout=WAIT)
    assert transcript.hint.startswith("Ask a question about the 2 files below")
