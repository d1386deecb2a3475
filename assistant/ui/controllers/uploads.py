"""The upload queue: every dropped, pasted or chosen file, with its own state, cancel and retry.

``UploadQueue`` (no widgets) takes paths, walks folders in a worker, and runs at most
``concurrency()`` uploads at a time on the task runner. Each upload is ``upload_one(path, token,
report)`` (the composition root binds it to document preparation and ``FileService.upload``), which
reports ``UploadProgress`` through ``report`` and returns an ``UploadResult``; a result with
``reused=True`` means the same content was already uploaded and nothing was sent. A PDF over the page
limit of one request comes back as ``session.NeedsSplit`` (nothing sent): the job says so, and
``split(job_id)`` runs ``upload_one(path, token, report, split=True)`` (a list of results, one per
part). A file that cannot be prepared fails with its own message, before any byte is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.api.files import UploadProgress, UploadResult
from assistant.bridge import Task, TaskRunner
from assistant.catalog.identity import text_conversion
from assistant.ui.session import NeedsSplit

__all__ = ["FINISHED", "JobState", "UploadFn", "UploadJob", "UploadQueue", "walk_paths"]

Outcome = UploadResult | list[UploadResult] | NeedsSplit  # one file; a split PDF's parts; too many pages


class UploadFn(Protocol):
    """``ApiSession.upload_one``: prepare and upload one file, in a worker."""

    def __call__(
        self, path: Path, token: CancelToken, report: Callable[[object], None], *, split: bool = False
    ) -> Outcome: ...


class JobState(StrEnum):
    QUEUED = "waiting"
    PREPARING = "preparing"
    UPLOADING = "uploading"
    DONE = "uploaded"
    REUSED = "already uploaded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_SPLIT = "too many pages"


FINISHED = frozenset(
    {JobState.DONE, JobState.REUSED, JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_SPLIT}
)


@dataclass(eq=False)
class UploadJob:
    id: int
    path: Path
    state: JobState = JobState.QUEUED
    sent: int = 0
    total: int = 0
    message: str = ""
    result: Outcome | None = None
    task: Task[Any] | None = field(default=None, repr=False)
    split: bool = False  # the person chose "Split into N parts"
    split_parts: int = 0  # NEEDS_SPLIT: how many parts
    warnings: tuple[str, ...] = ()  # what the uploaded file's rows say (no text layer, renamed, ...)
    parts: tuple[str, ...] = ()  # the uploaded parts of a split PDF
    uploaded_as: str = ""  # the name it was uploaded under, when not the file's own (renamed)
    as_text: bool = False  # converted to text here (a Word file, an archive...): uploaded as its text

    @property
    def fraction(self) -> float:
        if self.state in (JobState.DONE, JobState.REUSED):
            return 1.0
        return 0.0 if self.total <= 0 else min(1.0, self.sent / self.total)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def state_text(self) -> str:
        text = self._outcome()
        if self.warnings and self.state in (JobState.DONE, JobState.REUSED):
            text = f"{text} · {self.warnings[0]}"
            if len(self.warnings) > 1:
                text += f" (+{len(self.warnings) - 1} more)"
        return text

    def _outcome(self) -> str:
        if self.state is JobState.REUSED:
            return "already uploaded — same content, not sent again"
        if self.state is JobState.FAILED:
            return f"failed: {self.message}"
        if self.state is JobState.NEEDS_SPLIT:
            return f"not sent: {self.message}"
        if self.state is JobState.DONE and self.parts:
            return f"uploaded in {len(self.parts)} parts: " + ", ".join(self.parts)
        if self.state is JobState.DONE and self.as_text:
            return "converted to text on this computer and uploaded"
        if self.state is JobState.DONE and self.uploaded_as:
            return f"uploaded as {self.uploaded_as}"
        return str(self.state)

    @property
    def tooltip(self) -> str:
        lines = [self._outcome()]
        if self.parts:
            lines += [f"• {name}" for name in self.parts]
        lines += [f"⚠ {w}" for w in self.warnings]
        return "\n".join(lines)


def walk_paths(paths: Iterable[Path]) -> list[Path]:
    """Files under ``paths``: folders walked recursively (the documents layer's ``walk``)."""
    from assistant.documents import walk

    return [Path(p) for p in walk(list(paths))]


class UploadQueue(QObject):
    job_added = Signal(object)  # UploadJob
    job_changed = Signal(object)  # UploadJob
    uploaded = Signal(object, object)  # (UploadResult, UploadJob), for DONE and REUSED
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
        self._walking = 0

    # -- input --------------------------------------------------------------------------------------
    def set_uploader(self, upload_one: UploadFn | None) -> None:
        """Bind (or unbind) the upload function, e.g. once the API key is known; waiting jobs start."""
        self._upload_one = upload_one
        self._pump()

    def add_paths(self, paths: Sequence[Path]) -> None:
        """Queue these files and the files under these folders (walked in a worker)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        if all(p.is_file() for p in paths):  # a few stat calls; folders go to a worker
            self._add_files(paths)
            return
        self._walking += 1
        self._runner.run(
            lambda _tok: walk_paths(paths),
            on_result=self._add_files,
            on_ended=self._walk_ended,
            name="walk-dropped-folders",
        )

    def _walk_ended(self) -> None:
        self._walking -= 1
        self._check_idle()

    def _add_files(self, files: Sequence[Path]) -> None:
        for path in files:
            job = UploadJob(self._next_id, path)
            self._next_id += 1
            self._jobs.append(job)
            self.job_added.emit(job)
        self._pump()

    # -- control ------------------------------------------------------------------------------------
    def jobs(self) -> list[UploadJob]:
        return list(self._jobs)

    def job(self, job_id: int) -> UploadJob | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    @property
    def busy(self) -> bool:
        return self._walking > 0 or any(not j.finished for j in self._jobs)

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
        for job in list(self._jobs):
            self.cancel(job.id)

    def retry(self, job_id: int) -> None:
        job = self.job(job_id)
        if job is None or job.state not in (JobState.FAILED, JobState.CANCELLED):
            return
        job.sent = job.total = 0
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
        for job in self._jobs:
            if job.state in (JobState.FAILED, JobState.CANCELLED):
                self.retry(job.id)

    def clear_finished(self) -> list[UploadJob]:
        gone = [j for j in self._jobs if j.state in (JobState.DONE, JobState.REUSED)]
        self._jobs = [j for j in self._jobs if j not in gone]
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
        for job in self._jobs:
            if self._running() >= limit or self._preparing():
                break
            if job.state is JobState.QUEUED and job.task is None:
                self._start(job)

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
        self._set(job, JobState.FAILED, message=failure.message)

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
