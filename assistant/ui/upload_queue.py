"""The upload queue: every dropped, pasted or chosen file, with its own progress, state, cancel and retry.

``UploadQueue`` (no widgets) takes paths, walks folders in a worker, and runs at most
``concurrency()`` uploads at a time on the task runner. Each upload is ``upload_one(path, token,
report)`` (the composition root binds it to document preparation and ``FileService.upload``), which
reports ``UploadProgress`` through ``report`` and returns an ``UploadResult``; a result with
``reused=True`` means the same content was already uploaded and nothing was sent. A PDF over the page
limit of one request comes back as ``session.NeedsSplit`` (nothing sent): the row says so and offers
"Split into N parts", which runs ``upload_one(path, token, report, split=True)`` (a list of results,
one per part, listed in the row). A file's warnings (no text layer, renamed, converted) are said in its
row; a file that cannot be prepared fails with its own message, before any byte is sent.

``UploadJobsModel`` shows the jobs (file, progress, state, action); ``UploadPanel`` is the widget:
a table with a progress bar per row, and Cancel / Retry per file (click the action cell, press
Delete / Enter on a row, or use the buttons).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assistant.api.errors import ApiFailure
from assistant.bridge import Task, TaskRunner
from assistant.ui.files_model import fill_role_span

__all__ = ["JobState", "UploadJob", "UploadJobsModel", "UploadPanel", "UploadQueue", "walk_paths"]

UploadFn = Callable[..., Any]  # (path, token, report) -> result; also called with split=True


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
    result: Any = None
    task: Task[Any] | None = field(default=None, repr=False)
    split: bool = False  # the person chose "Split into N parts"
    split_parts: int = 0  # NEEDS_SPLIT: how many parts
    warnings: tuple[str, ...] = ()  # what the uploaded file's rows say (no text layer, renamed, ...)
    parts: tuple[str, ...] = ()  # the uploaded parts of a split PDF
    uploaded_as: str = ""  # the name it was uploaded under, when not the file's own (converted, renamed)

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

    def _progress(self, job: UploadJob, progress: Any) -> None:
        if job.finished:
            return
        job.sent = int(getattr(progress, "sent", 0))
        job.total = int(getattr(progress, "total", 0))
        was_preparing = job.state is JobState.PREPARING
        self._set(job, JobState.UPLOADING)
        if was_preparing:
            self._pump()  # its CPU part is done: the next one may start preparing

    def _done(self, job: UploadJob, result: Any) -> None:
        job.result = result
        parts = getattr(result, "parts", None)
        if isinstance(parts, int) and not isinstance(result, list):  # session.NeedsSplit: nothing sent
            job.split_parts = parts
            self._set(job, JobState.NEEDS_SPLIT, message=str(getattr(result, "message", "")))
            return
        results = result if isinstance(result, list) else [result]  # a split PDF: one per part
        reused = bool(results) and all(getattr(r, "reused", False) for r in results)
        records = [getattr(r, "record", None) for r in results]
        warnings: dict[str, None] = {}
        for record in records:
            for warning in getattr(record, "warnings", ()) or ():
                warnings[str(warning)] = None
        job.warnings = tuple(warnings)
        if isinstance(result, list):
            job.parts = tuple(str(r.filename) for r in records if r is not None)
        elif records and records[0] is not None and str(records[0].filename) != job.path.name:
            job.uploaded_as = str(records[0].filename)
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


# ---------------------------------------------------------------------------------------------- view

_Index = QModelIndex | QPersistentModelIndex
JOB_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class UploadJobsModel(QAbstractTableModel):
    FILE, PROGRESS, STATE, ACTION = range(4)
    HEADERS = ("File", "Progress", "State", "")

    def __init__(self, queue: UploadQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._jobs: list[UploadJob] = []
        self._row_of: dict[int, int] = {}
        queue.job_added.connect(self._added)
        queue.job_changed.connect(self._changed)

    def _added(self, job: UploadJob) -> None:
        row = len(self._jobs)
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.append(job)
        self._row_of[job.id] = row
        self.endInsertRows()

    def _changed(self, job: UploadJob) -> None:
        row = self._row_of.get(job.id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def clear_finished(self) -> None:
        self._queue.clear_finished()
        self.beginResetModel()
        self._jobs = self._queue.jobs()
        self._row_of = {j.id: i for i, j in enumerate(self._jobs)}
        self.endResetModel()

    def job(self, row: int) -> UploadJob:
        return self._jobs[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        return self._value(self._jobs[index.row()], index.column(), int(role))

    def multiData(self, index: _Index, roleDataSpan: Any) -> None:
        """All roles of a cell in one call (see ``FilesModel.multiData``)."""
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return
        job = self._jobs[index.row()]
        col = index.column()
        fill_role_span(roleDataSpan, lambda role: self._value(job, col, role))

    def _value(self, job: UploadJob, col: int, role: int) -> Any:
        if role == JOB_ROLE:
            return job
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.FILE:
                return job.path.name
            if col == self.PROGRESS:
                return f"{round(job.fraction * 100)} %"
            if col == self.STATE:
                return job.state_text
            if col == self.ACTION:
                return action_for(job)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.FILE:
                return str(job.path)
            if col == self.STATE:
                return job.tooltip
            if col == self.ACTION and action_for(job):
                if job.state is JobState.NEEDS_SPLIT:
                    return f"Upload {job.path.name} as {job.split_parts} PDFs of fewer pages"
                return f"{action_for(job)} this upload"
        if (
            role == Qt.ItemDataRole.DecorationRole
            and col == self.STATE
            and job.warnings
            and job.state
            in (
                JobState.DONE,
                JobState.REUSED,
            )
        ):
            return _warning_icon()
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION and action_for(job):
            return QApplication.palette().link()
        return None


def _warning_icon() -> Any:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def action_for(job: UploadJob) -> str:
    if job.state is JobState.NEEDS_SPLIT:
        return f"Split into {job.split_parts} parts"
    if job.state in (JobState.QUEUED, JobState.PREPARING, JobState.UPLOADING):
        return "Cancel"
    if job.state in (JobState.FAILED, JobState.CANCELLED):
        return "Retry"
    return ""


class _ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        job = index.data(JOB_ROLE)
        if not isinstance(job, UploadJob):
            super().paint(painter, option, index)
            return
        if job.state in (JobState.FAILED, JobState.NEEDS_SPLIT) and job.sent == 0:
            return  # nothing was sent: no bar stuck at 0 % beside the message
        bar = QStyleOptionProgressBar()
        rect = QRect(option.rect)
        bar.rect = rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = round(job.fraction * 1000)
        bar.text = f"{round(job.fraction * 100)} %"
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        style = QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class UploadPanel(QWidget):
    """The queue as people see it; hidden while empty."""

    def __init__(self, queue: UploadQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("uploadPanel")
        self.queue = queue
        self.model = UploadJobsModel(queue, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("uploadSummary")
        self.title.setMinimumWidth(60)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title, 1)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryFailedButton")
        self.retry_button.clicked.connect(queue.retry_failed)
        self.cancel_button = QPushButton("Cancel all")
        self.cancel_button.setObjectName("cancelUploadsButton")
        self.cancel_button.setToolTip("Cancel every upload in progress or waiting")
        self.cancel_button.clicked.connect(queue.cancel_all)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clearUploadsButton")
        self.clear_button.clicked.connect(self._clear)
        self.retry_button.setToolTip("Retry every failed or cancelled upload")
        self.clear_button.setToolTip("Remove finished uploads from this list")
        for b in (self.retry_button, self.cancel_button, self.clear_button):
            b.setAccessibleName(b.toolTip() or b.text())
            top.addWidget(b)
        layout.addLayout(top)

        self.view = QTableView()
        self.view.setObjectName("uploadTable")
        self.view.setAccessibleName("Uploads")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setItemDelegateForColumn(UploadJobsModel.PROGRESS, _ProgressDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(UploadJobsModel.FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(UploadJobsModel.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(UploadJobsModel.PROGRESS, 110)
        header.setSectionResizeMode(UploadJobsModel.STATE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(UploadJobsModel.ACTION, QHeaderView.ResizeMode.ResizeToContents)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._act)
        cancel = QAction("Cancel upload", self.view)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        cancel.triggered.connect(self._cancel_selected)
        self.view.addAction(cancel)
        layout.addWidget(self.view)

        # the summary line is refreshed at most every 100 ms, however fast the queue reports
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(100)
        self._refresh_timer.timeout.connect(self._refresh)
        queue.job_added.connect(self._schedule_refresh)
        queue.job_changed.connect(self._schedule_refresh)
        queue.idle.connect(self._refresh)
        self._refresh()

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == UploadJobsModel.ACTION:
            self._act(index)

    def _act(self, index: QModelIndex) -> None:
        job = self.model.job(index.row())
        action = action_for(job)
        if action == "Cancel":
            self.queue.cancel(job.id)
        elif action == "Retry":
            self.queue.retry(job.id)
        elif job.state is JobState.NEEDS_SPLIT:
            self.queue.split(job.id)

    def _cancel_selected(self) -> None:
        for index in self.view.selectionModel().selectedRows():
            self.queue.cancel(self.model.job(index.row()).id)

    def _clear(self) -> None:
        self.model.clear_finished()
        self._refresh()

    def sizeHint(self) -> QSize:
        # a short strip under the files table when it first appears; the splitter lets people grow it
        return QSize(400, 170)

    def _schedule_refresh(self, *_: object) -> None:
        if not self.isVisible() and self.queue.jobs():
            self._refresh()  # show the panel at once when the first job arrives
        elif not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh(self, *_: object) -> None:
        jobs = self.queue.jobs()
        self.setVisible(bool(jobs))
        done = sum(1 for j in jobs if j.state in (JobState.DONE, JobState.REUSED))
        failed = sum(1 for j in jobs if j.state is JobState.FAILED)
        active = sum(1 for j in jobs if not j.finished)
        parts = [f"Uploads: {done} of {len(jobs)} done"]
        if active:
            parts.append(f"{active} in progress")
        if failed:
            parts.append(f"{failed} failed")
        waiting = sum(1 for j in jobs if j.state is JobState.NEEDS_SPLIT)
        if waiting:
            parts.append(f"{waiting} to split")
        self.title.setText(" · ".join(parts))
        self.retry_button.setEnabled(any(j.state in (JobState.FAILED, JobState.CANCELLED) for j in jobs))
        self.cancel_button.setEnabled(active > 0)
        self.clear_button.setEnabled(done > 0)
