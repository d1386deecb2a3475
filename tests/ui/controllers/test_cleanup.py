"""CleanupRunner: the confirmed files are deleted on the sandbox in a worker, one outcome at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from assistant.api.files import FileService, UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import FileState, Store
from assistant.ui.controllers import CleanupRunner

from .conftest import WAIT, wait_idle


def _remote(sandbox: Any) -> set[str]:
    return {f.id for f in sandbox.files.page(1000, None, None)[0]}


def test_each_deleted_file_is_reported_and_gone_from_the_sandbox(  # noqa: PLR0917
    qtbot: QtBot,
    runner: TaskRunner,
    files: FileService,
    store: Store,
    sandbox: Any,
    upload: Callable[..., UploadResult],
) -> None:
    a = upload("a.txt", "The first file to clean up.\n").record
    b = upload("b.txt", "The second file to clean up.\n").record
    keep = upload("keep.txt", "Not chosen: stays.\n").record
    cleanup = CleanupRunner(runner, lambda: files)
    deleted: list[int] = []
    cleanup.deleted.connect(deleted.append)
    task = cleanup.delete([a.id, b.id])
    assert task is not None and not task.is_running, "handed back unstarted: the dialog connects first"
    outcomes: list[Any] = []
    task.signals.item.connect(outcomes.append)
    with qtbot.waitSignal(task.signals.finished, timeout=WAIT):
        task.start()
    wait_idle(qtbot, cleanup)
    assert deleted == [a.id, b.id] and [o.record_id for o in outcomes] == [a.id, b.id]
    assert _remote(sandbox) == {keep.file_id}
    assert store.get_file(a.id).state is FileState.DELETED  # type: ignore[union-attr]


def test_a_file_the_sandbox_refuses_to_delete_is_not_reported_deleted(
    qtbot: QtBot, runner: TaskRunner, files: FileService, sandbox: Any, upload: Callable[..., UploadResult]
) -> None:
    record = upload("stuck.txt", "The server is overloaded.\n").record
    sandbox.faults.set("files:529,retry-after=0.01")
    cleanup = CleanupRunner(runner, lambda: files)
    task = cleanup.delete([record.id])
    assert task is not None
    outcomes: list[Any] = []
    task.signals.item.connect(outcomes.append)
    with qtbot.assertNotEmitted(cleanup.deleted), qtbot.waitSignal(task.signals.finished, timeout=WAIT):
        task.start()
    (outcome,) = outcomes
    assert not outcome.ok and outcome.failure is not None


def test_without_a_connection_there_is_nothing_to_start(runner: TaskRunner) -> None:
    cleanup = CleanupRunner(runner, lambda: None)
    assert cleanup.delete([1, 2]) is None and not runner.running
