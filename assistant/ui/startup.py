"""When the app cannot start: a small window that says what happened and what to do, never a traceback.

``main()`` catches what stops the start (a data folder that cannot be created or written, a catalog that
cannot be opened, a data folder another instance holds without answering, anything unexpected) and calls
``show_startup_problem(problem_for(exc))``: one line on stderr, the dialog, exit status 1. An unexpected
error also gets its details (keys redacted) in the log when the log is up, and in the dialog.

With ``ASSISTANT_SELF_TEST`` set (installers' start check, tests) the dialog closes itself once shown, so
an unattended start ends with the message instead of waiting for a click.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from assistant import APP_NAME

__all__ = ["StartupDialog", "StartupProblem", "problem_for", "show_startup_problem"]

log = logging.getLogger(__name__)

ELSEWHERE = "start with --data-dir DIR (or ASSISTANT_DATA_DIR) pointing at a folder you can write to"


@dataclass(frozen=True)
class StartupProblem:
    what: str  # what happened, in the user's words
    todo: str  # what to do about it
    details: str = ""  # only for an unexpected error: its traceback, keys redacted


def problem_for(exc: BaseException, log_file: Path | None = None) -> StartupProblem:
    """The problem to show for ``exc`` raised while starting."""
    from assistant.catalog import StoreError
    from assistant.settings import DataDirError
    from assistant.ui.single_instance import InstanceUnreachable

    if isinstance(exc, DataDirError):
        return StartupProblem(
            exc.message, f"Fix the folder (its permissions, or move the file away), or {ELSEWHERE}."
        )
    if isinstance(exc, StoreError):
        return StartupProblem(str(exc), "Nothing was changed; the app will open once that is resolved.")
    if isinstance(exc, InstanceUnreachable):
        return StartupProblem(exc.message, exc.todo)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return StartupProblem(
            f"The app could not use one of its files{where}: {exc.strerror or exc}.",
            f"Check that the folder can be written to, or {ELSEWHERE}.",
        )
    from assistant.logs import scrub

    details = scrub("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    where = f" The details are in the log: {log_file}." if log_file is not None else ""
    return StartupProblem(
        f"An unexpected error stopped the start: {type(exc).__name__}: {scrub(str(exc))}",
        f"Start the app again; if it happens again, please report it with the details below.{where}",
        details,
    )


class StartupDialog(QDialog):
    def __init__(self, problem: StartupProblem) -> None:
        super().__init__(None)
        self.setObjectName("startupDialog")
        self.setWindowTitle(f"{APP_NAME} could not start")
        layout = QVBoxLayout(self)
        self.what = QLabel(problem.what, self)
        self.what.setObjectName("startupWhat")
        self.what.setWordWrap(True)
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.what)
        self.todo = QLabel(problem.todo, self)
        self.todo.setObjectName("startupTodo")
        self.todo.setWordWrap(True)
        self.todo.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.todo)
        if problem.details:
            details = QPlainTextEdit(problem.details, self)
            details.setObjectName("startupDetails")
            details.setReadOnly(True)
            details.setAccessibleName("Error details")
            details.setMinimumSize(520, 180)
            layout.addWidget(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)


def show_startup_problem(problem: StartupProblem) -> int:
    """Say it on stderr (one line, no traceback) and in the dialog; returns the exit status, 1."""
    print(f"{APP_NAME} could not start: {problem.what} {problem.todo}", file=sys.stderr, flush=True)
    if logging.getLogger().handlers:  # the log is up: keep it there too (else stderr already has it)
        if problem.details:
            log.error("the start failed\n%s", problem.details)
        else:
            log.error("the start failed: %s", problem.what)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 1
    for widget in app.topLevelWidgets():  # a half-built window must not stay behind the message
        if widget.isVisible():
            widget.close()
    dialog = StartupDialog(problem)
    if os.environ.get("ASSISTANT_SELF_TEST"):
        QTimer.singleShot(0, dialog.reject)
    dialog.exec()
    return 1
