"""The crash dialog: an uncaught exception is logged and shown (secrets redacted), the app keeps going."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from assistant.ui.crash import CrashDialog, install_crash_hook

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_an_uncaught_exception_opens_the_crash_dialog(qtbot: Any, tmp_path: Path) -> None:
    previous = sys.excepthook
    try:
        install_crash_hook(tmp_path / "app.log")
        try:
            raise ValueError("boom with sk-ant-api03-secretsecretsecret inside")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    details = dialog.details.toPlainText()
    assert "ValueError: boom" in details and "test_crash.py" in details
    assert "secretsecret" not in details, "keys never reach the dialog"
    dialog.findChild(QPushButton, "copyCrashDetails").click()
    assert QGuiApplication.clipboard().text() == details
    dialog.close()
