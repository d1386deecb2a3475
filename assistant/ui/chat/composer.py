"""The composer: attached-file chips and Attach…, the question box, model picker, Send and Stop.

Enter or Ctrl+Enter sends, Shift+Enter starts a new line. A question is about the attached files: with
none attached, Send is off (its tooltip says why) and Enter says so under the chips instead of sending.
The composer knows nothing of services; it reports ``send_requested(text)``, ``stop_requested()``,
``chip_removed(record)``, ``attach_requested()`` (the Attach… button), ``files_set(n)`` (chips shown
for n files) and ``model_changed(model_id)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord
from assistant.ui.chat.chips import Chip, ChipsArea
from assistant.ui.chat.label import ElidedLabel
from assistant.ui.chat.state import WarningKind

__all__ = ["ChatInput", "Chip", "Composer"]


class ChatInput(QPlainTextEdit):
    """The question box. Enter / Ctrl+Enter submit; Shift+Enter inserts a line break."""

    submit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatInput")
        self.setAccessibleName("Question")
        self.setPlaceholderText("Ask about the attached files…  (Enter to send, Shift+Enter for a new line)")
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        lines = 3
        return QSize(300, self.fontMetrics().lineSpacing() * lines + 16)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not (mods & ~(Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier)):
                self.submit.emit()
                return
        super().keyPressEvent(event)


NO_FILES_HINT = (
    "No files attached: Ask about these (Ctrl+Shift+A), drag rows of the file list here, or Attach…"
)
NO_FILES_SEND = (
    "Not sent: nothing is attached to ask about. Attach files first; your question stays in the box."
)
_SEND_TIP = "Send (Enter or Ctrl+Enter)"
_SEND_OFF_TIP = "Attach files first: questions are asked about the attached files"


class Composer(QWidget):
    send_requested = Signal(str)
    stop_requested = Signal()
    chip_removed = Signal(object)
    attach_requested = Signal()
    files_set = Signal(int)
    model_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(4)

        self.chips_area = ChipsArea(self)
        self._no_files = QLabel(NO_FILES_HINT, self)
        self._no_files.setObjectName("noFilesHint")
        self._no_files.setWordWrap(True)
        self._no_files.setEnabled(False)
        self._no_files.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.attach_button = QPushButton("Attach…", self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAccessibleName("Attach files")
        self.attach_button.setToolTip("Choose which uploaded files this conversation asks about")
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.attach_requested)
        files_row = QHBoxLayout()
        files_row.setSpacing(6)
        files_row.addWidget(self.chips_area, 1)
        files_row.addWidget(self._no_files, 1)
        files_row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(files_row)

        self.warning = QLabel(self)
        self.warning.setObjectName("composerWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e;")
        self.warning.hide()
        outer.addWidget(self.warning)

        row = QHBoxLayout()
        row.setSpacing(6)
        self.input = ChatInput(self)
        row.addWidget(self.input, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName("Send question")
        self.send_button.setToolTip(_SEND_TIP)
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName("Stop the answer")
        self.stop_button.setToolTip("Stop the answer (Esc); what arrived is kept")
        self.stop_button.setEnabled(False)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        outer.addLayout(row)
        # what the question will cost (``estimate.CostEstimate``): one line under the question, cut to
        # the width (whole in its tooltip), so it never narrows the question box
        self.estimate_label = ElidedLabel(self)
        self.estimate_label.setObjectName("costEstimate")
        self.estimate_label.setAccessibleName("Cost estimate")
        self.estimate_label.hide()
        outer.addWidget(self.estimate_label)

        bottom = QHBoxLayout()
        model_label = QLabel("Model:", self)
        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName("Model")
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # the model's name is read whole ("Local sar…" was cut): the passing notes give way instead
        self.model_picker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        model_label.setBuddy(self.model_picker)
        bottom.addWidget(model_label)
        bottom.addWidget(self.model_picker)
        bottom.addSpacing(8)
        self.status = ElidedLabel(self)  # a passing note: cut (whole in its tooltip) before the totals are
        self.status.setObjectName("composerStatus")
        self.status.setEnabled(False)
        bottom.addWidget(self.status, 1)
        self.bottom_row = bottom  # the pane adds the conversation's totals at its end
        outer.addLayout(bottom)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(4000)
        self._status_timer.timeout.connect(lambda: self.status.setText(""))

        self.input.submit.connect(self._submit)
        self.send_button.clicked.connect(self._submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.model_picker.currentIndexChanged.connect(self._model_index_changed)
        self._busy = False
        self._fixed = False  # one model and no choice (offline: the local sandbox)
        self._warning_kind: WarningKind | None = None
        self._update_chip_area()

    # ------------------------------------------------------------------ state

    def set_busy(self, busy: bool) -> None:
        """While an answer streams: Send is off (typing the next question is fine), Stop is on."""
        self._busy = busy
        self._update_send()
        self.stop_button.setEnabled(busy)
        self.model_picker.setEnabled(not busy and not self._fixed)

    @property
    def busy(self) -> bool:
        return self._busy

    def text(self) -> str:
        return self.input.toPlainText()

    def set_text(self, text: str) -> None:
        self.input.setPlainText(text)
        cursor = self.input.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.input.setTextCursor(cursor)

    def _submit(self) -> None:
        if self._busy:
            return
        text = self.input.toPlainText().strip()
        if not text:
            return
        if not self.chips:
            self.show_warning(NO_FILES_SEND, WarningKind.NO_FILES)  # said, not sent: nothing to ask about
            return
        self.send_requested.emit(text)

    def _update_send(self) -> None:
        has_files = bool(self.chips)
        self.send_button.setEnabled(not self._busy and has_files)
        self.send_button.setToolTip(_SEND_TIP if has_files else _SEND_OFF_TIP)

    # ------------------------------------------------------------------ chips

    def set_files(self, records: Sequence[FileRecord]) -> None:
        chips = [Chip(record, self.chips_area.box) for record in records]
        for chip in chips:
            chip.removed.connect(self.chip_removed)
        self.chips_area.set_chips(chips)
        self._update_chip_area()
        if chips:
            self.clear_warning(WarningKind.NO_FILES)
        self.files_set.emit(len(chips))

    @property
    def chips(self) -> list[Chip]:
        return self.chips_area.chips

    def _update_chip_area(self) -> None:
        has = bool(self.chips)
        self.chips_area.setVisible(has)
        self._no_files.setVisible(not has)
        self._update_send()

    # ------------------------------------------------------------------ models

    def set_models(self, models: Sequence[tuple[str, str]], current: str, *, fixed: bool = False) -> None:
        """``models`` as (id, display name); keeps ``current`` selected (added if missing). ``fixed``:
        there is no choice (offline): the picker shows the one model, disabled, and keeps it."""
        self._fixed = fixed
        self.model_picker.setEnabled(not fixed and not self._busy)
        picker = self.model_picker
        picker.blockSignals(True)
        try:
            picker.clear()
            ids = [m for m, _ in models]
            for model_id, name in models:
                picker.addItem(name if name and name != model_id else model_id, model_id)
                picker.setItemData(picker.count() - 1, model_id, Qt.ItemDataRole.ToolTipRole)
            if current and current not in ids:
                picker.addItem(current, current)
            index = picker.findData(current)
            picker.setCurrentIndex(max(0, index))
        finally:
            picker.blockSignals(False)

    def current_model(self) -> str:
        data = self.model_picker.currentData()
        return str(data) if data else self.model_picker.currentText()

    def select_model(self, model_id: str) -> None:
        index = self.model_picker.findData(model_id)
        if index < 0 and self._fixed:
            return  # a conversation recorded with another model is answered by the one there is
        if index < 0 and model_id:
            self.model_picker.addItem(model_id, model_id)
            index = self.model_picker.count() - 1
        self.model_picker.blockSignals(True)
        self.model_picker.setCurrentIndex(index)
        self.model_picker.blockSignals(False)

    def _model_index_changed(self, index: int) -> None:
        if index >= 0:
            self.model_changed.emit(self.current_model())

    def show_status(self, text: str) -> None:
        """A short note ("Answer copied") that clears itself after a few seconds."""
        self.status.setText(text)
        self._status_timer.start()

    def show_warning(self, text: str | None, kind: WarningKind = WarningKind.OTHER) -> None:
        """Show ``text`` (None clears it); ``kind`` says what it is about, for ``clear_warning``."""
        self._warning_kind = kind if text else None
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    def clear_warning(self, kind: WarningKind) -> None:
        """Clear the warning if it is of ``kind`` (never hides a warning about something else)."""
        if self._warning_kind is kind:
            self.show_warning(None)

    @property
    def warning_kind(self) -> WarningKind | None:
        """What the warning shown is about (None when none is shown)."""
        return self._warning_kind
