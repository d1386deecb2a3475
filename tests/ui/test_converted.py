"""Files converted to text on this computer keep their identity (issue 10, item 10), through the real
window against the sandbox: a Word document and PowerPoint slides are listed by their own name, kind and
size, found by their name, said converted in the queue, and cited by their own name in the answer's
sources and the Markdown export; the remote file keeps the ".txt" name the API needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from assistant.catalog import FileRecord
from assistant.ui.chat.composer import Chip
from assistant.ui.files_model import RECORD_ROLE, Col
from assistant.ui.formatting import format_size
from assistant.ui.main_window import MainWindow
from assistant.ui.upload_queue import UploadJobsModel
from tests.documents.corpus import docx_bytes, pptx_bytes
from tests.support import Windows, sandbox_keys

WAIT = 30_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

MEMO, SLIDES = "q3-budget-memo.docx", "kickoff.pptx"


@pytest.fixture
def window(tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any) -> MainWindow:
    built = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: built.session.services is not None, timeout=WAIT)
    (tmp_path / MEMO).write_bytes(docx_bytes())
    (tmp_path / SLIDES).write_bytes(pptx_bytes())
    built.add_paths([tmp_path / MEMO, tmp_path / SLIDES])
    qtbot.waitUntil(lambda: built.files_model.rowCount() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: all(j.finished for j in built.upload_queue.jobs()), timeout=WAIT)
    built.show()
    qtbot.waitExposed(built)
    return built


def shown_rows(window: MainWindow) -> dict[str, tuple[FileRecord, dict[int, Any]]]:
    """Each row the table shows, by its Name cell: its record and its cells (display and tooltips)."""
    proxy = window.files_panel.proxy
    rows = {}
    for row in range(proxy.rowCount()):
        cells = {}
        for col in (Col.NAME, Col.TYPE, Col.SIZE):
            index = proxy.index(row, col)
            cells[col] = index.data()
            cells[-col - 1] = index.data(Qt.ItemDataRole.ToolTipRole)
        rows[cells[Col.NAME]] = (proxy.index(row, 0).data(RECORD_ROLE), cells)
    return rows


def test_a_converted_file_is_listed_found_and_cited_by_its_own_name(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    rows = shown_rows(window)
    assert set(rows) == {MEMO, SLIDES}, "the Name cell is the file's own name, not the text's"
    for name, kind in ((MEMO, "Word document"), (SLIDES, "PowerPoint slides")):
        record, cells = rows[name]
        assert record.filename == f"{name}.txt", "the remote file keeps the name the API needs"
        assert cells[Col.TYPE] == f"{kind} (as text)"
        original = (tmp_path / name).stat().st_size
        assert format_size(original) != format_size(record.size_bytes)
        assert cells[Col.SIZE] == format_size(original), "the file's own size, not the text's"
        said = f"Converted to text on this computer: {format_size(record.size_bytes)} of text sent"
        for tip in (cells[-Col.TYPE - 1], cells[-Col.SIZE - 1], cells[-Col.NAME - 1]):
            assert said in tip and f"“{name}.txt”" in tip

    # the queue says it was converted, not "uploaded as ….txt"
    model = window.upload_panel.model
    queue = {
        model.job(r).path.name: model.index(r, UploadJobsModel.STATE).data() for r in range(model.rowCount())
    }
    assert queue == {name: "converted to text on this computer and uploaded" for name in (MEMO, SLIDES)}

    # searching by the name the user knows finds it
    search = window.files_panel.search
    qtbot.keyClicks(search, "budget-memo.docx")
    assert list(shown_rows(window)) == [MEMO]
    search.clear()

    # asked about, the answer's sources cite the Word file by its own name
    memo = rows[MEMO][0]
    window.files_panel.select_ids({memo.id})
    table = window.files_panel.table
    table.setFocus()
    qtbot.keyClick(
        table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    chat = window.chat_panel
    qtbot.waitUntil(lambda: [r.id for r in chat.attached_files()] == [memo.id], timeout=WAIT)
    assert [c.label.text() for c in chat.composer.findChildren(Chip)] == [MEMO]
    (chip,) = chat.composer.findChildren(Chip)
    assert chip.toolTip().startswith(f"{MEMO} · Word document (as text) · ")
    assert "text/plain" not in chip.toolTip(), "the chip says what the file is, not what was sent"
    box = window.findChild(QWidget, "chatInput")
    qtbot.keyClicks(box, "What comes after the table?")
    with qtbot.waitSignal(chat.busy_changed, timeout=WAIT, check_params_cb=lambda busy: not busy):
        window.findChild(QPushButton, "sendButton").click()
    store = window.ctx.store
    (conversation,) = store.list_conversations()
    (turn,) = store.list_turns(conversation.id)
    assert turn.citations and any("conclusion" in c.cited_text for c in turn.citations)
    assert {c.document_title for c in turn.citations} == {MEMO}
    transcript = window.findChild(QWidget, "transcript").toPlainText()
    assert f"— {MEMO}, chars" in transcript and ".docx.txt" not in transcript

    # and so does the Markdown export
    target = tmp_path / "export.md"
    with qtbot.waitSignal(chat.exporter.exported, timeout=WAIT):
        chat.export_markdown(target)
    text = target.read_text(encoding="utf-8")
    assert f"Files: `{MEMO}`" in text and f"— {MEMO}, chars" in text
    assert ".docx.txt" not in text
