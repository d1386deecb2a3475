"""FilesController: the table filled from the catalog in a worker, changes that arrive during a read
applied on top of it, finished uploads inserted together, replaced and removed rows."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from assistant.api.files import UploadResult
from assistant.catalog import FileRecord, FileState, Store
from assistant.ui.controllers import FilesController
from assistant.ui.controllers.files import REUSED_NOTE
from assistant.ui.files_model import FilesModel

from .conftest import WAIT


def _add(store: Store, name: str, size: int, state: FileState = FileState.ACTIVE) -> FileRecord:
    record = store.add_file(file_id=f"file_{name}", filename=name, mime_type="text/plain", size_bytes=size)
    if state is not FileState.ACTIVE:
        store.set_file_state(record.id, state)
    return store.get_file(record.id) or record


def _ids(model: FilesModel) -> set[int]:
    return {r.id for r in model.records()}


def _read_done_but_not_delivered(table: FilesController) -> None:
    """Start a reload and let its worker finish reading; its result waits for the event loop."""
    table.reload()
    (task,) = table.running
    assert task.wait(WAIT / 1000)


def test_reload_shows_active_expired_and_missing_files_and_what_is_stored(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    a = _add(store, "a.txt", 100)
    b = _add(store, "b.txt", 250)
    expired = _add(store, "old.txt", 7, FileState.EXPIRED)
    missing = _add(store, "lost.txt", 9, FileState.MISSING)
    _add(store, "gone.txt", 11, FileState.DELETED)
    with (
        qtbot.waitSignal(table.storage_changed, timeout=WAIT) as storage,
        qtbot.waitSignal(table.loaded, timeout=WAIT),
    ):
        table.reload()
    assert _ids(model) == {a.id, b.id, expired.id, missing.id}, "deleted files are not shown"
    assert storage.args == [350, 2], "bytes and count of the active files only"
    assert table.current([a]) == [model.record(model.row_of(a.id) or 0)]


def test_a_removal_during_a_read_is_applied_on_top_of_what_was_read(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    keep = _add(store, "keep.txt", 1)
    gone = _add(store, "gone.txt", 2)
    _read_done_but_not_delivered(table)  # it read both rows
    store.set_file_state(gone.id, FileState.DELETED)
    table.removed([gone.id])  # the delete finished while the read's result was on its way
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        pass
    assert _ids(model) == {keep.id}


def test_a_renewal_during_a_read_wins_over_the_older_row_that_was_read(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    old = _add(store, "report.txt", 10)
    _read_done_but_not_delivered(table)
    new = store.replace_file_id(old.id, file_id="file_renewed", uploaded_at=old.uploaded_at, expires_at=None)
    with qtbot.waitSignal(table.changed, timeout=WAIT):
        table.replace(new, "renewed")
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        pass
    (shown,) = model.records()
    assert shown.id == old.id and shown.file_id == "file_renewed"
    assert model.note(old.id) == "renewed"


def test_an_upload_that_finished_after_the_read_is_in_the_table_when_it_is_loaded(
    qtbot: QtBot, table: FilesController, model: FilesModel, upload: Callable[..., UploadResult]
) -> None:
    _read_done_but_not_delivered(table)  # the catalog was empty when it was read
    result = upload("late.txt", "Uploaded while the catalog was being read.\n")
    table.add_uploaded(result)
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        pass
    assert _ids(model) == {result.record.id}, "in the table with the read, not only after the next flush"


def test_a_change_before_the_read_started_is_left_to_the_catalog(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    record = _add(store, "back.txt", 3)
    table.removed([record.id])  # removed from the table, but the catalog still has it active
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        table.reload()
    assert _ids(model) == {record.id}, "a fresh read is the truth; only changes during it are re-applied"


def test_finished_uploads_reach_the_table_in_one_insertion(
    qtbot: QtBot, table: FilesController, model: FilesModel, upload: Callable[..., UploadResult]
) -> None:
    first = upload("one.txt", "The first document.\n")
    second = upload("two.txt", "The second document, a little longer.\n")
    again = upload("one-copy.txt", "The first document.\n")  # same bytes: not sent again
    assert again.reused and again.record.id == first.record.id
    insertions: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, start, end: insertions.append((start, end)))
    added: list[bool] = []
    table.rows_added.connect(lambda: added.append(True))
    with qtbot.waitSignal(table.storage_changed, timeout=WAIT) as storage:
        table.add_uploaded(first)
        table.add_uploaded([second])  # a split PDF's parts come as a list
        table.add_uploaded(again)
        assert model.rowCount() == 0, "nothing is inserted per upload"
    qtbot.waitUntil(lambda: bool(added), timeout=WAIT)
    assert insertions == [(0, 1)] and added == [True]
    assert _ids(model) == {first.record.id, second.record.id}
    assert model.note(first.record.id) == REUSED_NOTE and model.note(second.record.id) is None
    assert storage.args == [first.record.size_bytes + second.record.size_bytes, 2]


def test_removed_rows_leave_the_table_and_the_storage_total(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    a, b = _add(store, "a.txt", 40), _add(store, "b.txt", 60)
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        table.reload()
    with (
        qtbot.waitSignal(table.storage_changed, timeout=WAIT) as storage,
        qtbot.waitSignal(table.changed, timeout=WAIT),
    ):
        table.removed([a.id])
    assert _ids(model) == {b.id} and storage.args == [60, 1]


def test_a_re_upload_clears_the_changed_mark_and_a_note_needs_a_shown_row(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    record = _add(store, "plan.txt", 5)
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        table.reload()
    with qtbot.waitSignal(table.sources_checked, timeout=WAIT):
        table.set_source_states({record.id: "changed", 999: "missing"}, skip=set())
    assert model.source_state(record.id) == "changed"
    table.replace(record, "re-uploaded", current_source=True)
    assert model.source_state(record.id) is None and model.note(record.id) == "re-uploaded"
    table.note(999, "renewing…")  # not shown: nothing to say it on
    assert model.note(999) is None


def test_the_stale_check_leaves_busy_rows_alone(
    qtbot: QtBot, table: FilesController, store: Store, model: FilesModel
) -> None:
    a, b = _add(store, "a.txt", 1), _add(store, "b.txt", 2)
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        table.reload()
    table.set_source_states({a.id: "changed", b.id: "missing"}, skip={b.id})
    assert model.source_state(a.id) == "changed" and model.source_state(b.id) is None


def test_after_close_pending_uploads_never_reach_the_table(
    qtbot: QtBot, table: FilesController, model: FilesModel, upload: Callable[..., UploadResult]
) -> None:
    table.add_uploaded(upload("late.txt", "Finished as the window closed.\n"))
    table.close()
    with qtbot.assertNotEmitted(table.rows_added, wait=500):  # the flush is due after 200 ms
        pass
    assert model.rowCount() == 0
