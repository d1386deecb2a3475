"""The life of a file, through the real window, against the in-process sandbox over real HTTP.

Every kind people drop (each uploads, or its row in the queue says why not, before anything is sent),
a PDF over the page limit split on request, renewal of a file about to expire, a local file changed
since upload re-uploaded and swapped in, and files found remotely cleaned up as orphans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QPushButton, QWidget

from assistant.catalog import FileOrigin, FileRecord, FileState
from assistant.ui.controllers.uploads import JobState, UploadJob
from assistant.ui.files_model import Col
from assistant.ui.main_window import MainWindow
from assistant.ui.upload_queue import UploadJobsModel
from tests.documents.corpus import docx_bytes, write_encrypted_pdf, xlsx_bytes
from tests.helpers_pdf import make_pdf
from tests.support import SANDBOX_KEY, SandboxClock, Windows, drop, sandbox_keys

WAIT = 30_000

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, sandbox: Any, windows: Windows) -> MainWindow:
    built = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox, clock=SandboxClock(sandbox))
    qtbot.waitUntil(lambda: built.session.services is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: built.status.connection_label.text().startswith("● Connected"), timeout=WAIT)
    return built


# ------------------------------------------------------------------------------------------ helpers
def remote_ids(sandbox: Any) -> set[str]:
    return {f.id for f in sandbox.files.page(1000, None, None)[0]}


def row(window: MainWindow, name: str) -> FileRecord:
    return next(r for r in window.files_model.records() if r.filename == name)


def cell(window: MainWindow, record: FileRecord, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    model = window.files_model
    index = model.index(model.row_of(record.id), col)
    return index.data(role)


def state(window: MainWindow, record: FileRecord) -> str:
    """All the State column says of a row: its tooltip's first line (the cell shows a word or two)."""
    return str(cell(window, record, Col.STATE, Qt.ItemDataRole.ToolTipRole)).split("\n")[0]


def job_for(window: MainWindow, name: str) -> UploadJob:
    return next(j for j in window.upload_queue.jobs() if j.path.name == name)


def queue_cell(window: MainWindow, job: UploadJob, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    model = window.upload_panel.model
    r = next(i for i in range(model.rowCount()) if model.job(i) is job)
    return model.index(r, col).data(role)


def all_finished(window: MainWindow, count: int) -> bool:
    jobs = window.upload_queue.jobs()
    return len(jobs) == count and all(j.finished for j in jobs)


def ask(window: MainWindow, qtbot: Any, records: list[FileRecord], question: str) -> None:
    """Attach ``records`` (select them in the table, then Ask about these: Ctrl+Shift+A), ask, and
    wait for the answer to end."""
    window.files_panel.select_ids({r.id for r in records})
    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(
        table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    chat = window.chat_panel
    assert {r.id for r in chat.attached_files()} == {r.id for r in records}
    box = window.findChild(QWidget, "chatInput")
    box.clear()
    qtbot.keyClicks(box, question)
    with qtbot.waitSignal(chat.busy_changed, timeout=WAIT, check_params_cb=lambda busy: not busy):
        window.findChild(QPushButton, "sendButton").click()


def last_turn(window: MainWindow) -> Any:
    store = window.ctx.store
    conversation = store.list_conversations()[0]
    return store.list_turns(conversation.id)[-1]


def click_state_cell(window: MainWindow, qtbot: Any, record: FileRecord) -> None:
    table = window.files_panel.table
    proxy = window.files_panel.proxy
    source = window.files_model.index(window.files_model.row_of(record.id), Col.STATE)
    index: QModelIndex = proxy.mapFromSource(source)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


# -------------------------------------------------------------------------------------------- tests
def test_every_kind_dropped_uploads_or_says_why(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "report.docx").write_bytes(docx_bytes())
    (folder / "sheet.xlsx").write_bytes(xlsx_bytes())
    (folder / "notes.md").write_text("# Notes\n\nThe boiler is serviced every October.\n", "utf-8")
    (folder / "scan.pdf").write_bytes(make_pdf([[]]))  # a page with no text layer
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "budget: draft?.md").write_text("The draft budget is 4,000 euros.\n", "utf-8")
    write_encrypted_pdf(folder / "locked.pdf", [["Secret figures."]], user="pw", owner="owner-pw")
    paths = sorted(folder.iterdir())
    before = remote_ids(sandbox)

    drop(window.files_panel.table.viewport(), paths)
    qtbot.waitUntil(lambda: all_finished(window, len(paths)), timeout=WAIT)

    states = {j.path.name: j.state for j in window.upload_queue.jobs()}
    assert states == {
        "report.docx": JobState.DONE,
        "sheet.xlsx": JobState.DONE,
        "notes.md": JobState.DONE,
        "scan.pdf": JobState.DONE,
        "budget: draft?.md": JobState.DONE,
        "empty.txt": JobState.FAILED,
        "blob.bin": JobState.FAILED,
        "locked.pdf": JobState.FAILED,
    }
    # each failure says what happened and what to do, in the row's text and its tooltip
    for name, words in (
        ("empty.txt", "is empty (0 bytes)"),
        ("blob.bin", "Kinds that work: PDF"),
        ("locked.pdf", "protected with a password"),
    ):
        job = job_for(window, name)
        assert words in queue_cell(window, job, UploadJobsModel.STATE)
        assert words in queue_cell(window, job, UploadJobsModel.STATE, Qt.ItemDataRole.ToolTipRole)
    assert len(remote_ids(sandbox) - before) == 5, "nothing of the three failures was sent"

    # warnings: in the queue row and in the table row (text, icon and tooltip)
    scan_job = job_for(window, "scan.pdf")
    assert "citations will not work" in queue_cell(window, scan_job, UploadJobsModel.STATE)
    assert queue_cell(window, scan_job, UploadJobsModel.STATE, Qt.ItemDataRole.DecorationRole) is not None
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 5, timeout=WAIT)
    scan = row(window, "scan.pdf")
    assert state(window, scan).endswith("⚠")
    assert cell(window, scan, Col.STATE, Qt.ItemDataRole.DecorationRole) is not None
    assert "citations will not work" in cell(window, scan, Col.STATE, Qt.ItemDataRole.ToolTipRole)

    renamed = row(window, "budget_ draft_.md")
    assert renamed.original_name == "budget: draft?.md"
    assert "renamed from budget: draft?.md" in state(window, renamed)
    assert "is not one the API accepts" in cell(window, renamed, Col.STATE, Qt.ItemDataRole.ToolTipRole)
    assert "budget_ draft_.md" in queue_cell(
        window, job_for(window, "budget: draft?.md"), UploadJobsModel.STATE
    )

    docx = row(window, "report.docx.txt")
    assert docx.original_name == "report.docx"
    assert docx.source_sha256 and docx.kept_path and Path(docx.kept_path).is_file()
    assert cell(window, docx, Col.NAME) == "report.docx"  # converted: see tests/ui/test_converted.py
    assert "converted to text" in queue_cell(window, job_for(window, "report.docx"), UploadJobsModel.STATE)

    # a question about the converted Word file gets an answer cited from it
    ask(window, qtbot, [docx], "What comes after the table?")
    turn = last_turn(window)
    assert turn.citations, "the answer cites the document"
    assert any("conclusion" in c.cited_text for c in turn.citations)
    assert "conclusion" in window.findChild(QWidget, "transcript").toPlainText()


def test_a_pdf_over_the_page_limit_is_split_on_request(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    window.session.max_pdf_pages = 2  # pages per request, small for the test
    long_pdf = tmp_path / "manual.pdf"
    long_pdf.write_bytes(make_pdf([[f"Page {n} of the manual."] for n in range(1, 6)]))
    drop(window, [long_pdf])
    qtbot.waitUntil(lambda: all_finished(window, 1), timeout=WAIT)
    job = job_for(window, "manual.pdf")
    assert job.state is JobState.NEEDS_SPLIT
    assert "has 5 pages" in queue_cell(window, job, UploadJobsModel.STATE)
    assert remote_ids(sandbox) == set(), "nothing sent before the person chose"
    action = queue_cell(window, job, UploadJobsModel.ACTION)
    assert action == "Split into 3 parts"

    view = window.upload_panel.view
    model = window.upload_panel.model
    index = model.index(0, UploadJobsModel.ACTION)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=WAIT)
    assert job.parts == ("manual (pages 1-2).pdf", "manual (pages 3-4).pdf", "manual (pages 5-5).pdf")
    assert "uploaded in 3 parts" in queue_cell(window, job, UploadJobsModel.STATE)
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 3, timeout=WAIT)
    assert sorted(r.filename for r in window.files_model.records()) == list(job.parts)
    assert len(remote_ids(sandbox)) == 3


def test_renewal_through_the_window_keeps_the_conversation(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nThe boiler is serviced every October.\n", "utf-8")
    drop(window, [doc])
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 1, timeout=WAIT)
    record = window.files_model.records()[0]
    ask(window, qtbot, [record], "When is the boiler serviced?")
    assert last_turn(window).citations

    assert "expires soon" not in state(window, record)
    sandbox.clock.advance(28 * 86_400)
    window.files_model.tick()
    assert state(window, record).startswith("expires soon — Renew")
    assert cell(window, record, Col.STATE) == "Expires soon"
    tip = cell(window, record, Col.EXPIRES, Qt.ItemDataRole.ToolTipRole)
    assert "Expires in 1 d 23 h — Renew to keep it" in tip
    assert cell(window, record, Col.STATE, Qt.ItemDataRole.DecorationRole) is not None

    window.files_panel.select_ids({record.id})
    assert window.commands.renew_action.isEnabled()
    assert window.findChild(QWidget, "renewButton") is not None
    window.commands.renew_action.trigger()
    qtbot.waitUntil(lambda: window.files_model.records()[0].file_id != record.file_id, timeout=WAIT)
    renewed = window.files_model.records()[0]
    assert renewed.id == record.id
    assert renewed.expires_at is not None and record.expires_at is not None
    assert renewed.expires_at > record.expires_at
    assert remote_ids(sandbox) == {renewed.file_id}, "the old file id is gone remotely"
    assert "expires soon" not in state(window, renewed)

    ask(window, qtbot, [renewed], "When is the boiler serviced?")
    turn = last_turn(window)
    assert turn.citations and "October" in turn.citations[0].cited_text
    assert len(window.ctx.store.list_conversations()) == 1, "the same conversation goes on"


def test_a_changed_local_file_is_said_and_swapped(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text("The garden plan puts tomatoes along the south wall.\n", "utf-8")
    gone = tmp_path / "gone.txt"
    gone.write_text("This file will be moved away after upload.\n", "utf-8")
    drop(window, [doc, gone])
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 2, timeout=WAIT)
    record = row(window, "plan.txt")
    assert "changed" not in state(window, record)

    doc.write_text("The garden plan now puts beans along the south wall, tomatoes by the shed.\n", "utf-8")
    gone.unlink()
    with qtbot.waitSignal(window.files_loaded, timeout=WAIT):
        window.commands.refresh_action.trigger()  # F5
    qtbot.waitUntil(lambda: window.files_model.source_state(record.id) == "changed", timeout=WAIT)
    assert "local file changed since upload" in state(window, record)
    assert str(doc) in cell(window, record, Col.STATE, Qt.ItemDataRole.ToolTipRole)
    missing = row(window, "gone.txt")
    qtbot.waitUntil(lambda: window.files_model.source_state(missing.id) == "missing", timeout=WAIT)
    assert "local file missing" in state(window, missing)
    menu = window.files_panel.build_menu([missing])
    renew = next(a for a in menu.actions() if a.text().startswith("Renew"))
    assert renew.isEnabled(), "the kept copy still allows Renew"
    reupload = next(a for a in menu.actions() if a.text().startswith("Re-upload"))
    assert not reupload.isEnabled()
    menu = window.files_panel.build_menu([record])
    assert next(a for a in menu.actions() if a.text().startswith("Re-upload")).isEnabled()

    panel = window.files_panel
    with (  # a click only selects: nothing is asked for, nothing is sent by accident
        qtbot.assertNotEmitted(panel.reupload_requested),
        qtbot.assertNotEmitted(panel.renew_requested),
        qtbot.assertNotEmitted(window.rows.said, wait=300),
    ):
        click_state_cell(window, qtbot, record)
    assert row(window, "plan.txt").file_id == record.file_id
    assert window.files_panel.selected() == [row(window, "plan.txt")]
    assert window.commands.reupload_action.isEnabled()
    window.commands.reupload_action.trigger()  # File ▸ Re-upload changed
    qtbot.waitUntil(lambda: row(window, "plan.txt").file_id != record.file_id, timeout=WAIT)
    swapped = row(window, "plan.txt")
    assert swapped.id == record.id and swapped.filename == record.filename
    assert swapped.size_bytes == doc.stat().st_size
    assert record.file_id not in remote_ids(sandbox)
    assert swapped.file_id in remote_ids(sandbox)
    assert window.files_model.source_state(record.id) is None
    assert "changed since upload" not in state(window, swapped)
    assert "re-uploaded" in state(window, swapped)


def test_files_found_remotely_are_cleaned_up_as_orphans(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    import anthropic

    mine = tmp_path / "mine.md"
    mine.write_text("Uploaded through the app.\n", "utf-8")
    drop(window, [mine])
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 1, timeout=WAIT)

    with anthropic.Anthropic(api_key=SANDBOX_KEY, base_url=sandbox.base_url) as client:
        stray = client.files.upload(file=("stray.txt", b"Uploaded by some other tool.\n", "text/plain"))
    with qtbot.waitSignal(window.files_loaded, timeout=WAIT):
        window.commands.refresh_action.trigger()
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 2, timeout=WAIT)
    orphan = row(window, "stray.txt")
    assert orphan.origin is FileOrigin.ADOPTED and orphan.file_id == stray.id
    assert state(window, orphan) == "found remotely"
    assert "not uploaded by this app" in cell(window, orphan, Col.STATE, Qt.ItemDataRole.ToolTipRole)

    dialog = window.open_cleanup()
    group = dialog.plan.group("orphans")
    assert group is not None and [r.filename for r in group.records] == ["stray.txt"]
    assert not dialog.group_ticked("orphans"), "orphans are offered, not chosen for the person"
    dialog.set_group_ticked("orphans", True)
    assert [r.filename for r in dialog.chosen()] == ["stray.txt"]
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=WAIT, check_params_cb=lambda v: v == 1):
        dialog.findChild(QPushButton, "confirmCleanupButton").click()
    qtbot.waitUntil(dialog.summary_label.isVisible, timeout=WAIT)
    assert stray.id not in remote_ids(sandbox)
    assert [r.filename for r in window.files_model.records()] == ["mine.md"]
    assert window.ctx.store.get_file(orphan.id).state is FileState.DELETED


def test_an_expired_file_in_a_conversation_is_renewed_from_the_chat_notice(
    window: MainWindow, qtbot: Any, tmp_path: Path, sandbox: Any
) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nThe boiler is serviced every October.\n", "utf-8")
    drop(window, [doc])
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 1, timeout=WAIT)
    record = window.files_model.records()[0]
    ask(window, qtbot, [record], "When is the boiler serviced?")

    sandbox.clock.advance(31 * 86_400)  # gone on the server
    window.commands.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.files_model.records()[0].state is FileState.EXPIRED, timeout=WAIT)
    notice = window.findChild(QWidget, "goneFilesNotice")
    qtbot.waitUntil(notice.isVisible, timeout=WAIT)
    renew = notice.findChild(QPushButton, "renewGoneButton")
    assert renew is not None, "the notice offers Renew for a file this app uploaded"
    renew.click()
    qtbot.waitUntil(lambda: window.files_model.records()[0].state is FileState.ACTIVE, timeout=WAIT)
    renewed = window.files_model.records()[0]
    assert renewed.id == record.id and renewed.file_id != record.file_id
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=WAIT)
    assert remote_ids(sandbox) == {renewed.file_id}

    box = window.findChild(QWidget, "chatInput")
    qtbot.keyClicks(box, "When is the boiler serviced?")
    with qtbot.waitSignal(window.chat_panel.busy_changed, timeout=WAIT, check_params_cb=lambda b: not b):
        window.findChild(QPushButton, "sendButton").click()
    turn = last_turn(window)
    assert turn.citations and "October" in turn.citations[0].cited_text


def test_coming_back_to_the_window_checks_local_files(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text("Tomatoes along the south wall.\n", "utf-8")
    drop(window, [doc])
    qtbot.waitUntil(lambda: len(window.files_model.records()) == 1, timeout=WAIT)
    record = window.files_model.records()[0]
    qtbot.waitUntil(lambda: window.ctx.runner.running == frozenset(), timeout=WAIT)
    doc.write_text("Beans along the south wall, tomatoes by the shed.\n", "utf-8")
    assert window.files_model.source_state(record.id) is None

    window.stale.throttle = 0.0  # no waiting out the throttle here
    other = QWidget()
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=WAIT)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.waitUntil(lambda: window.files_model.source_state(record.id) == "changed", timeout=WAIT)
    other.close()
