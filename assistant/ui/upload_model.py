"""The upload queue's table model: ``UploadJobsModel`` shows the jobs of ``controllers.uploads.UploadQueue``
(file, progress, state, action), failures and PDFs waiting for "Split" first, so none of them ends up
below a long list of finished rows; ``action_for`` is what a row's action cell offers.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from assistant.catalog.rules import shown_name, warnings_of
from assistant.ui.controllers.uploads import JobState, UploadJob, UploadQueue
from assistant.ui.files_model import fill_role_span
from assistant.ui.theme import warning_icon

__all__ = ["JOB_ROLE", "ProgressDelegate", "UploadJobsModel", "action_for", "wrapped_tip"]

_Index = QModelIndex | QPersistentModelIndex
JOB_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def wrapped_tip(text: str) -> str:
    """A tooltip that wraps (rich text does, at a readable width) instead of running off the screen."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def _key(job: UploadJob) -> tuple[int, int]:
    return (0 if job.needs_attention else 1, job.id)


class UploadJobsModel(QAbstractTableModel):
    FILE, PROGRESS, STATE, ACTION = range(4)
    HEADERS = ("File", "Progress", "State", "")

    def __init__(self, queue: UploadQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._jobs: list[UploadJob] = []  # sorted by ``_key``: what needs attention first, then in order
        self._row_of: dict[int, int] = {}
        self._first: set[int] = set()  # the ids of the jobs in the first block
        queue.job_added.connect(self._added)
        queue.job_changed.connect(self._changed)
        queue.jobs_removed.connect(self._removed)
        for job in queue.jobs():
            self._added(job)

    def _reindex(self) -> None:
        self._row_of = {j.id: i for i, j in enumerate(self._jobs)}

    def _position(self, job: UploadJob) -> int:
        return bisect_left([_key(j) for j in self._jobs], _key(job))

    def _added(self, job: UploadJob) -> None:
        row = len(self._jobs) if not job.needs_attention else self._position(job)
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.insert(row, job)
        self.endInsertRows()
        if job.needs_attention:
            self._first.add(job.id)
        if row == len(self._jobs) - 1:
            self._row_of[job.id] = row  # appended (a folder's 2,000 new files: no pass over every row each)
        else:
            self._reindex()

    def _changed(self, job: UploadJob) -> None:
        row = self._row_of.get(job.id)
        if row is None:
            return
        if job.needs_attention != (job.id in self._first):  # it joins or leaves the first block
            self._first.symmetric_difference_update({job.id})
            del self._jobs[row]
            target = self._position(job)
            self._jobs.insert(row, job)
            if target != row:
                to = target if target < row else target + 1  # before which row, counted before the move
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to)
                del self._jobs[row]
                self._jobs.insert(target, job)
                self.endMoveRows()
                self._reindex()
                row = target
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _removed(self, jobs: list[UploadJob]) -> None:
        rows = sorted((self._row_of[j.id] for j in jobs if j.id in self._row_of), reverse=True)
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._first.discard(self._jobs[row].id)
            del self._jobs[row]
            self.endRemoveRows()
        self._reindex()

    def job(self, row: int) -> UploadJob:
        return self._jobs[row]

    def row_of(self, job: UploadJob) -> int | None:
        return self._row_of.get(job.id)

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
                return shown_name(job.path.name)
            if col == self.PROGRESS:
                return f"{round(job.fraction * 100)} %"
            if col == self.STATE:
                return job.state_text
            if col == self.ACTION:
                return action_for(job)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.FILE:
                return wrapped_tip(shown_name(str(job.path)))
            if col == self.STATE:
                return wrapped_tip(job.tooltip)
            if col == self.ACTION and action_for(job):
                if job.state is JobState.NEEDS_SPLIT:
                    return f"Upload {job.path.name} as {job.split_parts} PDFs of fewer pages"
                if action_for(job) == "Dismiss":
                    return "Take this failure off the list (it cannot work as the file is)"
                return f"{action_for(job)} this upload"
        if role == Qt.ItemDataRole.DecorationRole and col == self.STATE and _warns(job):
            return warning_icon()
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION and action_for(job):
            return QApplication.palette().link()
        return None


def _warns(job: UploadJob) -> bool:
    return job.state is JobState.FAILED or (
        bool(warnings_of(job.warnings)) and job.state in (JobState.DONE, JobState.REUSED)
    )


def action_for(job: UploadJob) -> str:
    """What the row's action cell offers: Retry only where it can work, else Dismiss."""
    if job.state is JobState.NEEDS_SPLIT:
        return f"Split into {job.split_parts} parts"
    if job.state in (JobState.QUEUED, JobState.PREPARING, JobState.UPLOADING):
        return "Cancel"
    if job.can_retry:
        return "Retry"
    if job.state is JobState.FAILED:
        return "Dismiss"
    return ""


class ProgressDelegate(QStyledItemDelegate):
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
