"""A crash dialog, not a silent exit: the global exception hook logs the traceback and shows it.

``install_crash_hook(log_file)`` replaces ``sys.excepthook`` (``main()`` calls it; tests do not, so
pytest-qt still fails a test on an exception in a slot). The dialog shows what happened, where the log
is, the details (secrets redacted), and a button that copies them.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant import APP_NAME, __version__
from assistant.logs import scrub

__all__ = ["CrashDialog", "format_crash", "install_crash_hook"]

log = logging.getLogger(__name__)


def format_crash(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    return scrub(f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}\n\n{text}")


class CrashDialog(QDialog):
    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(f"{APP_NAME} — something went wrong")
        layout = QVBoxLayout(self)
        where = f" The details are also in the log:<br><code>{log_file}</code>" if log_file else ""
        intro = QLabel(
            "<b>An unexpected error happened.</b> Your files and conversations are saved; you can keep "
            f"working, or restart the app if something looks wrong.{where}"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(details)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Error details")
        self.details.setMinimumSize(560, 220)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy details")
        copy.setObjectName("copyCrashDetails")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.details.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)


_open_dialogs: list[CrashDialog] = []


def install_crash_hook(log_file: Path | None, parent: Callable[[], QWidget | None] = lambda: None) -> None:
    """Log every uncaught exception and show it in a (non-blocking) crash dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        details = format_crash(exc_type, exc, tb)
        log.critical("uncaught exception\n%s", details)
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        if len(_open_dialogs) >= 3:  # an error in a loop must not bury the screen in dialogs
            return
        dialog = CrashDialog(details, log_file, parent())
        _open_dialogs.append(dialog)
        dialog.finished.connect(lambda _=0: _open_dialogs.remove(dialog) if dialog in _open_dialogs else None)
        dialog.show()

    sys.excepthook = hook
