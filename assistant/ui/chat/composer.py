"""The composer: attached-file chips, the question box, model picker, Send and Stop.

Enter or Ctrl+Enter sends, Shift+Enter starts a new line. The composer knows nothing of services; it
reports ``send_requested(text)``, ``stop_requested()``, ``chip_removed(record)`` and
``model_changed(model_id)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord, FileState
from assistant.catalog.identity import known_name, text_conversion
from assistant.ui.chat.format import gone_message
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


class Chip(QFrame):
    """One attached file, with a remove button."""

    removed = Signal(object)

    def __init__(self, record: FileRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setObjectName("attachmentChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setProperty("state", str(record.state))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.setSpacing(2)
        name = known_name(record)  # "memo.docx", not the "memo.docx.txt" its text was uploaded as
        label = QLabel(name, self)
        label.setObjectName("chipLabel")
        self.label = label
        tip = _chip_tip(record)
        if record.warnings:
            # A warning the upload came with ("no text layer: citations will not work") stays visible.
            label.setText(f"⚠ {name}")
            self.setProperty("warned", True)
        if record.state is not FileState.ACTIVE:
            label.setText(f"{name} ({record.state})")
            font = label.font()
            font.setStrikeOut(True)
            label.setFont(font)
            label.setEnabled(False)  # greyed: it can't be used any more
        label.setToolTip(tip)
        self.setToolTip(tip)
        label.setAccessibleDescription(tip)
        layout.addWidget(label)
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip(f"Remove {name} from this conversation")
        remove.setAccessibleName(f"Remove {name}")
        remove.clicked.connect(lambda: self.removed.emit(self.record))
        layout.addWidget(remove)
        self.remove_button = remove
        self.setStyleSheet(
            "#attachmentChip { border: 1px solid palette(mid); border-radius: 10px; "
            "background: palette(alternate-base); }"
        )


def _chip_tip(record: FileRecord) -> str:
    size = record.size_bytes
    if size >= 1 << 20:
        human = f"{size / (1 << 20):.1f} MB"
    elif size >= 1024:
        human = f"{size / 1024:.0f} KB"
    else:
        human = f"{size} B"
    lines = [f"{known_name(record)} · {record.mime_type} · {human}"]
    if record.original_name and record.original_name not in (record.filename, known_name(record)):
        lines.append(f"From {record.original_name}")
    elif text_conversion(record) is not None:
        lines.append(f"Converted to text on this computer, sent as {record.filename}")
    if record.state is not FileState.ACTIVE:
        lines.append(gone_message(record) + " Attach another file or remove it.")
    lines += [f"⚠ {w}" for w in record.warnings]
    return "\n".join(lines)


class Composer(QWidget):
    send_requested = Signal(str)
    stop_requested = Signal()
    chip_removed = Signal(object)
    model_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(4)

        self._chips_box = QWidget(self)
        self._chips_layout = QHBoxLayout(self._chips_box)
        self._chips_layout.setContentsMargins(0, 0, 0, 0)
        self._chips_layout.setSpacing(4)
        self._chips_layout.addStretch(1)
        self._chips_scroll = QScrollArea(self)
        self._chips_scroll.setWidget(self._chips_box)
        self._chips_scroll.setWidgetResizable(True)
        self._chips_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._chips_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._chips_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._chips_scroll.setFixedHeight(34)
        self._no_files = QLabel(
            "No files attached — select files on the left, then Ask about these (Ctrl+Shift+A).", self
        )
        self._no_files.setObjectName("noFilesHint")
        self._no_files.setEnabled(False)
        outer.addWidget(self._chips_scroll)
        outer.addWidget(self._no_files)

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
        self.send_button.setToolTip("Send (Enter or Ctrl+Enter)")
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

        bottom = QHBoxLayout()
        model_label = QLabel("Model:", self)
        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName("Model")
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        model_label.setBuddy(self.model_picker)
        bottom.addWidget(model_label)
        bottom.addWidget(self.model_picker)
        bottom.addSpacing(8)
        self.status = QLabel(self)
        self.status.setObjectName("composerStatus")
        self.status.setEnabled(False)
        bottom.addWidget(self.status)
        self.bottom_row = bottom  # the pane adds the conversation's totals at its end
        outer.addLayout(bottom)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(4000)
        self._status_timer.timeout.connect(self.status.clear)

        self.input.submit.connect(self._submit)
        self.send_button.clicked.connect(self._submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.model_picker.currentIndexChanged.connect(self._model_index_changed)
        self._chips: list[Chip] = []
        self._busy = False
        self._fixed = False  # one model and no choice (offline: the local sandbox)
        self._warning_kind: WarningKind | None = None
        self._update_chip_area()

    # ------------------------------------------------------------------ state

    def set_busy(self, busy: bool) -> None:
        """While an answer streams: Send is off (typing the next question is fine), Stop is on."""
        self._busy = busy
        self.send_button.setEnabled(not busy)
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
        if text:
            self.send_requested.emit(text)

    # ------------------------------------------------------------------ chips

    def set_files(self, records: Sequence[FileRecord]) -> None:
        for chip in self._chips:
            self._chips_layout.removeWidget(chip)
            chip.deleteLater()
        self._chips = []
        for record in records:
            chip = Chip(record, self._chips_box)
            chip.removed.connect(self.chip_removed)
            self._chips_layout.insertWidget(self._chips_layout.count() - 1, chip)
            self._chips.append(chip)
        self._update_chip_area()

    @property
    def chips(self) -> list[Chip]:
        return list(self._chips)

    def _update_chip_area(self) -> None:
        has = bool(self._chips)
        self._chips_scroll.setVisible(has)
        self._no_files.setVisible(not has)

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
