"""Selection: what is selected, as the table has it now, and what Renew and Re-upload can act on."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from assistant.catalog import FileOrigin, FileRecord, Store
from assistant.ui.controllers import Selection
from assistant.ui.files_model import FilesModel


def _add(store: Store, name: str, *, local: bool = True, origin: FileOrigin = FileOrigin.APP) -> FileRecord:
    return store.add_file(
        file_id=f"file_{name}",
        filename=name,
        mime_type="text/plain",
        size_bytes=1,
        local_path=f"/docs/{name}" if local else None,
        origin=origin,
    )


def test_what_can_be_renewed_and_re_uploaded_follows_the_table(
    qtbot: QtBot, store: Store, model: FilesModel
) -> None:
    mine = _add(store, "mine.txt")
    found = _add(store, "found.txt", local=False, origin=FileOrigin.ADOPTED)
    model.set_records([mine, found])
    selection = Selection(model.records, model.source_state)
    with qtbot.waitSignal(selection.actions_changed, timeout=1000) as actions:
        selection.select([mine, found])
    assert actions.args == [1, False], "a file found remotely cannot be renewed"
    assert selection.renewable() == [mine] and selection.changed() == []
    assert selection.ids == {mine.id, found.id}

    model.set_source_states({mine.id: "changed"})
    with qtbot.waitSignal(selection.actions_changed, timeout=1000) as actions:
        selection.update()
    assert actions.args == [1, True] and selection.changed() == [mine]


def test_current_gives_the_tables_newer_copy_and_drop_forgets_a_row(store: Store, model: FilesModel) -> None:
    old = _add(store, "report.txt")
    other = _add(store, "other.txt")
    model.set_records([old, other])
    selection = Selection(model.records, model.source_state)
    selection.select([old, other])
    renewed = store.replace_file_id(old.id, file_id="file_new", uploaded_at=old.uploaded_at, expires_at=None)
    model.upsert(renewed)
    assert [r.file_id for r in selection.current()] == ["file_new", "file_other.txt"]
    assert selection.records[0].file_id == "file_report.txt", "what was selected is kept as it was"
    selection.drop(other.id)
    assert selection.ids == {old.id}
    model.remove([old.id])
    assert selection.current() == [old], "a row gone from the table is still given as selected"
