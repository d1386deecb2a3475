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
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord, FileState
from assistant.catalog.identity import known_name
from assistant.ui.chat.format import gone_message
from assistant.ui.chat.picker import filter_files
from assistant.ui.files_text import type_text

__all__ = ["GoneFilesNotice", "ReplacementPicker", "no_replacement_text"]


def no_replacement_text(record: FileRecord) -> str:
    return (
        f"No other file is on the server to attach instead of “{known_name(record)}”: upload one "
        "in the file list first, or remove it from this conversation."
    )


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
        self._layout.setSpacing(0)
        self._body: QWidget | None = None
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
        # A fresh grid each time (rows of a grid never go away): messages left, buttons aligned right.
        if self._body is not None:
            self._layout.removeWidget(self._body)
            self._body.hide()  # gone at once: its buttons speak of the old list until deleteLater runs
            self._body.deleteLater()
        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        shown = self.records if len(self.records) <= _ROWS else self.records[: _ROWS - 1]
        for row, record in enumerate(shown):
            self._add_row(body, grid, row, record)
        rest = self.records[len(shown) :]
        if rest:
            self._add_rest(body, grid, len(shown), rest)
        self._layout.addWidget(body)
        self._body = body
        self.setVisible(bool(self.records))

    def message_texts(self) -> list[str]:
        if self._body is None:
            return []
        return [label.text() for label in self._body.findChildren(QLabel, "goneFileMessage")]

    def _message(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("goneFileMessage")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _button(self, text: str, name: str, tip: str, accessible: str, parent: QWidget) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    def _add_row(self, body: QWidget, grid: QGridLayout, row: int, record: FileRecord) -> None:
        name = known_name(record)
        grid.addWidget(self._message(gone_message(record), body), row, 0)
        if record.id in self._renewable:
            renew = self._button(
                "Renew",
                "renewGoneButton",
                f"Upload {name} again from its local copy, for a new expiry",
                f"Renew {name}",
                body,
            )
            renew.clicked.connect(lambda: self.renew.emit(record))
            grid.addWidget(renew, row, 1)
        attach = self._button(
            "Attach another…",
            "attachAnotherButton",
            f"Attach another file in the place of {name}",
            f"Attach another file instead of {name}",
            body,
        )
        attach.clicked.connect(lambda: self.attach_another.emit(record))
        grid.addWidget(attach, row, 2)
        remove = self._button(
            "Remove",
            "removeGoneButton",
            f"Remove {name} from this conversation (its earlier answers stay)",
            f"Remove {name} from this conversation",
            body,
        )
        remove.clicked.connect(lambda: self.remove.emit(record))
        grid.addWidget(remove, row, 3)

    def _add_rest(self, body: QWidget, grid: QGridLayout, row: int, rest: list[FileRecord]) -> None:
        names = ", ".join(f"“{known_name(r)}”" for r in rest)
        text = f"{len(rest)} more attached files can't be used any more either: {names}."
        grid.addWidget(self._message(text, body), row, 0, 1, 3)
        remove = self._button(
            "Remove these",
            "removeGoneButton",
            "Remove these files from this conversation",
            "Remove these files from this conversation",
            body,
        )

        def remove_all() -> None:
            for record in rest:
                self.remove.emit(record)

        remove.clicked.connect(remove_all)
        grid.addWidget(remove, row, 3)


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
        intro = QLabel(f"Choose a file to attach instead of “{known_name(old)}”:", self)
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
            item = QListWidgetItem(f"{known_name(record)}  ·  uploaded {uploaded:%d %b %Y, %H:%M}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, record)
            item.setToolTip(f"{known_name(record)} · {type_text(record)}")
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
        filter_files(self.list, text)
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
