"""The sets' small dialogs, each non-modal (``open()``) and reporting through a signal: a new set's
name (``NameDialog``), a set's instructions (``InstructionsDialog``), and linking a folder
(``LinkFolderDialog``: the folder, and the ignore patterns, one a line, with sensible defaults)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog.set_records import DEFAULT_IGNORE_PATTERNS as DEFAULT_IGNORE

__all__ = ["InstructionsDialog", "LinkFolderDialog", "NameDialog", "parse_patterns"]


def parse_patterns(text: str) -> tuple[str, ...]:
    """Ignore patterns, one a line; blank lines and ``#`` comments left out, each once."""
    lines = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


class _Dialog(QDialog):
    def __init__(self, title: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.column = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

    def add_ok(self, text: str) -> QPushButton:
        ok = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        return ok

    def _accept(self) -> None:
        self.accept()


class NameDialog(_Dialog):
    """The name of a new set (or a new name for one)."""

    named = Signal(str)

    def __init__(self, title: str, name: str, explain: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "setNameDialog", parent)
        self.column.addWidget(QLabel(explain))
        self.edit = QLineEdit(name)
        self.edit.setObjectName("setNameEdit")
        self.edit.selectAll()
        self.column.addWidget(self.edit)
        self.column.addWidget(self.buttons)
        self.ok = self.add_ok("Create")
        self.edit.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))

    def _accept(self) -> None:
        name = self.edit.text().strip()
        if name:
            self.named.emit(name)
            self.accept()


class InstructionsDialog(_Dialog):
    """A set's instructions: they go into the system prompt of every conversation on the set."""

    saved = Signal(str)

    def __init__(self, set_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Instructions for “{set_name}”", "setInstructionsDialog", parent)
        explain = QLabel(
            "Said to the model in every conversation about this set (for example: “Answer as a contracts "
            "lawyer; quote the clause”). Leave empty for none."
        )
        explain.setWordWrap(True)
        self.column.addWidget(explain)
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("setInstructionsEdit")
        self.edit.setTabChangesFocus(True)
        self.column.addWidget(self.edit, 1)
        self.column.addWidget(self.buttons)
        self.add_ok("Save")
        self.resize(460, 280)

    def _accept(self) -> None:
        self.saved.emit(self.edit.toPlainText().strip())
        self.accept()


class LinkFolderDialog(_Dialog):
    """Link a set to a local folder: its files (and its subfolders') join the set and stay in sync."""

    linked = Signal(object, object)  # (Path, tuple[str, ...] ignore patterns)

    def __init__(
        self,
        set_name: str,
        folder: str = "",
        patterns: Sequence[str] = DEFAULT_IGNORE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Link a folder to “{set_name}”", "linkFolderDialog", parent)
        explain = QLabel(
            "Every file in the folder and its subfolders is uploaded and joins the set. A new file is "
            "uploaded, a changed one uploaded again and swapped in; a deleted one is marked and offered "
            "for clean-up, never deleted by itself."
        )
        explain.setWordWrap(True)
        self.column.addWidget(explain)
        row = QHBoxLayout()
        self.folder = QLineEdit(folder)
        self.folder.setObjectName("linkFolderPath")
        self.folder.setPlaceholderText("The folder to keep in sync")
        browse = QPushButton("Choose…")
        browse.setObjectName("linkFolderBrowse")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.column.addLayout(row)
        self.column.addWidget(QLabel("Leave out (one pattern a line; a name ending in / is a folder):"))
        self.patterns = QPlainTextEdit("\n".join(patterns))
        self.patterns.setObjectName("linkFolderIgnore")
        self.patterns.setTabChangesFocus(True)
        self.column.addWidget(self.patterns, 1)
        self.problem = QLabel()
        self.problem.setObjectName("linkFolderProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.column.addWidget(self.problem)
        self.column.addWidget(self.buttons)
        self.ok = self.add_ok("Link and sync")
        self.resize(480, 340)

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Choose the folder to keep in sync", self.folder.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.folder.setText)
        dialog.open()

    def _accept(self) -> None:
        text = self.folder.text().strip()
        path = Path(text).expanduser() if text else None
        if path is None or not path.is_dir():
            self.problem.setText(
                "Choose a folder first."
                if path is None
                else f"“{text}” is not a folder this computer can read."
            )
            self.problem.show()
            return
        self.linked.emit(path, parse_patterns(self.patterns.toPlainText()))
        self.accept()
