"""The parts of the upload queue under and above its table: ``JobDetails`` shows one row's whole text
(a failure's full reason, wrapped and selectable, with Retry only where it can work, Dismiss, Show in
folder and Copy); ``IntakeBar`` says what a drop will add ("Upload 500 files (1.2 GB) from “docs”?")
while it is counted or waits for a yes."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog.rules import shown_name
from assistant.ui.controllers.uploads import Intake, JobState, UploadJob
from assistant.ui.formatting import format_size

__all__ = ["FitText", "IntakeBar", "JobDetails"]

MAX_LINES = 12  # past this a reason scrolls (the queue would leave the files no room)


class FitText(QTextEdit):
    """Read-only text that wraps (long paths too) and grows to show all of it, up to ``MAX_LINES``
    lines; past that it scrolls. Selectable, so it can be copied."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(2)
        self.document().contentsChanged.connect(self._fit)

    def _fit(self) -> None:
        doc = self.document()
        doc.setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        needed, most = int(doc.size().height()) + 2, line * MAX_LINES + 6
        height = min(needed, most)
        self.setVerticalScrollBarPolicy(  # only a reason longer than the most it shows scrolls
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if needed > most else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        margins = self.contentsMargins()
        self.setFixedHeight(max(line + 6, height) + margins.top() + margins.bottom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.height())

    @property
    def shows_everything(self) -> bool:
        """All of the text fits: nothing is cut off or scrolled away."""
        self.document().setTextWidth(self.viewport().width())
        return self.document().size().height() <= self.viewport().height() + 1


class JobDetails(QFrame):
    """One row of the queue in full: the row chosen, or the first failure when none is."""

    retry = Signal(int)  # job id
    dismiss = Signal(int)
    show_in_folder = Signal(object)  # Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("uploadDetails")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.job: UploadJob | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.text = FitText()
        self.text.setObjectName("uploadDetailsText")
        self.text.setAccessibleName("What happened to this upload")
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.retry_button = self._button("Retry", "detailsRetryButton", "Send this file again", buttons)
        self.dismiss_button = self._button(
            "Dismiss", "detailsDismissButton", "Take this row off the list (for good)", buttons
        )
        self.folder_button = self._button(
            "Show in folder", "detailsFolderButton", "Open the folder that holds this file", buttons
        )
        self.copy_button = self._button("Copy", "detailsCopyButton", "Copy this text", buttons)
        layout.addLayout(buttons)
        self.retry_button.clicked.connect(lambda: self._emit(self.retry))
        self.dismiss_button.clicked.connect(lambda: self._emit(self.dismiss))
        self.folder_button.clicked.connect(lambda: self._emit(self.show_in_folder, path=True))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        self.show_job(None)

    def _emit(self, signal: SignalInstance, *, path: bool = False) -> None:
        if self.job is not None:
            signal.emit(self.job.path if path else self.job.id)

    def _button(self, text: str, name: str, tip: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        row.addWidget(button)
        return button

    def show_job(self, job: UploadJob | None) -> None:
        """Show ``job`` whole; hidden when there is nothing more to say than its row does."""
        self.job = job
        if job is None or not _worth_showing(job):
            self.setVisible(False)
            return
        text = f"{shown_name(str(job.path))}\n{job.tooltip}"
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        self.retry_button.setVisible(job.can_retry)
        self.dismiss_button.setVisible(job.finished)
        self.folder_button.setVisible(job.state is JobState.FAILED)
        self.setVisible(True)


def _worth_showing(job: UploadJob) -> bool:
    return job.state in (JobState.FAILED, JobState.NEEDS_SPLIT, JobState.CANCELLED) or bool(
        job.warnings or job.parts
    )


class IntakeBar(QFrame):
    """What a drop will add, before anything is queued: counting, then (past the big-drop size) a yes."""

    accepted = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropSummary")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        self.label = QLabel()
        self.label.setObjectName("dropSummaryText")
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.label, 1)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("confirmDropButton")
        self.accept_button.clicked.connect(self.accepted)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelDropButton")
        self.cancel_button.setToolTip("Add none of these files")
        self.cancel_button.setAccessibleName("Add none of these files")
        self.cancel_button.clicked.connect(self.cancelled)
        row.addWidget(self.accept_button)
        row.addWidget(self.cancel_button)
        # a folder counted in a blink shows no bar at all
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(300)
        self._later.timeout.connect(lambda: self.setVisible(self._intake is not None))
        self._intake: Intake | None = None
        self.setVisible(False)

    def show_intake(self, intake: Intake | None) -> None:
        self._intake = intake
        if intake is None:
            self._later.stop()
            self.setVisible(False)
            return
        if not intake.counted:
            self.label.setText(f"Counting the files in {intake.label}…")
            self.accept_button.setVisible(False)
            if self.isHidden() and not self._later.isActive():
                self._later.start()
            return
        n = len(intake.files)
        self.label.setText(
            f"Upload {n} files ({format_size(intake.total_bytes)}) from {intake.label}? "
            "Nothing is sent until you say so."
        )
        self.accept_button.setText(f"Upload {n} files")
        self.accept_button.setToolTip(f"Add these {n} files to the upload queue")
        self.accept_button.setAccessibleName(self.accept_button.toolTip())
        self.accept_button.setVisible(True)
        self._later.stop()
        self.setVisible(True)
