"""The upload queue as people see it: ``UploadPanel``, under the files table.

A table with a progress bar per row (failures and PDFs waiting for "Split" listed first), Cancel /
Retry / Dismiss per file (click the action cell, press Delete or Enter on a row, or use the buttons),
the chosen row (or the first failure) in full underneath (``JobDetails``), and what a drop will add
above it (``IntakeBar``). The panel opens by itself on activity or a failure and folds away when
nothing is uploading and no failure is listed; ``summary_changed`` gives the one line the status bar
shows, and ``set_open`` is the person's own choice (the status bar's toggle, View ▸ Upload queue).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.controllers.uploads import JobState, QueueCounts, UploadJob, UploadQueue
from assistant.ui.upload_details import IntakeBar, JobDetails
from assistant.ui.upload_model import JOB_ROLE, ProgressDelegate, UploadJobsModel, action_for

__all__ = ["COLLAPSE_DELAY_MS", "UploadJobsModel", "UploadPanel", "action_for"]

MAX_ROWS_SHOWN = 5  # whole rows the queue asks room for (it scrolls past them)
ACTION_WORDS = ("Cancel", "Retry", "Dismiss", "Split into 99 parts")  # what action_for can say
ACTION_PADDING = 16  # the cell's margins on both sides
COLLAPSE_DELAY_MS = 1500  # the last upload's "uploaded" stays in sight this long before the queue folds


class UploadPanel(QWidget):
    open_changed = Signal(bool)  # the queue unfolded (True) or folded away (False)
    summary_changed = Signal(str, str, bool)  # one line for the status bar, its tooltip, a failure listed

    def __init__(self, queue: UploadQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("uploadPanel")
        self.queue = queue
        self.model = UploadJobsModel(queue, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("uploadSummary")
        self.title.setMinimumWidth(60)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title, 1)
        self.retry_button = self._button("Retry", "retryFailedButton", "Retry every upload that can work")
        self.retry_button.clicked.connect(queue.retry_failed)
        self.dismiss_button = self._button(
            "Dismiss failed", "dismissFailedButton", "Take every failure off the list, for good"
        )
        self.dismiss_button.clicked.connect(queue.dismiss_failed)
        self.cancel_button = self._button(
            "Cancel all", "cancelUploadsButton", "Cancel every upload in progress or waiting"
        )
        self.cancel_button.clicked.connect(queue.cancel_all)
        self.clear_button = self._button(
            "Clear", "clearUploadsButton", "Remove the uploaded files from this list (failures stay)"
        )
        self.clear_button.clicked.connect(queue.clear_finished)
        for b in (self.retry_button, self.dismiss_button, self.cancel_button, self.clear_button):
            top.addWidget(b)
        layout.addLayout(top)

        self.intake_bar = IntakeBar()
        self.intake_bar.accepted.connect(queue.accept_intake)
        self.intake_bar.cancelled.connect(queue.cancel_intake)
        layout.addWidget(self.intake_bar)

        self.view = QTableView()
        self.view.setObjectName("uploadTable")
        self.view.setAccessibleName("Uploads")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setMinimumHeight(60)
        self.view.setItemDelegateForColumn(UploadJobsModel.PROGRESS, ProgressDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(UploadJobsModel.FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(UploadJobsModel.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(UploadJobsModel.PROGRESS, 110)
        header.setSectionResizeMode(UploadJobsModel.STATE, QHeaderView.ResizeMode.Stretch)
        # A fixed width that fits every action's words: sized to contents, each new row would have the
        # header measure every row again (a folder's hundred new files: tens of ms on the GUI thread).
        header.setSectionResizeMode(UploadJobsModel.ACTION, QHeaderView.ResizeMode.Fixed)
        metrics = self.view.fontMetrics()
        header.resizeSection(
            UploadJobsModel.ACTION, max(metrics.horizontalAdvance(w) for w in ACTION_WORDS) + ACTION_PADDING
        )
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._act)
        remove = QAction("Cancel or dismiss", self.view)
        remove.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._remove_selected)
        self.view.addAction(remove)
        layout.addWidget(self.view, 1)

        self.details = JobDetails()
        self.details.retry.connect(queue.retry)
        self.details.dismiss.connect(lambda job_id: queue.dismiss([job_id]))
        self.details.show_in_folder.connect(_show_in_folder)
        layout.addWidget(self.details)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())

        self._open = False
        self._failures_seen = 0
        self._user_open: bool | None = None  # the person's own choice, until the next activity
        self.setVisible(False)
        self._fold_timer = QTimer(self)
        self._fold_timer.setSingleShot(True)
        self._fold_timer.setInterval(COLLAPSE_DELAY_MS)
        self._fold_timer.timeout.connect(self._fold_if_idle)
        # the summary line is refreshed at most every 100 ms, however fast the queue reports
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(100)
        self._refresh_timer.timeout.connect(self._refresh)
        queue.job_added.connect(self._activity)
        queue.job_changed.connect(self._schedule_refresh)
        queue.jobs_removed.connect(self._refresh)
        queue.intake_changed.connect(self._intake_changed)
        queue.idle.connect(self._idle)
        self.refresh()

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        return button

    # -- open or folded ------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._open

    def set_open(self, open_: bool) -> None:
        """The person opens or folds the queue (it opens again by itself on the next activity)."""
        self._user_open = open_
        self._fold_timer.stop()
        self._show(open_)

    def _show(self, open_: bool) -> None:
        if open_ == self._open:
            return
        self._open = open_
        self.setVisible(open_)
        self.open_changed.emit(open_)
        if open_:
            self._make_room()

    def wanted_height(self) -> int:
        """Room for the summary, the details or the drop's question, and a few whole rows (failures
        are listed first, so those are the ones seen)."""
        layout = self.layout()
        around = (layout.sizeHint().height() if layout is not None else 0) - self.view.sizeHint().height()
        rows = min(max(self.model.rowCount(), 3), MAX_ROWS_SHOWN)
        frame = 2 * self.view.frameWidth()
        table = self.view.horizontalHeader().height() + rows * self.view.verticalHeader().defaultSectionSize()
        return around + table + frame

    def _make_room(self) -> None:
        """Grow to ``wanted_height`` in the splitter it lives in (up to 60% of it), when it opens and
        when a new failure arrives; a height the person chose by dragging is kept otherwise."""
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter) or self.height() >= self.wanted_height():
            return
        sizes, mine = splitter.sizes(), splitter.indexOf(self)
        total = sum(sizes)
        want = min(self.wanted_height(), int(total * 0.6))
        rest = [n for i, n in enumerate(sizes) if i != mine]
        if want <= sizes[mine] or not rest or sum(rest) <= 0:
            return
        scale = (total - want) / sum(rest)
        splitter.setSizes([want if i == mine else int(n * scale) for i, n in enumerate(sizes)])

    def _follow(self) -> None:
        """Open on activity or a failure; fold a moment after everything is done."""
        want = self._user_open if self._user_open is not None else self.queue.needs_attention
        if want:
            self._fold_timer.stop()
            self._show(True)
        elif self._open and not self._fold_timer.isActive():
            if self._user_open is False:
                self._show(False)
            else:
                self._fold_timer.start()

    def _fold_if_idle(self) -> None:
        if self._user_open is None and not self.queue.needs_attention:
            self._show(False)

    def _activity(self, job: UploadJob) -> None:
        if not job.restored:
            self._user_open = None  # something new: the queue shows it, whatever was chosen before
        self._schedule_refresh()

    def _intake_changed(self) -> None:
        if self.queue.intake is not None:
            self._user_open = None
        self.intake_bar.show_intake(self.queue.intake)
        self._refresh()

    def _idle(self) -> None:
        self._user_open = None  # everything is done: failures keep it open, else it folds
        self._refresh()

    # -- rows ------------------------------------------------------------------------------------------
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
        elif action == "Dismiss":
            self.queue.dismiss([job.id])
        elif job.state is JobState.NEEDS_SPLIT:
            self.queue.split(job.id)

    def _remove_selected(self) -> None:
        """Delete on rows: cancels what is running or waiting, dismisses what has finished."""
        jobs = [self.model.job(index.row()) for index in self.view.selectionModel().selectedRows()]
        for job in jobs:
            self.queue.cancel(job.id)
        self.queue.dismiss(j.id for j in jobs if j.finished)

    def _show_details(self) -> None:
        """The chosen row in full; with none chosen, the first failure (failures are listed first)."""
        index = self.view.currentIndex()
        job = index.data(JOB_ROLE) if index.isValid() else None
        if not isinstance(job, UploadJob):
            first = self.model.job(0) if self.model.rowCount() else None
            job = first if first is not None and first.needs_attention else None
        self.details.show_job(job)

    def sizeHint(self) -> QSize:
        # the splitter lets people grow or shrink it; it asks for room again on a new failure
        return QSize(400, max(170, self.wanted_height()))

    def _schedule_refresh(self, job: object = None) -> None:
        """Progress is summed up at most every 100 ms; a start, an end or a failure is said at once."""
        if (not self._open and self.queue.needs_attention) or (isinstance(job, UploadJob) and job.finished):
            self._refresh_timer.stop()
            self._refresh()
        elif not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Say the summary again (and open or fold to match the queue)."""
        self._refresh()

    def _refresh(self, *_: object) -> None:
        jobs = self.queue.jobs()
        c = QueueCounts.of(jobs)
        earlier = sum(1 for j in jobs if j.restored and j.state is JobState.FAILED)
        now = QueueCounts.of([j for j in jobs if not j.restored])  # this run's uploads
        if c.total:
            parts = [f"Uploads: {now.done} of {now.total} done"] if now.total else []
            for n, word in ((now.active, "in progress"), (now.failed, "failed"), (now.to_split, "to split")):
                if n:
                    parts.append(f"{n} {word}")
            if earlier:  # remembered from an earlier run, not a batch that just failed
                parts.append(f"{earlier} failed in an earlier session, kept until you dismiss them")
            self.title.setText(" · ".join(parts))
        else:
            self.title.setText("No uploads yet: drop files or folders on the window, or use Upload… (Ctrl+O)")
        for button, shown in (
            (self.retry_button, c.retryable > 0),
            (self.dismiss_button, c.failed > 0),
            (self.cancel_button, c.active > 0),
            (self.clear_button, c.done > 0),
        ):
            button.setEnabled(shown)
            button.setVisible(shown)
        self._show_details()
        self.summary_changed.emit(*self._summary(c))
        self._follow()
        if c.failed > self._failures_seen and self._open:
            self._make_room()  # a new failure: its row and its reason both show
        self._failures_seen = c.failed

    def _summary(self, c: QueueCounts) -> tuple[str, str, bool]:
        """The status bar's line: "Uploading 3 of 12 · 1 failed", "12 uploaded · 1 failed"."""
        intake = self.queue.intake
        parts = []
        if c.active:
            parts.append(f"Uploading {c.total - c.active} of {c.total}")
        elif c.done:
            parts.append(f"{c.done} uploaded")
        for n, word in ((c.failed, "failed"), (c.to_split, "to split"), (c.cancelled, "cancelled")):
            if n:
                parts.append(f"{n} {word}")
        if intake is not None:
            parts.append("counting files…" if not intake.counted else f"{len(intake.files)} files to confirm")
        text = " · ".join(parts) if parts else "No uploads"
        tip = "Show or hide the upload queue"
        if c.failed:
            tip += f": {c.failed} failure{'s' if c.failed != 1 else ''} listed until you dismiss them"
        return text, tip, c.failed > 0


def _show_in_folder(path: object) -> None:
    from pathlib import Path

    from assistant.ui.open_at_page import show_in_folder

    if isinstance(path, Path):
        show_in_folder(path)
