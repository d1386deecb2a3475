"""Attached files that are gone: the notice above the composer, and the picker of a replacement.

``GoneFilesNotice`` (object name ``goneFilesNotice``) shows one line per attached file that is expired,
missing or deleted ("“report.pdf” expired on 12 Nov — it can't be used in questions any more.") with
"Attach another…" and "Remove" (and "Renew" for the files it is told can be renewed); it reports
``attach_another(record)``, ``remove(record)`` and ``renew(record)`` and knows nothing of services.
``ReplacementPicker`` (object name ``attachAnotherDialog``) lists the active files of the catalog to put
in a gone file's place; it is opened with ``open()`` (never a blocking ``exec``) and reports
``chosen(old_record, new_record)``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.store import FileRecord, FileState
from assistant.ui.chat.format import gone_message

__all__ = ["GoneFilesNotice", "ReplacementPicker"]

_ROWS = 3  # lines shown one by one; more gone files than that share a last line


class GoneFilesNotice(QFrame):
    attach_another = Signal(object)  # the gone FileRecord
    renew = Signal(object)  # the gone FileRecord (offered only for the ones given as renewable)
    remove = Signal(object)  # the gone FileRecord (several when "Remove all" is used)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goneFilesNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Attached files that can no longer be used")
        # Amber at low alpha reads as a warning on light and dark palettes alike.
        self.setStyleSheet(
            "#goneFilesNotice { background: rgba(230, 160, 0, 0.16); "
            "border: 1px solid rgba(200, 130, 0, 0.7); border-radius: 6px; }"
        )
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 4, 4)
        self._layout.setSpacing(2)
        self._rows: list[QWidget] = []
        self.records: list[FileRecord] = []
        self._renewable: set[int] = set()
        self._key: tuple[list[tuple[int, FileState, datetime | None]], set[int]] = ([], set())
        self.hide()

    def set_files(self, records: Sequence[FileRecord], renewable: Collection[int] = ()) -> None:
        """The gone files to tell about (empty: the notice hides); "Renew" for the ids in ``renewable``."""
        key = ([(r.id, r.state, r.expires_at) for r in records], set(renewable))
        if key == self._key:
            self.setVisible(bool(records))
            return
        self._key = key
        self._renewable = set(renewable)
        self.records = list(records)
        for row in self._rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self._rows = []
        shown = self.records if len(self.records) <= _ROWS else self.records[: _ROWS - 1]
        for record in shown:
            self._add_row(gone_message(record), record)
        rest = self.records[len(shown) :]
        if rest:
            self._add_rest(rest)
        self.setVisible(bool(self.records))

    def message_texts(self) -> list[str]:
        return [label.text() for label in self.findChildren(QLabel, "goneFileMessage")]

    def _add_row(self, text: str, record: FileRecord) -> None:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        label = QLabel(text, row)
        label.setObjectName("goneFileMessage")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        attach = QPushButton("Attach another…", row)
        attach.setObjectName("attachAnotherButton")
        attach.setToolTip(f"Put another file from the list in the place of {record.filename}")
        attach.setAccessibleName(f"Attach another file instead of {record.filename}")
        attach.clicked.connect(lambda: self.attach_another.emit(record))
        remove = QPushButton("Remove", row)
        remove.setObjectName("removeGoneButton")
        remove.setToolTip(f"Remove {record.filename} from this conversation (its earlier answers stay)")
        remove.setAccessibleName(f"Remove {record.filename} from this conversation")
        remove.clicked.connect(lambda: self.remove.emit(record))
        buttons = [attach, remove]
        if record.id in self._renewable:
            renew = QPushButton("Renew", row)
            renew.setObjectName("renewGoneButton")
            renew.setToolTip(f"Upload {record.filename} again from its local copy, for a new expiry")
            renew.setAccessibleName(f"Renew {record.filename}")
            renew.clicked.connect(lambda: self.renew.emit(record))
            buttons.insert(0, renew)
        for button in buttons:
            button.setAutoDefault(False)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout.addWidget(row)
        self._rows.append(row)

    def _add_rest(self, rest: list[FileRecord]) -> None:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        names = ", ".join(f"“{r.filename}”" for r in rest)
        label = QLabel(f"{len(rest)} more attached files can't be used any more either: {names}.", row)
        label.setObjectName("goneFileMessage")
        label.setWordWrap(True)
        layout.addWidget(label, 1)
        remove = QPushButton("Remove these", row)
        remove.setObjectName("removeGoneButton")
        remove.setAutoDefault(False)
        remove.setAccessibleName("Remove these files from this conversation")

        def remove_all() -> None:
            for record in rest:
                self.remove.emit(record)

        remove.clicked.connect(remove_all)
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout.addWidget(row)
        self._rows.append(row)


class ReplacementPicker(QDialog):
    """Pick an active file of the catalog to attach in the place of a gone one (filter as you type)."""

    chosen = Signal(object, object)  # (old FileRecord, new FileRecord)

    def __init__(
        self, old: FileRecord, candidates: Sequence[FileRecord], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachAnotherDialog")
        self.setWindowTitle("Attach another file")
        self.old = old
        layout = QVBoxLayout(self)
        intro = QLabel(f"Choose a file to attach instead of “{old.filename}”:", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("attachAnotherFilter")
        self.filter.setPlaceholderText("Filter by name")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.list = QListWidget(self)
        self.list.setObjectName("attachAnotherList")
        self.list.setAccessibleName("Files on the server")
        self.list.setAlternatingRowColors(True)
        for record in candidates:
            uploaded = record.uploaded_at.astimezone()
            # Two uploads of one name (an old and a new copy) are told apart by when they were uploaded.
            item = QListWidgetItem(f"{record.filename}  ·  uploaded {uploaded:%d %b %Y, %H:%M}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, record)
            item.setToolTip(f"{record.filename} · {record.mime_type}")
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.attach_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.attach_button.setText("Attach")
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self._accept())
        self.list.currentItemChanged.connect(lambda *_: self._update())
        self.filter.textChanged.connect(self._apply_filter)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()
        self.resize(420, 360)

    def _apply_filter(self, text: str) -> None:
        needle = text.casefold().strip()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            record = item.data(Qt.ItemDataRole.UserRole)
            hidden = bool(needle) and needle not in record.filename.casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        current = self.list.currentItem()
        if current is None or current.isHidden():
            if first is None:
                self.list.setCurrentRow(-1)
            else:
                self.list.setCurrentItem(first)
        self._update()

    def _update(self) -> None:
        item = self.list.currentItem()
        self.attach_button.setEnabled(item is not None and not item.isHidden())

    def select(self, record_id: int) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole).id == record_id:
                self.list.setCurrentItem(item)
                return

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        self.chosen.emit(self.old, item.data(Qt.ItemDataRole.UserRole))
        self.accept()
