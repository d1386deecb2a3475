"""The upload queue as a newcomer meets it (issue 10, items 8, 9 and 11), through the real window against
the sandbox: failures listed first with their whole reason, Retry only where it can work, failures
remembered across a restart until dismissed, the queue folded away when idle, a big drop counted before
anything is queued, a highlight while files are dragged over the window, and the Upload… dialogs'
folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import PySide6
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QGuiApplication, QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from assistant.ui.controllers.uploads import JobState, UploadJob
from assistant.ui.main_window import MainWindow
from assistant.ui.upload_queue import COLLAPSE_DELAY_MS, UploadJobsModel
from tests.support import Windows, drop, sandbox_keys

WAIT = 20_000
# the offscreen platform cannot pass a top-level window's size hints on, nor raise a tooltip
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

LONG = "quarterly budget review of the harbour lighthouse restoration committee, final version"
EMPTY_REASON = "is empty (0 bytes). Add a file with something in it."


def build(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.uploads.memory.has_read, timeout=WAIT)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any) -> MainWindow:
    return build(windows, tmp_path, sandbox, qtbot)


def rows(window: MainWindow) -> list[UploadJob]:
    model = window.upload_panel.model
    return [model.job(r) for r in range(model.rowCount())]


def cell(window: MainWindow, row: int, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return window.upload_panel.model.index(row, col).data(role)


def click_cell(window: MainWindow, row: int, col: int) -> None:
    view = window.upload_panel.view
    rect = view.visualRect(view.model().index(row, col))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )


def files(tmp_path: Path, **contents: str) -> list[Path]:
    out = []
    for name, text in contents.items():
        path = tmp_path / name.replace("__", ".")
        path.write_text(text, "utf-8")
        out.append(path)
    return out


def settled(window: MainWindow) -> bool:
    jobs = window.upload_queue.jobs()
    return bool(jobs) and all(j.finished for j in jobs) and window.uploads.memory.idle


def test_a_failure_is_listed_first_with_its_whole_reason_and_retry_only_where_it_can_work(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    panel = window.upload_panel
    good = files(tmp_path, good__txt="The good file has words in it.\n")[0]
    empty = tmp_path / f"{LONG}.txt"
    empty.write_bytes(b"")
    drop(window.files_panel.table.viewport(), [good, empty])  # the good one first
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)

    failed, done = rows(window)
    assert (failed.path, failed.state, done.state) == (empty, JobState.FAILED, JobState.DONE), "failure first"
    reason = failed.message
    assert reason.endswith(EMPTY_REASON) and LONG in reason
    assert failed.permanent, "an empty file can never upload as it is"
    assert cell(window, 0, UploadJobsModel.ACTION) == "Dismiss", "no Retry for it"
    assert not panel.retry_button.isVisible()
    assert panel.dismiss_button.isVisible()

    # its whole reason is shown under the queue, wrapped, nothing cut off, selectable
    details = panel.details
    assert details.isVisible() and details.job is failed
    assert reason in details.text.toPlainText()
    assert details.text.shows_everything
    assert not details.text.verticalScrollBar().isVisible()
    assert details.text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert not details.retry_button.isVisible() and details.dismiss_button.isVisible()
    details.copy_button.click()
    assert reason in QGuiApplication.clipboard().text()

    # its tooltip wraps instead of running past the screen's edge
    view = panel.view
    rect = view.visualRect(view.model().index(0, UploadJobsModel.STATE))
    at = rect.center()
    QApplication.sendEvent(
        view.viewport(), QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    )
    tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible())
    screen = view.screen().geometry()
    assert screen.contains(tip.frameGeometry()), (tip.frameGeometry(), screen)
    assert tip.width() <= screen.width() // 2, "wrapped at a readable width, not as wide as it can get"

    # a failure that depends on the moment (the connection is cut) offers Retry, and Retry works
    sandbox.faults.set("upload:drop-upload=10")
    cut = files(tmp_path, cut__txt="Sent while the connection keeps dropping.\n")[0]
    drop(window.files_panel.table.viewport(), [cut])
    qtbot.waitUntil(lambda: settled(window) and len(rows(window)) == 3, timeout=60_000)
    assert [j.path.name for j in rows(window)[:2]] == [empty.name, "cut.txt"], "failures first"
    assert not rows(window)[1].permanent
    assert cell(window, 1, UploadJobsModel.ACTION) == "Retry"
    assert panel.retry_button.isVisible()
    click_cell(window, 1, UploadJobsModel.FILE)
    assert details.job is rows(window)[1] and details.retry_button.isVisible()
    assert rows(window)[1].message in details.text.toPlainText()
    sandbox.faults.clear()
    details.retry_button.click()
    qtbot.waitUntil(
        lambda: any(j.path.name == "cut.txt" and j.state is JobState.DONE for j in rows(window)), timeout=WAIT
    )
    assert [j.path.name for j in rows(window)] == [empty.name, "good.txt", "cut.txt"]
    panel.retry_button.click()  # "Retry" all: never the empty file
    assert rows(window)[0].state is JobState.FAILED


def test_failures_are_remembered_across_a_restart_until_dismissed(
    windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any
) -> None:
    window = build(windows, tmp_path, sandbox, qtbot)
    empty, blank = tmp_path / "empty.txt", tmp_path / "blank.md"
    empty.write_bytes(b"")
    blank.write_bytes(b"")
    drop(window, [empty, blank])
    qtbot.waitUntil(lambda: settled(window) and len(rows(window)) == 2, timeout=WAIT)
    reasons = {j.path: j.message for j in rows(window)}

    windows.close_all()
    window = build(windows, tmp_path, sandbox, qtbot)
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=WAIT)
    assert {j.path: (j.state, j.message, j.permanent) for j in rows(window)} == {
        p: (JobState.FAILED, r, True) for p, r in reasons.items()
    }
    panel = window.upload_panel
    assert panel.isVisible(), "a listed failure keeps the queue open"
    qtbot.waitUntil(lambda: panel.view.height() > 40, timeout=WAIT)  # laid out: its rows can be clicked
    qtbot.waitUntil(lambda: window.status.uploads_button.text() == "2 failed", timeout=WAIT)
    assert "earlier session" in panel.details.text.toPlainText()
    # said as remembered, not as a batch that just ran and failed ("Uploads: 0 of 2 done · 2 failed")
    assert panel.title.text() == "2 failed in an earlier session, kept until you dismiss them"

    gone = rows(window)[0]
    click_cell(window, 0, UploadJobsModel.ACTION)  # "Dismiss"
    assert [j.path for j in rows(window)] == [p for p in reasons if p != gone.path]
    qtbot.waitUntil(lambda: window.uploads.memory.idle, timeout=WAIT)

    windows.close_all()
    window = build(windows, tmp_path, sandbox, qtbot)
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=WAIT)
    assert rows(window)[0].path != gone.path, "dismissed for good"
    window.upload_panel.dismiss_button.click()  # Dismiss failed
    assert rows(window) == []
    qtbot.waitUntil(lambda: window.uploads.memory.idle, timeout=WAIT)

    windows.close_all()
    window = build(windows, tmp_path, sandbox, qtbot)
    assert rows(window) == [] and not window.upload_panel.isVisible()


def test_the_queue_folds_away_when_idle_and_opens_on_activity_or_failure(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    panel, toggle = window.upload_panel, window.status.uploads_button
    files_view = window.files_panel
    action = window.uploads.toggle_action
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions() and action.text() == "Upload &queue"
    assert not panel.isVisible() and files_view.height() >= window.left_splitter.height() - 2, "nothing yet"
    assert toggle.isVisible() and toggle.text() == "No uploads"

    one, two = files(tmp_path, one__txt="One.\n", two__txt="Two.\n")
    drop(window.files_panel.table.viewport(), [one])
    assert panel.isVisible(), "opens as soon as something is added"
    qtbot.waitUntil(lambda: panel.height() > 100, timeout=WAIT)  # the splitter lays it out next
    assert toggle.isChecked() and action.isChecked()
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=COLLAPSE_DELAY_MS + WAIT)
    room = window.left_splitter.height() - 2
    qtbot.waitUntil(lambda: files_view.height() >= room, timeout=WAIT)  # the files get the room back
    assert toggle.text() == "1 uploaded" and not toggle.isChecked() and not action.isChecked()

    QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)  # the person opens it
    assert panel.isVisible() and action.isChecked()
    qtbot.wait(COLLAPSE_DELAY_MS + 200)
    assert panel.isVisible(), "opened by hand, it stays open"
    action.trigger()  # View ▸ Upload queue folds it
    assert not panel.isVisible() and not toggle.isChecked()

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    drop(window.files_panel.table.viewport(), [two, empty])
    assert panel.isVisible()
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    qtbot.wait(COLLAPSE_DELAY_MS + 200)
    assert panel.isVisible(), "a failure keeps it open"
    assert toggle.text() == "2 uploaded · 1 failed"
    panel.dismiss_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=COLLAPSE_DELAY_MS + WAIT)
    assert toggle.text() == "2 uploaded"


def test_a_big_drop_says_how_many_files_it_adds_before_anything_starts(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"note-{i:02}.txt").write_text(f"Note {i}.\n", "utf-8")
    size = sum(p.stat().st_size for p in folder.iterdir())
    bar, panel = window.upload_panel.intake_bar, window.upload_panel

    drop(window.files_panel.table.viewport(), [folder])
    qtbot.waitUntil(bar.accept_button.isVisible, timeout=WAIT)
    assert bar.label.text().startswith(f"Upload 60 files ({size} B) from “many”?")
    assert bar.accept_button.text() == "Upload 60 files"
    assert panel.isVisible() and "60 files to confirm" in window.status.uploads_button.text()
    assert window.upload_queue.jobs() == [] and sandbox.files.page(100, None, None)[0] == [], "nothing yet"
    bar.cancel_button.click()
    assert not bar.isVisible() and window.upload_queue.jobs() == []

    drop(window.files_panel.table.viewport(), [folder])
    qtbot.waitUntil(bar.accept_button.isVisible, timeout=WAIT)
    bar.accept_button.click()
    assert not bar.isVisible()
    assert len(window.upload_queue.jobs()) == 60
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: all(j.finished for j in window.upload_queue.jobs()), timeout=WAIT)


def _enter(widget: QWidget, mime: QMimeData) -> QDragEnterEvent:
    center = widget.rect().center()
    point = QPointF(center) if PySide6.__version_info__ >= (6, 12) else QPoint(center)  # as support.drop
    enter = QDragEnterEvent(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    return enter


def _urls(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_dragging_files_over_the_window_shows_what_a_drop_adds(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    one, two = files(tmp_path, one__txt="One.\n", two__txt="Two.\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    overlay = window.drop_filter.overlay
    assert overlay is not None and not overlay.isVisible()

    table = window.files_panel.table.viewport()
    mime = _urls([one, two])
    assert _enter(table, mime).isAccepted()
    assert overlay.isVisible() and overlay.text == "Drop to upload 2 files"
    assert overlay.geometry() == window.rect(), "over the whole window"
    QApplication.sendEvent(table, QDragLeaveEvent())
    assert not overlay.isVisible(), "gone when the drag leaves"

    transcript = window.findChild(QWidget, "transcript")
    mixed = _urls([folder, one])
    _enter(transcript, mixed)
    assert overlay.isVisible() and overlay.text == "Drop to upload 1 folder and 1 file"
    QApplication.sendEvent(transcript, QDragLeaveEvent())
    words = QMimeData()
    words.setText("just words")
    _enter(table, words)
    assert not overlay.isVisible(), "no files, no promise"

    drop(table, [one])  # enter, then drop
    assert not overlay.isVisible(), "gone on drop"
    assert [j.path for j in window.upload_queue.jobs()] == [one]
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)


def _dialog(window: MainWindow) -> QFileDialog:
    return next(d for d in window.findChildren(QFileDialog) if d.isVisible())


def test_the_upload_dialogs_open_in_documents_then_where_the_last_files_came_from(
    windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "inner").mkdir(parents=True)
    (elsewhere / "picked.txt").write_text("Picked in the dialog.\n", "utf-8")
    (elsewhere / "inner" / "deep.txt").write_text("Deep in a folder.\n", "utf-8")

    window = build(windows, tmp_path, sandbox, qtbot)
    window.commands.upload_action.trigger()
    dialog = _dialog(window)
    assert Path(dialog.directory().absolutePath()) == home / "Documents", "not the app's own folder"
    dialog.filesSelected.emit([str(elsewhere / "picked.txt")])
    dialog.close()
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)

    window.commands.upload_folder_action.trigger()
    dialog = _dialog(window)
    assert Path(dialog.directory().absolutePath()) == elsewhere, "where the last files came from"
    dialog.fileSelected.emit(str(elsewhere / "inner"))
    dialog.close()
    qtbot.waitUntil(lambda: settled(window) and len(window.upload_queue.jobs()) == 2, timeout=WAIT)

    windows.close_all()
    window = build(windows, tmp_path, sandbox, qtbot)
    window.commands.upload_action.trigger()
    dialog = _dialog(window)
    assert Path(dialog.directory().absolutePath()) == elsewhere, "remembered across runs"
    dialog.close()

    (home / "Documents").rmdir()
    windows.close_all()
    (tmp_path / "app" / "config" / "window.ini").unlink()
    window = build(windows, tmp_path, sandbox, qtbot)
    window.commands.upload_action.trigger()
    dialog = _dialog(window)
    assert Path(dialog.directory().absolutePath()) == home, "no documents folder: home"
    dialog.close()


def test_the_failed_rows_and_the_reason_all_show_when_the_queue_opens(
    windows: Windows, tmp_path: Path, sandbox: Any, qtbot: Any
) -> None:
    """Five failures of a drop: each of their rows is whole in the queue's table, and the first one's
    reason beside them (the queue grows to show them; it showed one row under the reason)."""
    window = build(windows, tmp_path, sandbox, qtbot)
    window.show()
    qtbot.waitExposed(window)
    bad = [tmp_path / f"empty-{n}.txt" for n in range(5)]
    for path in bad:
        path.write_bytes(b"")
    (tmp_path / "good.txt").write_text("Some words.\n", "utf-8")
    drop(window, [*bad, tmp_path / "good.txt"])
    qtbot.waitUntil(lambda: settled(window) and len(rows(window)) == 6, timeout=WAIT)
    panel, view = window.upload_panel, window.upload_panel.view

    def whole_rows() -> int:
        seen = view.viewport().rect()
        return sum(seen.contains(view.visualRect(panel.model.index(r, 0))) for r in range(5))

    qtbot.waitUntil(lambda: whole_rows() == 5, timeout=WAIT)
    assert all(j.state is JobState.FAILED for j in rows(window)[:5])
    assert panel.details.isVisible() and rows(window)[0].message in panel.details.text.toPlainText()
