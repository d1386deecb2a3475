"""RowOperations: renew and re-upload, one operation per row at a time, refused without a connection,
the row's note and the status text (``said``) at the start and at the end, success or failure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService, UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, Store
from assistant.ui.controllers import FilesController, RowOperations
from assistant.ui.files_model import FilesModel

from .conftest import WAIT, wait_idle

RowWork = Callable[[int, CancelToken], FileRecord]


@pytest.fixture
def shown(qtbot: QtBot, table: FilesController, upload: Callable[..., UploadResult]) -> FileRecord:
    """A file uploaded to the sandbox and shown in the table."""
    record = upload("report.txt", "The restoration cost 2.4 million euros.\n").record
    with qtbot.waitSignal(table.loaded, timeout=WAIT):
        table.reload()
    return record


def _renew_on_sandbox(files: FileService, store: Store, cache: Path) -> RowWork:
    from assistant.api.lifecycle import renew

    return lambda row_id, token: renew(files, store, row_id, cache_dir=cache, cancel=token)


def _refused(_row_id: int, _token: CancelToken) -> FileRecord:
    raise AssertionError("nothing may run")


@pytest.fixture
def make_rows(runner: TaskRunner, table: FilesController) -> Iterator[Callable[..., RowOperations]]:
    made: list[RowOperations] = []

    def make(
        *, renew: RowWork = _refused, reupload: RowWork = _refused, connected: bool = True
    ) -> RowOperations:
        rows = RowOperations(runner, table, renew=renew, reupload=reupload, connected=lambda: connected)
        made.append(rows)
        return rows

    yield make
    for rows in made:
        rows.close()


def test_renew_on_the_sandbox_notes_the_row_and_says_so(  # noqa: PLR0917
    qtbot: QtBot,
    make_rows: Callable[..., RowOperations],
    table: FilesController,
    model: FilesModel,
    shown: FileRecord,
    files: FileService,
    store: Store,
    tmp_path: Path,
) -> None:
    rows = make_rows(renew=_renew_on_sandbox(files, store, tmp_path / "converted"))
    said: list[tuple[str, int]] = []
    rows.said.connect(lambda text, ms: said.append((text, ms)))
    with qtbot.waitSignal(table.changed, timeout=WAIT):
        rows.renew(shown)
        assert model.note(shown.id) == "renewing…" and rows.busy == {shown.id}
        assert said == [("Renewing report.txt…", 0)]
    wait_idle(qtbot, rows)
    renewed = model.records()[0]
    assert renewed.id == shown.id and renewed.file_id != shown.file_id, "same row, a new remote file"
    assert store.get_file(shown.id).file_id == renewed.file_id  # type: ignore[union-attr]
    assert model.note(shown.id) == "renewed"
    assert said[-1] == ("report.txt renewed.", 8000)
    assert rows.busy == set()


def test_one_operation_per_row_at_a_time(
    qtbot: QtBot, make_rows: Callable[..., RowOperations], shown: FileRecord
) -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow(kind: str) -> RowWork:
        def work(_row_id: int, _token: CancelToken) -> FileRecord:
            calls.append(kind)
            started.set()
            release.wait(WAIT / 1000)
            return shown

        return work

    rows = make_rows(renew=slow("renew"), reupload=slow("reupload"))
    rows.renew(shown)
    assert started.wait(WAIT / 1000)
    rows.renew(shown)  # the same row again while it runs
    rows.reupload(shown)  # or another operation on it
    assert len(rows.running) == 1 and rows.busy == {shown.id}
    release.set()
    wait_idle(qtbot, rows)
    assert calls == ["renew"] and rows.busy == set()
    started.clear()
    rows.reupload(shown)  # once it has ended, the row takes the next one
    wait_idle(qtbot, rows)
    assert calls == ["renew", "reupload"]


def test_without_a_connection_nothing_runs_and_the_status_says_why(
    qtbot: QtBot, make_rows: Callable[..., RowOperations], model: FilesModel, shown: FileRecord
) -> None:
    rows = make_rows(connected=False)
    with qtbot.waitSignal(rows.said, timeout=WAIT) as said:
        rows.renew(shown)
    assert said.args == ["Not connected: enter an API key first.", 6000]
    assert not rows.running and rows.busy == set() and model.note(shown.id) is None


def test_a_failed_re_upload_notes_why_on_the_row_and_in_the_status(
    qtbot: QtBot, make_rows: Callable[..., RowOperations], model: FilesModel, shown: FileRecord
) -> None:
    def fails(_row_id: int, _token: CancelToken) -> FileRecord:
        raise ApiFailure(FailureKind.NETWORK, "the network is down")

    rows = make_rows(reupload=fails)
    said: list[tuple[str, int]] = []
    rows.said.connect(lambda text, ms: said.append((text, ms)))
    rows.reupload(shown)
    assert model.note(shown.id) == "re-uploading the changed file…"
    wait_idle(qtbot, rows)
    assert model.note(shown.id) == "not re-uploaded: the network is down"
    assert said == [
        ("Re-uploading report.txt…", 0),
        ("report.txt was not re-uploaded: the network is down", 15000),
    ]
    assert model.records()[0].file_id == shown.file_id and rows.busy == set()


def test_a_closed_row_operations_starts_nothing(
    qtbot: QtBot, make_rows: Callable[..., RowOperations], model: FilesModel, shown: FileRecord
) -> None:
    rows = make_rows()
    rows.close()
    with qtbot.assertNotEmitted(rows.said):
        rows.renew(shown)
    assert not rows.running and model.note(shown.id) is None
