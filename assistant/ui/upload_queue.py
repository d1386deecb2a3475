"""The upload queue's view: ``UploadJobsModel`` shows the jobs of ``controllers.uploads.UploadQueue``
(file, progress, state, action); ``UploadPanel`` is the widget: a table with a progress bar per row, and
Cancel / Retry per file (click the action cell, press Delete / Enter on a row, or use the buttons).
"""

from __future__ import annotations

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

from assistant.catalog.rules import shown_name
from assistant.ui.controllers.uploads import JobState, UploadJob, UploadQueue
from assistant.ui.files_model import fill_role_span
from assistant.ui.theme import warning_icon

__all__ = ["UploadJobsModel", "UploadPanel"]

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
                return shown_name(job.path.name)
            if col == self.PROGRESS:
                return f"{round(job.fraction * 100)} %"
            if col == self.STATE:
                return job.state_text
            if col == self.ACTION:
                return action_for(job)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.FILE:
                return shown_name(str(job.path))
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
            return warning_icon()
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION and action_for(job):
            return QApplication.palette().link()
        return None


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
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
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
