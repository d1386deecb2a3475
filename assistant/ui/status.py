"""The status bar: the uploads (a summary that opens or folds the queue), the key (and which keyring
holds it), the connection, and the storage used."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton, QWidget

from assistant.secrets import KeySource, KeyState, KeyStatus
from assistant.ui.formatting import format_size
from assistant.ui.theme import warning_icon

__all__ = ["StatusBar", "describe_key"]


def describe_key(status: KeyStatus | None, offline: bool = False) -> tuple[str, str]:
    """(short text, tooltip) for the key part of the status bar."""
    if offline:
        return "Key: sandbox (offline)", "Offline: the built-in local sandbox answers, not Claude."
    if status is None:
        return "Key: checking…", "Reading the keyring"
    if status.source is KeySource.KEYRING:
        return f"Key: stored in {status.backend}", status.reason
    if status.source is KeySource.ENVIRONMENT:
        return "Key: from ANTHROPIC_API_KEY", status.reason
    if status.source is KeySource.SESSION:
        return "Key: this session only", status.reason
    if status.state is KeyState.LOCKED:
        return "Key: keyring locked", status.reason
    if status.state is KeyState.NO_BACKEND:
        return "Key: none (no keyring)", status.reason
    return "Key: none", status.reason or "No key yet: use API key… or try it offline."


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.uploads_button = QToolButton()
        self.uploads_button.setObjectName("uploadsToggle")
        self.uploads_button.setCheckable(True)
        self.uploads_button.setAutoRaise(True)
        self.uploads_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.uploads_button.setAccessibleName("Upload queue")
        self.addPermanentWidget(self.uploads_button)
        self.set_uploads("No uploads", "Show or hide the upload queue", alert=False)
        self.key_label = self._part("keyStatus", "API key state")
        self.connection_label = self._part("connectionStatus", "Connection")
        self.storage_label = self._part("storageStatus", "Storage used")
        self.set_key(None)
        self.set_connection("Not connected yet", ok=None)
        self.set_storage(0, 0)

    def _part(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setContentsMargins(10, 0, 10, 0)
        self.addPermanentWidget(label)
        return label

    def set_uploads(self, text: str, tooltip: str, alert: bool) -> None:
        """The upload queue in one line ("12 uploaded · 1 failed"); ⚠ while a failure is listed."""
        self.uploads_button.setText(text)
        self.uploads_button.setToolTip(tooltip)
        self.uploads_button.setIcon(warning_icon() if alert else QIcon())

    def set_key(self, status: KeyStatus | None, offline: bool = False) -> None:
        text, tip = describe_key(status, offline)
        self.key_label.setText(text)
        self.key_label.setToolTip(tip)

    def set_connection(self, text: str, ok: bool | None, tooltip: str = "") -> None:
        mark = {True: "●", False: "○", None: "◌"}[ok]
        self.connection_label.setText(f"{mark} {text}")
        self.connection_label.setToolTip(tooltip or text)

    def set_storage(self, used_bytes: int, count: int) -> None:
        self.storage_label.setText(f"{count} file{'s' if count != 1 else ''} · {format_size(used_bytes)}")
        self.storage_label.setToolTip("Files active on the API and the space they use")
