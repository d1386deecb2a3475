"""StaleChecker: one check at a time (a request while one runs follows it), a file touched but not
changed hashed once, and the throttle of ``check_if_due``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from assistant.api.files import UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import FileOrigin, FileRecord, Store
from assistant.ui.controllers import StaleChecker

from .conftest import WAIT, wait_idle

UNCHANGED = (None, "unchanged")  # the docstring says None; the check passes SourceState's text on


def _checker(runner: TaskRunner, records: list[FileRecord], **options: object) -> StaleChecker:
    return StaleChecker(runner, lambda: records, **options)  # type: ignore[arg-type]


def _found(qtbot: QtBot, checker: StaleChecker) -> dict[int, str | None]:
    with qtbot.waitSignal(checker.found, timeout=WAIT) as found:
        checker.check()
    return found.args[0]


def test_changed_missing_and_unchanged_sources(
    qtbot: QtBot, runner: TaskRunner, upload: Callable[..., UploadResult]
) -> None:
    same = upload("same.txt", "Nothing happens to this one.\n").record
    edited = upload("edited.txt", "The first version.\n").record
    gone = upload("gone.txt", "Deleted from the disk.\n").record
    Path(edited.local_path or "").write_text("The second, longer version.\n", "utf-8")
    Path(gone.local_path or "").unlink()
    states = _found(qtbot, _checker(runner, [same, edited, gone]))
    assert states[edited.id] == "changed" and states[gone.id] == "missing"
    assert states[same.id] in UNCHANGED


def test_a_check_asked_for_while_one_runs_follows_it_once(
    qtbot: QtBot, runner: TaskRunner, upload: Callable[..., UploadResult]
) -> None:
    record = upload("notes.txt", "The boiler is serviced every October.\n").record
    checker = _checker(runner, [record])
    seen: list[dict[int, str | None]] = []
    checker.found.connect(seen.append)
    checker.check()
    (first,) = checker.running
    checker.check()  # while the first runs: one more follows
    checker.check()  # and no third
    assert checker.running == {first}, "one check at a time"
    Path(record.local_path or "").write_text("Serviced in November now, and twice.\n", "utf-8")
    wait_idle(qtbot, checker)
    assert len(seen) == 2
    assert seen[-1] == {record.id: "changed"}, "the check that followed saw the file as it is now"


def test_a_file_touched_but_not_changed_is_hashed_once(
    qtbot: QtBot, runner: TaskRunner, upload: Callable[..., UploadResult]
) -> None:
    record = upload("touched.txt", "Same bytes, new time.\n").record
    path = Path(record.local_path or "")
    info = path.stat()
    touched = info.st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(touched, touched))  # the time moved: the first check hashes (and finds no change)
    checker = _checker(runner, [record])
    assert _found(qtbot, checker)[record.id] in UNCHANGED
    # Other bytes of the same size, under the same time: only a hash could tell; the check does not
    # hash again, it remembers what it found for this size and time.
    path.write_bytes(b"X" * info.st_size)
    os.utime(path, ns=(touched, touched))
    assert _found(qtbot, checker)[record.id] in UNCHANGED
    # a fresh checker (nothing remembered) hashes, and sees the new bytes
    assert _found(qtbot, _checker(runner, [record]))[record.id] == "changed"


def test_check_if_due_checks_at_most_once_per_throttle(
    qtbot: QtBot, runner: TaskRunner, upload: Callable[..., UploadResult]
) -> None:
    record = upload("often.txt", "Checked when the window comes back.\n").record
    now = [100.0]
    checker = _checker(runner, [record], throttle=10.0, clock=lambda: now[0])
    with qtbot.waitSignal(checker.found, timeout=WAIT):
        checker.check_if_due()
    wait_idle(qtbot, checker)
    now[0] = 109.0
    checker.check_if_due()
    assert not checker.running, "9 s later: not due"
    now[0] = 110.0
    with qtbot.waitSignal(checker.found, timeout=WAIT):
        checker.check_if_due()


def test_only_active_files_uploaded_by_the_app_with_a_source_are_checked(
    qtbot: QtBot, runner: TaskRunner, store: Store
) -> None:
    adopted = store.add_file(
        file_id="file_x", filename="x.txt", mime_type="text/plain", size_bytes=1, origin=FileOrigin.ADOPTED
    )
    no_source = store.add_file(file_id="file_y", filename="y.txt", mime_type="text/plain", size_bytes=1)
    checker = _checker(runner, [adopted, no_source])
    checker.check()
    assert not checker.running, "nothing to compare: no task"


def test_a_closed_checker_checks_nothing(
    qtbot: QtBot, runner: TaskRunner, upload: Callable[..., UploadResult]
) -> None:
    checker = _checker(runner, [upload("a.txt", "a\n").record])
    checker.close()
    checker.check()
    assert not checker.running
