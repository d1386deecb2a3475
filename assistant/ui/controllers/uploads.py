"""The upload queue: every dropped, pasted or chosen file, with its own state, cancel and retry.

``UploadQueue`` (no widgets) takes paths, walks folders in a worker, and runs at most
``concurrency()`` uploads at a time on the task runner. Each upload is ``upload_one(path, token,
report)`` (the composition root binds it to document preparation and ``FileService.upload``), which
reports ``UploadProgress`` through ``report`` and returns an ``UploadResult``; a result with
``reused=True`` means the same content was already uploaded and nothing was sent. A PDF over the page
limit of one request comes back as ``session.NeedsSplit`` (nothing sent): the job says so, and
``split(job_id)`` runs ``upload_one(path, token, report, split=True)`` (a list of results, one per
part). A file that cannot be prepared fails with its own message, before any byte is sent; a failure
that cannot go otherwise next time (``ApiFailure.permanent``: empty, password-protected, over a limit)
is never retried. Failures stay until dismissed (``dismiss``, ``dismiss_failed``); ``restore_failures``
lists those of an earlier run again.

A drop of folders, or of more than ``BIG_DROP`` files, is an ``Intake``: counted in a worker (files and
bytes); past ``BIG_DROP`` files it waits for ``accept_intake()`` (or ``cancel_intake()``) before any
file is queued, so a folder dropped by mistake sends nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.api.files import UploadProgress
from assistant.bridge import Task, TaskRunner
from assistant.catalog import UploadFailure
from assistant.catalog.identity import text_conversion
from assistant.ui.controllers.upload_jobs import (
    FINISHED,
    Intake,
    JobState,
    Outcome,
    QueueCounts,
    UploadFn,
    UploadJob,
)
from assistant.ui.session import NeedsSplit

__all__ = [
    "BIG_DROP",
    "FINISHED",
    "Intake",
    "JobState",
    "QueueCounts",
    "UploadFn",
    "UploadJob",
    "UploadQueue",
    "survey",
    "walk_paths",
]

BIG_DROP = 50  # more files than this in one drop: say how many (and how big) and wait for a yes


def walk_paths(paths: Iterable[Path]) -> list[Path]:
    """Files under ``paths``: folders walked recursively (the documents layer's ``walk``)."""
    from assistant.documents import walk

    return [Path(p) for p in walk(list(paths))]


def survey(paths: Sequence[Path], token: CancelToken) -> tuple[list[Path], int, str]:
    """The files under ``paths``, their total size in bytes, and what was dropped in a few words.
    Runs in a worker."""
    files = walk_paths(paths)
    total = 0
    for path in files:
        token.raise_if_cancelled()
        with contextlib.suppress(OSError):  # preparing it will say what is wrong
            total += os.stat(path).st_size
    return files, total, drop_label(paths)


def drop_label(paths: Sequence[Path]) -> str:
    """What was dropped, in a few words: “docs”, or “2 folders and 3 files” (a stat call each)."""
    if len(paths) == 1:
        return f"“{paths[0].name or paths[0]}”"
    folders = sum(1 for p in paths if p.is_dir())
    files = len(paths) - folders
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((folders, "folder"), (files, "file")) if n]
    return " and ".join(parts)


class UploadQueue(QObject):
    job_added = Signal(object)  # UploadJob
    job_changed = Signal(object)  # UploadJob
    jobs_removed = Signal(object)  # list[UploadJob]: cleared or dismissed
    failed = Signal(object)  # UploadJob, just failed (the catalog remembers it)
    uploaded = Signal(object, object)  # (UploadResult, UploadJob), for DONE and REUSED
    intake_changed = Signal()  # a drop is being counted, waits for a yes, or is gone
    idle = Signal()  # nothing running or waiting

    def __init__(
        self,
        runner: TaskRunner,
        upload_one: UploadFn | None = None,
        concurrency: Callable[[], int] = lambda: 3,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._upload_one = upload_one
        self._concurrency = concurrency
        self._jobs: list[UploadJob] = []
        self._next_id = 1
        self._intakes: list[Intake] = []

    # -- input --------------------------------------------------------------------------------------
    def set_uploader(self, upload_one: UploadFn | None) -> None:
        """Bind (or unbind) the upload function, e.g. once the API key is known; waiting jobs start."""
        self._upload_one = upload_one
        self._pump()

    def add_paths(self, paths: Sequence[Path]) -> None:
        """Queue these files and the files under these folders (counted in a worker)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        if len(paths) <= BIG_DROP and all(p.is_file() for p in paths):  # a few stat calls
            self._add_files(paths)
            return
        label = f"“{paths[0].name or paths[0]}”" if len(paths) == 1 else f"{len(paths)} dropped items"
        intake = Intake(self._new_id(), label)
        self._intakes.append(intake)
        intake.task = self._runner.run(
            lambda token: survey(paths, token),
            on_result=lambda found: self._counted(intake, *found),
            on_ended=lambda: self._count_ended(intake),
            name="count-dropped-files",
        )
        self.intake_changed.emit()

    @property
    def intake(self) -> Intake | None:
        """The drop being counted or waiting for a yes (the first, when there are several)."""
        return self._intakes[0] if self._intakes else None

    def _counted(self, intake: Intake, files: list[Path], total: int, label: str) -> None:
        intake.files, intake.total_bytes, intake.label, intake.counted = tuple(files), total, label, True
        if len(files) <= BIG_DROP and intake in self._intakes:
            self._intakes.remove(intake)
            self._add_files(files)
        self.intake_changed.emit()

    def _count_ended(self, intake: Intake) -> None:
        intake.task = None
        if not intake.counted and intake in self._intakes:  # cancelled or failed: nothing to add
            self._intakes.remove(intake)
            self.intake_changed.emit()
        self._check_idle()

    def accept_intake(self) -> None:
        """Queue the counted drop that waited for a yes."""
        intake = self.intake
        if intake is not None and intake.counted:
            self._intakes.remove(intake)
            self._add_files(intake.files)
            self.intake_changed.emit()

    def cancel_intake(self) -> None:
        """Add nothing of the drop being counted or waiting for a yes."""
        intake = self.intake
        if intake is None:
            return
        self._intakes.remove(intake)
        if intake.task is not None:
            intake.task.cancel()
        self.intake_changed.emit()
        self._check_idle()

    def add_files(self, files: Sequence[Path]) -> None:
        """Queue exactly these files, without counting or asking (a watched folder's new files: linking
        the folder was the yes); a file already waiting or being sent is not queued twice."""
        busy = {j.path for j in self._jobs if not j.finished}
        self._add_files([Path(p) for p in dict.fromkeys(files) if Path(p) not in busy])

    def _add_files(self, files: Sequence[Path]) -> None:
        again = {Path(p) for p in files}
        # a file added again takes the place of its failed or cancelled row
        self._remove([j for j in self._jobs if j.path in again and j.state in _RETRIED_BY_ADDING])
        for path in files:
            job = UploadJob(self._new_id(), path)
            self._jobs.append(job)
            self.job_added.emit(job)
        self._pump()

    def restore_failures(self, failures: Sequence[UploadFailure]) -> None:
        """List again the failures an earlier run left (those not already in the queue)."""
        listed = {j.path for j in self._jobs}
        for failure in failures:
            path = Path(failure.path)
            if path in listed:
                continue
            job = UploadJob(
                self._new_id(),
                path,
                JobState.FAILED,
                message=failure.message,
                permanent=failure.permanent,
                failed_at=failure.failed_at,
                restored=True,
            )
            self._jobs.append(job)
            self.job_added.emit(job)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # -- control ------------------------------------------------------------------------------------
    def jobs(self) -> list[UploadJob]:
        return list(self._jobs)

    def job(self, job_id: int) -> UploadJob | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    @property
    def busy(self) -> bool:
        return any(i.task is not None for i in self._intakes) or any(not j.finished for j in self._jobs)

    @property
    def needs_attention(self) -> bool:
        """Something to show: uploads under way, a drop to count or confirm, a failure listed."""
        return self.busy or bool(self._intakes) or any(j.needs_attention for j in self._jobs)

    def cancel(self, job_id: int) -> None:
        job = self.job(job_id)
        if job is None or job.finished:
            return
        if job.task is not None:
            job.task.cancel()  # the worker stops mid-body; state follows on the cancelled signal
        else:
            self._set(job, JobState.CANCELLED, message="")
            self._check_idle()

    def cancel_all(self) -> None:
        for intake in list(self._intakes):
            if intake.task is not None:
                intake.task.cancel()
        for job in list(self._jobs):
            self.cancel(job.id)

    def retry(self, job_id: int) -> None:
        job = self.job(job_id)
        if job is None or not job.can_retry:
            return
        job.sent = job.total = 0
        job.restored = False
        self._set(job, JobState.QUEUED, message="")
        self._pump()

    def split(self, job_id: int) -> None:
        """Upload a PDF that has too many pages for one request as parts (the row's offer)."""
        job = self.job(job_id)
        if job is None or job.state is not JobState.NEEDS_SPLIT:
            return
        job.split = True
        job.sent = job.total = 0
        self._set(job, JobState.QUEUED, message="")
        self._pump()

    def retry_failed(self) -> None:
        """Retry every failed or cancelled upload that can work (never a permanent failure)."""
        for job in self._jobs:
            if job.can_retry:
                self.retry(job.id)

    def dismiss(self, job_ids: Iterable[int]) -> list[UploadJob]:
        """Take these finished rows off the list (a failure is forgotten for good)."""
        ids = set(job_ids)
        return self._remove([j for j in self._jobs if j.id in ids and j.finished])

    def dismiss_failed(self) -> list[UploadJob]:
        return self._remove([j for j in self._jobs if j.state is JobState.FAILED])

    def clear_finished(self) -> list[UploadJob]:
        """Take the uploaded rows off the list (failures stay until dismissed)."""
        return self._remove([j for j in self._jobs if j.state in (JobState.DONE, JobState.REUSED)])

    def _remove(self, gone: list[UploadJob]) -> list[UploadJob]:
        if gone:
            ids = {j.id for j in gone}
            self._jobs = [j for j in self._jobs if j.id not in ids]
            self.jobs_removed.emit(gone)
        return gone

    # -- running ------------------------------------------------------------------------------------
    def _running(self) -> int:
        return sum(1 for j in self._jobs if j.task is not None)

    def _pump(self) -> None:
        """Start waiting jobs, up to the concurrency; but only one at a time may be preparing (reading,
        converting, hashing: CPU work), so parallel uploads overlap on the network, not on the CPU the
        GUI thread needs."""
        if self._upload_one is None:
            return
        limit = max(1, int(self._concurrency()))
        if self._running() >= limit or self._preparing():
            return
        # one pass (a folder's 2,000 waiting files: not two passes over every job for each job)
        waiting = next((j for j in self._jobs if j.state is JobState.QUEUED and j.task is None), None)
        if waiting is not None:
            self._start(waiting)  # it is preparing now: the next starts when its CPU part is done

    def _preparing(self) -> bool:
        return any(j.task is not None and j.state is JobState.PREPARING for j in self._jobs)

    def _start(self, job: UploadJob) -> None:
        upload_one = self._upload_one
        assert upload_one is not None
        path = job.path
        if job.split:
            task: Task[Any] = self._runner.task(
                lambda token: upload_one(path, token, task.report, split=True), name=f"split {path.name}"
            )
        else:
            task = self._runner.task(
                lambda token: upload_one(path, token, task.report), name=f"upload {path.name}"
            )
        job.task = task
        task.signals.progress.connect(lambda p, j=job: self._progress(j, p))
        task.signals.result.connect(lambda r, j=job: self._done(j, r))
        task.signals.failed.connect(lambda f, j=job: self._failed(j, f))
        task.signals.cancelled.connect(lambda j=job: self._set(j, JobState.CANCELLED, message=""))
        task.signals.ended.connect(lambda j=job: self._ended(j))
        self._set(job, JobState.PREPARING)
        task.start()

    def _progress(self, job: UploadJob, progress: UploadProgress) -> None:
        if job.finished:
            return
        job.sent, job.total = progress.sent, progress.total
        was_preparing = job.state is JobState.PREPARING
        self._set(job, JobState.UPLOADING)
        if was_preparing:
            self._pump()  # its CPU part is done: the next one may start preparing

    def _done(self, job: UploadJob, result: Outcome) -> None:
        job.result = result
        if isinstance(result, NeedsSplit):  # nothing sent
            job.split_parts = result.parts
            self._set(job, JobState.NEEDS_SPLIT, message=result.message)
            return
        results = result if isinstance(result, list) else [result]  # a split PDF: one per part
        reused = bool(results) and all(r.reused for r in results)
        records = [r.record for r in results]
        job.warnings = tuple(dict.fromkeys(w for record in records for w in record.warnings))
        if isinstance(result, list):
            job.parts = tuple(r.filename for r in records)
        elif records and text_conversion(records[0]) is not None:
            job.as_text = True
        elif records and records[0].filename != job.path.name:
            job.uploaded_as = records[0].filename
        self._set(job, JobState.REUSED if reused else JobState.DONE, message="")
        self.uploaded.emit(result, job)

    def _failed(self, job: UploadJob, failure: ApiFailure) -> None:
        job.permanent = failure.permanent
        job.failed_at = datetime.now(UTC)
        self._set(job, JobState.FAILED, message=failure.message)
        self.failed.emit(job)

    def _ended(self, job: UploadJob) -> None:
        job.task = None
        self._pump()
        self._check_idle()

    def _check_idle(self) -> None:
        if not self.busy:
            self.idle.emit()

    def _set(self, job: UploadJob, state: JobState, message: str | None = None) -> None:
        job.state = state
        if message is not None:
            job.message = message
        self.job_changed.emit(job)


_RETRIED_BY_ADDING = frozenset({JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_SPLIT})
