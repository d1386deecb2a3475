"""The sets' controllers and models without a window (issue 12): the catalog in workers, reads
coalesced, failures said, rows dropped on a set, a folder's batches routed to the upload queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, Qt

from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, Store
from assistant.catalog.set_records import SetSummary
from assistant.folders import FolderSync, SyncConfig
from assistant.ui.controllers import UploadQueue
from assistant.ui.row_drag import rows_mime
from assistant.ui.sets.backend import SetsSnapshot
from assistant.ui.sets.controller import SetsController
from assistant.ui.sets.model import SET_ROLE, SetsModel
from assistant.ui.sets.sidebar import SetAction, SetsSidebar
from assistant.ui.sets.sync import FolderSyncController
from assistant.ui.sets.views import SetView

WAIT = 10_000
FAST = SyncConfig(settle_seconds=0.2, debounce_seconds=0.1, max_delay_seconds=0.5, rescan_seconds=600.0)


def add(store: Store, name: str) -> FileRecord:
    return store.add_file(file_id=f"file_{name}", filename=name, mime_type="text/plain", size_bytes=10)


@pytest.fixture
def sets(runner: TaskRunner, store: Store) -> Any:
    controller = SetsController(runner, store)
    yield controller
    controller.close()


def loaded(qtbot: Any, sets: SetsController) -> SetsSnapshot:
    with qtbot.waitSignal(sets.loaded, timeout=WAIT) as blocker:
        sets.reload()
    snapshot = blocker.args[0]
    assert isinstance(snapshot, SetsSnapshot)
    return snapshot


def test_a_set_is_created_filled_emptied_and_renamed_in_workers(
    qtbot: Any, sets: SetsController, store: Store
) -> None:
    a, b, c = (add(store, n) for n in ("a.txt", "b.txt", "c.txt"))
    said: list[str] = []
    joined: list[tuple[int, list[int]]] = []
    sets.said.connect(lambda text, _ms: said.append(text))
    sets.joined.connect(lambda set_id, rows: joined.append((set_id, rows)))
    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.create("Q3 contracts", [a.id, b.id])
    snapshot = sets.snapshot
    [view] = snapshot.views
    assert (view.name, view.files, view.summary) == ("Q3 contracts", 2, "2 files")
    assert snapshot.members[view.id] == {a.id, b.id}
    assert said[-1] == "Set “Q3 contracts” created with 2 files."
    assert joined == [(view.id, [a.id, b.id])], "the set's conversations pick up what joins it"

    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.add(view.id, [b.id, c.id])
    assert sets.snapshot.members[view.id] == {a.id, b.id, c.id}
    assert joined[-1] == (view.id, [c.id]), "only the file that was not in the set yet"
    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.remove(view.id, [a.id])
    assert sets.snapshot.members[view.id] == {b.id, c.id}
    assert store.get_file(a.id) is not None, "taken out of the set, not deleted"

    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.create("HR policies")
    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.rename(view.id, "hr POLICIES")
    assert said[-1] == "There is already a set named “hr POLICIES”. Choose another name."
    assert [v.name for v in sets.snapshot.views] == ["HR policies", "Q3 contracts"]

    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.delete(view.id)
    assert [v.name for v in sets.snapshot.views] == ["HR policies"]
    assert {r.id for r in store.list_files()} >= {a.id, b.id, c.id}, "the files stay"


def test_many_reloads_while_one_read_runs_make_one_more_read(
    qtbot: Any, sets: SetsController, store: Store
) -> None:
    store.create_set("Logs", file_ids=[add(store, f"{i}.log").id for i in range(20)])
    for _ in range(200):
        sets.reload()
    qtbot.waitUntil(lambda: sets.reads == 2, timeout=WAIT)
    qtbot.wait(800)
    assert sets.reads == 2, "the first read, and one more for everything asked meanwhile"
    assert sets.snapshot.views[0].files == 20


def test_create_and_wait_returns_the_set_or_raises_what_the_catalog_said(
    qtbot: Any, sets: SetsController, store: Store
) -> None:
    from assistant.api.errors import ApiFailure

    made = sets.create_and_wait("Incidents", [add(store, "x.log").id])
    assert made.name == "Incidents" and store.set_file_ids(made.id) != []
    with pytest.raises(ApiFailure, match="already a set named"):
        sets.create_and_wait("incidents", [])


def test_the_sidebar_lists_all_files_then_each_set_with_its_summary(qtbot: Any, qtmodeltester: Any) -> None:
    model = SetsModel()
    sidebar = SetsSidebar(model)
    qtbot.addWidget(sidebar)
    watched = SetView(2, "Incident logs", 218, "/logs", counts=SetSummary(synced=214, skipped=3, failed=1))
    model.set_sets([watched, SetView(1, "HR policies", 3)])
    model.set_all_count(240)
    qtmodeltester.check(model)
    texts = [model.index(r).data() for r in range(model.rowCount())]
    assert texts == [
        "All files\n240 files",
        "HR policies\n3 files",
        "Incident logs\n214 synced · 3 skipped · 1 failed",
    ]
    assert sidebar.view.objectName() == "documentSets"

    chosen: list[object] = []
    sidebar.chosen.connect(chosen.append)
    sidebar.choose(2)
    assert chosen[-1] == watched and sidebar.current() == watched
    assert sidebar.ask_button.isEnabled() and sidebar.link_button.text() == "Sync status…"
    menu = sidebar.build_menu(watched, has_selection=False)
    names = [a.objectName() for a in menu.actions() if a.objectName()]
    assert "retrySyncAction" in names and "linkFolderAction" not in names
    retry = next(a for a in menu.actions() if a.objectName() == "retrySyncAction")
    requested: list[tuple[str, int]] = []
    sidebar.requested.connect(lambda action, set_id: requested.append((action, set_id)))
    retry.trigger()
    assert requested == [(SetAction.RETRY, 2)]
    sidebar.choose(None)
    assert chosen[-1] is None


def test_rows_dropped_on_a_set_join_it_and_nothing_else_is_taken(qtbot: Any) -> None:
    model = SetsModel()
    model.set_sets([SetView(7, "Contracts")])
    dropped: list[tuple[int, list[int]]] = []
    model.rows_dropped.connect(lambda set_id, rows: dropped.append((set_id, rows)))
    rows = rows_mime([4, 5])
    assert model.canDropMimeData(rows, Qt.DropAction.CopyAction, -1, -1, model.index(1))
    assert not model.canDropMimeData(rows, Qt.DropAction.CopyAction, -1, -1, model.index(0)), "not All files"
    files = QMimeData()
    files.setText("/tmp/a.txt")
    assert not model.canDropMimeData(files, Qt.DropAction.CopyAction, -1, -1, model.index(1))
    model.dropMimeData(rows, Qt.DropAction.CopyAction, -1, -1, model.index(1))
    assert dropped == [(7, [4, 5])]
    assert model.index(1).data(SET_ROLE).name == "Contracts"


def test_a_folders_new_files_go_to_the_upload_queue_in_one_batch(
    qtbot: Any, runner: TaskRunner, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(60):  # more than a drop that asks first: linking the folder was the yes
        (folder / f"log {i:02}.txt").write_text(f"entry {i}\n", "utf-8")
    (folder / "draft.tmp").write_text("ignored\n", "utf-8")
    doc_set = store.create_set("Incoming")
    queue = UploadQueue(runner, None)  # no uploader yet: the jobs wait
    sync = FolderSyncController(
        runner,
        lambda on_batch, on_error: FolderSync(store, on_batch, config=FAST, on_error=on_error),
        uploads=queue,
        rows=None,  # type: ignore[arg-type]  # no changed file in this test
        record_of=lambda _row: None,
        changed_work=lambda _item: None,
        connected=lambda: False,
    )
    batches: list[int] = []
    sync.batches_seen.connect(batches.append)
    sync.start()
    qtbot.waitUntil(lambda: sync.engine is not None, timeout=WAIT)
    sync.link(doc_set.id, folder, None, lambda: None)
    qtbot.waitUntil(lambda: len(queue.jobs()) == 60, timeout=WAIT)
    assert queue.intake is None, "queued at once, no question asked"
    assert {j.path.name for j in queue.jobs()} == {f"log {i:02}.txt" for i in range(60)}
    assert len(batches) <= 2, "one batch for the whole folder (and maybe one for the link's scan)"
    summary = store.set_summary(doc_set.id)
    assert summary.skipped == 1 and summary.waiting + summary.uploading == 60
    sync.close()


def test_instructions_rename_in_place_and_the_storage_view(
    qtbot: Any, sets: SetsController, store: Store
) -> None:
    from assistant.ui.sets.details import StorageDialog, read_storage

    a = add(store, "policy.md")
    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.create("HR policies", [a.id])
    view = sets.snapshot.views[0]
    with qtbot.waitSignal(sets.loaded, timeout=WAIT):
        sets.set_instructions(view.id, "Answer as an HR adviser; quote the policy.")
    assert store.required_set(view.id).instructions == "Answer as an HR adviser; quote the policy."
    assert sets.snapshot.views[0].instructions.startswith("Answer as an HR adviser")

    model = SetsModel()
    model.set_sets(sets.snapshot.views)
    asked: list[tuple[int, str]] = []
    model.rename_requested.connect(lambda set_id, name: asked.append((set_id, name)))
    assert model.setData(model.index(1), "  People policies ", Qt.ItemDataRole.EditRole) is False
    assert asked == [(view.id, "People policies")], "the catalog renames it; the row follows the next read"
    assert model.index(1).data(Qt.ItemDataRole.EditRole) == "HR policies"
    assert not model.setData(model.index(0), "Renamed", Qt.ItemDataRole.EditRole), "All files is not a set"

    rows, total = read_storage(store)
    dialog = StorageDialog(rows, total)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["All files", "HR policies"]
    assert table.item(1, 1).text() == "1"
    from PySide6.QtWidgets import QLabel

    quota = dialog.findChild(QLabel, "quotaNote")
    assert "used: not reported by the API" in quota.text()


def test_a_folder_that_is_gone_is_said_on_its_set(
    qtbot: Any, sets: SetsController, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "usb-drive"
    folder.mkdir()
    doc_set = store.create_set("Drive")
    store.link_folder(doc_set.id, folder)
    sets.problems = {doc_set.id: f"{folder} is not there (an unmounted drive?): nothing is marked missing"}
    snapshot = loaded(qtbot, sets)
    view = snapshot.views[0]
    assert view.summary.startswith(f"{folder} is not there")
    model = SetsModel()
    model.set_sets(snapshot.views)
    assert model.index(1).data().startswith("Drive\n")
    assert "is not there" in model.index(1).data(Qt.ItemDataRole.ToolTipRole)
