"""UploadQueue: dropped folders walked in a worker, at most ``concurrency()`` uploads at a time on the
sandbox, same content not sent again, waiting jobs cancelled, failed ones retried."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService, UploadResult
from assistant.bridge import TaskRunner
from assistant.ui.controllers import UploadQueue
from assistant.ui.controllers.uploads import JobState, UploadJob

from .conftest import WAIT

Uploader = Callable[..., UploadResult]


@pytest.fixture
def upload_one(files: FileService) -> Uploader:
    """Each file as it is, to the sandbox (the app binds ``ApiSession.upload_one`` here)."""

    def upload(
        path: Path, token: CancelToken, report: Callable[[object], None], *, split: bool = False
    ) -> Any:
        assert not split
        return files.upload(path, progress=report, cancel=token)

    return upload


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "dropped"
    (folder / "sub").mkdir(parents=True)
    for i in range(count):
        where = folder / "sub" if i % 2 else folder
        (where / f"doc-{i}.txt").write_text(f"Document {i}. " + "words " * 20_000, "utf-8")
    return folder


def _states(queue: UploadQueue) -> dict[str, JobState]:
    return {j.path.name: j.state for j in queue.jobs()}


def test_a_dropped_folder_uploads_every_file_at_most_two_at_a_time(
    qtbot: QtBot, runner: TaskRunner, upload_one: Uploader, sandbox: Any, tmp_path: Path
) -> None:
    queue = UploadQueue(runner, upload_one, concurrency=lambda: 2)
    most = [0]

    def running(_job: UploadJob) -> None:
        most[0] = max(most[0], sum(1 for j in queue.jobs() if j.task is not None))

    queue.job_changed.connect(running)
    uploaded: list[tuple[UploadResult, UploadJob]] = []
    queue.uploaded.connect(lambda result, job: uploaded.append((result, job)))
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([_folder(tmp_path, 5)])
        assert queue.busy and queue.jobs() == [], "the folder is walked in a worker"
    assert _states(queue) == {f"doc-{i}.txt": JobState.DONE for i in range(5)}
    assert most[0] == 2
    assert sorted(job.path.name for _result, job in uploaded) == [f"doc-{i}.txt" for i in range(5)]
    assert {r.record.file_id for r, _job in uploaded} == {
        f.id for f in sandbox.files.page(100, None, None)[0]
    }
    assert all(j.fraction == 1.0 for j in queue.jobs())


def test_the_same_content_again_is_not_sent(
    qtbot: QtBot, runner: TaskRunner, upload_one: Uploader, sandbox: Any, tmp_path: Path
) -> None:
    first, copy = tmp_path / "a.txt", tmp_path / "copy-of-a.txt"
    for path in (first, copy):
        path.write_text("The same words in both files.\n", "utf-8")
    queue = UploadQueue(runner, upload_one, concurrency=lambda: 1)
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([first])
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([copy])
    assert _states(queue) == {"a.txt": JobState.DONE, "copy-of-a.txt": JobState.REUSED}
    assert len(sandbox.files.page(100, None, None)[0]) == 1
    assert [j.path.name for j in queue.clear_finished()] == ["a.txt", "copy-of-a.txt"]
    assert queue.jobs() == []


def test_jobs_wait_for_an_uploader_and_a_waiting_job_can_be_cancelled(
    qtbot: QtBot, runner: TaskRunner, upload_one: Uploader, tmp_path: Path
) -> None:
    paths = []
    for name in ("keep.txt", "drop.txt"):
        paths.append(tmp_path / name)
        paths[-1].write_text(f"{name}\n", "utf-8")
    queue = UploadQueue(runner, None)
    queue.add_paths(paths)
    assert _states(queue) == {"keep.txt": JobState.QUEUED, "drop.txt": JobState.QUEUED}
    assert not runner.running, "no key yet: nothing starts"
    dropped = next(j for j in queue.jobs() if j.path.name == "drop.txt")
    queue.cancel(dropped.id)
    assert dropped.state is JobState.CANCELLED
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.set_uploader(upload_one)
    assert _states(queue) == {"keep.txt": JobState.DONE, "drop.txt": JobState.CANCELLED}


def test_a_failed_upload_says_why_and_a_retry_sends_it(
    qtbot: QtBot, runner: TaskRunner, upload_one: Uploader, sandbox: Any, tmp_path: Path
) -> None:
    path = tmp_path / "busy.txt"
    path.write_text("Sent while the server was overloaded.\n", "utf-8")
    queue = UploadQueue(runner, upload_one)
    sandbox.faults.set("files:529,retry-after=0.01")  # every try, the SDK's retries too
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([path])
    (job,) = queue.jobs()
    assert job.state is JobState.FAILED and job.message and job.state_text.startswith("failed: ")
    sandbox.faults.clear()
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.retry(job.id)
    assert job.state is JobState.DONE and job.message == ""
    assert [f.filename for f in sandbox.files.page(100, None, None)[0]] == ["busy.txt"]


def test_a_permanent_failure_is_never_retried_and_stays_until_dismissed(
    qtbot: QtBot, runner: TaskRunner, upload_one: Uploader, tmp_path: Path
) -> None:
    from assistant.documents import DocumentError, prepare

    def prepared_first(path: Path, token: CancelToken, report: Callable[[object], None], **kw: Any) -> Any:
        """As the app does: a file that cannot be prepared fails before anything is sent."""
        try:
            prepare(path, cache_dir=tmp_path / "cache")
        except DocumentError as exc:
            raise ApiFailure(FailureKind.LOCAL, exc.message, permanent=exc.permanent) from None
        return upload_one(path, token, report, **kw)

    empty, good = tmp_path / "empty.txt", tmp_path / "good.txt"
    empty.write_bytes(b"")
    good.write_text("Some words.\n", "utf-8")
    queue = UploadQueue(runner, prepared_first, concurrency=lambda: 1)
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([empty, good])
    failed, done = queue.jobs()
    assert failed.state is JobState.FAILED and failed.permanent and not failed.can_retry
    queue.retry_failed()
    queue.retry(failed.id)
    assert failed.state is JobState.FAILED, "a retry could only fail the same way"
    assert queue.clear_finished() == [done] and queue.jobs() == [failed], "Clear keeps failures"
    assert queue.needs_attention and not queue.busy

    empty.write_text("Now it has words.\n", "utf-8")
    with qtbot.waitSignal(queue.idle, timeout=WAIT):
        queue.add_paths([empty])  # added again: its new row takes the failed one's place
    (again,) = queue.jobs()
    assert again is not failed and again.state is JobState.DONE
    assert queue.dismiss([again.id]) == [again] and queue.jobs() == []
