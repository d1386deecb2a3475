"""``AttachPicker``: the composer's Attach… dialog, a searchable list of the uploaded files with boxes.

The conversation's files come first and are ticked; the other active files follow, newest first. What
is ticked when the person presses Attach becomes the conversation's files (unticking one takes it
out). A file of the conversation that is gone is listed as such, so it is never dropped unseen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord, FileState
from assistant.catalog.identity import known_name
from assistant.ui.files_text import type_text

__all__ = ["AttachPicker", "filter_files"]

_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def filter_files(files: QListWidget, text: str) -> None:
    """Show only the files whose name (the one the person knows) holds ``text``; the current row stays
    on a shown file (the first one when it was hidden), or on none when none is shown."""
    needle = text.casefold().strip()
    first = None
    for i in range(files.count()):
        item = files.item(i)
        hidden = bool(needle) and needle not in known_name(item.data(Qt.ItemDataRole.UserRole)).casefold()
        item.setHidden(hidden)
        if not hidden and first is None:
            first = item
    current = files.currentItem()
    if current is None or current.isHidden():
        if first is None:
            files.setCurrentRow(-1)
        else:
            files.setCurrentItem(first)


class AttachPicker(QDialog):
    """Tick the files the conversation asks about; ``chosen(list[FileRecord])`` on Attach."""

    chosen = Signal(list)

    def __init__(
        self,
        attached: Sequence[FileRecord],
        candidates: Sequence[FileRecord],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachPicker")
        self.setWindowTitle("Attach files")
        layout = QVBoxLayout(self)
        intro = QLabel("Tick the files this conversation asks about:", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.search = QLineEdit(self)
        self.search.setObjectName("attachPickerSearch")
        self.search.setPlaceholderText("Search files")
        self.search.setAccessibleName("Search files by name")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setObjectName("attachPickerList")
        self.list.setAccessibleName("Uploaded files")
        self.list.setAlternatingRowColors(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long name fits; its tooltip has all
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        have = {r.id for r in attached}
        for record in [*attached, *(r for r in candidates if r.id not in have)]:
            self._add(record, ticked=record.id in have)
        layout.addWidget(self.list, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("attachPickerCount")
        layout.addWidget(self.count_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.attach_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.attach_button.setText("Attach")
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.search.textChanged.connect(self._filter)
        self.list.itemChanged.connect(lambda _item: self._count())
        if self.list.count():
            self.list.setCurrentRow(0)
        self._count()
        self.resize(520, 400)

    def _add(self, record: FileRecord, ticked: bool) -> None:
        uploaded = record.uploaded_at.astimezone()
        name = known_name(record)  # "memo.docx", not the text it was uploaded as
        text = f"{name}  ·  uploaded {uploaded:%d %b %Y, %H:%M}"
        if record.state is not FileState.ACTIVE:
            text = f"{name}  ·  {record.state}: can't be used any more"
        item = QListWidgetItem(text, self.list)
        item.setData(Qt.ItemDataRole.UserRole, record)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(_CHECKED if ticked else _UNCHECKED)
        item.setToolTip(f"{name} · {type_text(record)}\n{text.split('  ·  ', 1)[1]}")

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def item_for(self, name: str) -> QListWidgetItem | None:
        """The row of the file called ``name`` (tests, keyboard helpers)."""
        return next((i for i in self.items() if known_name(i.data(Qt.ItemDataRole.UserRole)) == name), None)

    def ticked(self) -> list[FileRecord]:
        """The ticked files, in the list's order (the conversation's own first)."""
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.items() if i.checkState() == _CHECKED]

    def _filter(self, text: str) -> None:
        filter_files(self.list, text)

    def _count(self) -> None:
        n = len(self.ticked())
        none = "No file ticked: the conversation will have none."
        self.count_label.setText(f"{n} file{'s' if n > 1 else ''} ticked." if n else none)

    def _accept(self) -> None:
        self.chosen.emit(self.ticked())
        self.accept()
