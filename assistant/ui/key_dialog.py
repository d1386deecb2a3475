"""First run and "API key…": a masked entry, checked with one cheap call, then stored.

The check and the keyring write run in a worker (D-Bus can block, the check is a network call). The
dialog then says which keyring holds the key, or that it is kept for this session only and why.
"Try it offline" asks for the built-in sandbox instead; when already offline, "Keep using the sandbox"
is the one way to close it. The key field has the focus when it opens, and Enter checks and saves.
The dialog is window-modal but opened with ``open()``, never ``exec()``: the event loop keeps running.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.api.errors import ApiFailure
from assistant.bridge import Task, TaskRunner
from assistant.secrets import KeyStatus, KeyStore, save_checked

__all__ = ["KeyDialog"]


class KeyDialog(QDialog):
    """Signals: ``key_saved(KeyStatus)`` once a checked key is stored; ``offline_requested()``."""

    key_saved = Signal(object)
    offline_requested = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        key_store: KeyStore,
        base_url: str,
        *,
        first_run: bool = False,
        offline: bool = False,
        status: KeyStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyDialog")
        self.setWindowTitle("Welcome to Document Assistant" if first_run else "API key")
        self._runner = runner
        self._key_store = key_store
        self._base_url = base_url
        self._task: Task[KeyStatus] | None = None
        layout = QVBoxLayout(self)

        where = (
            "You are trying it offline: the built-in sandbox answers with passages from your documents. "
            if offline
            else ""
        )
        intro = QLabel(
            f"{where}<b>Paste your Anthropic API key</b> to ask Claude about your documents. It is checked, "
            "then kept in your system keyring — never in a file.<br>Get one at "
            "<a href='https://console.anthropic.com/settings/keys'>console.anthropic.com</a>."
            if first_run or offline
            else "Paste a new Anthropic API key. It is checked, then kept in your system keyring."
        )
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(intro)

        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyInput")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("sk-ant-…")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setAccessibleDescription("Your Anthropic API key; it is not shown while you type.")
        self.key_edit.setClearButtonEnabled(True)
        reveal = QAction("Show", self.key_edit)
        reveal.setCheckable(True)
        reveal.setToolTip("Show or hide the key")
        reveal.toggled.connect(
            lambda on: self.key_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.key_edit.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
        self.key_edit.textChanged.connect(self._text_changed)
        self.key_edit.returnPressed.connect(self._check_and_save)  # Enter saves once a key is typed
        layout.addWidget(self.key_edit)

        self.message = QLabel()
        self.message.setObjectName("keyMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Key check result")
        layout.addWidget(self.message)
        if status is not None and not first_run:
            self.message.setText(status.reason)

        buttons = QDialogButtonBox()
        self.save_button = QPushButton("Check and save")
        self.save_button.setObjectName("saveKeyButton")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._check_and_save)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self._is_offline = offline
        if offline:  # one way to close: it says what happens (nothing changes, the sandbox answers)
            self.offline_button = QPushButton("Keep using the sandbox")
            self.offline_button.setToolTip("Close this and keep the built-in local sandbox (no key needed)")
            buttons.addButton(self.offline_button, QDialogButtonBox.ButtonRole.RejectRole)
        else:
            self.offline_button = QPushButton("Try it offline")
            self.offline_button.setToolTip(
                "Use the built-in local sandbox with two sample documents. Its answers are passages "
                "from your documents, not Claude's."
            )
            buttons.addButton(self.offline_button, QDialogButtonBox.ButtonRole.ActionRole)
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.clicked.connect(self.reject)
        self.offline_button.setObjectName("offlineButton")
        self.offline_button.setAutoDefault(False)
        self.offline_button.clicked.connect(self._offline)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def showEvent(self, event: QShowEvent) -> None:
        """Typing or pasting goes into the key field at once (not into the intro's link)."""
        super().showEvent(event)
        self.key_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _text_changed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()) and self._task is None)

    def _check_and_save(self) -> None:
        key = self.key_edit.text().strip()
        if not key or self._task is not None:
            return
        self.save_button.setEnabled(False)
        self.key_edit.setEnabled(False)
        self.message.setText("Checking the key…")
        store, base_url = self._key_store, self._base_url
        self._task = self._runner.run(
            lambda _token: save_checked(store, key, base_url),
            on_result=self._saved,
            on_failed=self._failed,
            on_ended=self._ended,
            name="check-and-save-key",
        )

    def _saved(self, status: KeyStatus) -> None:
        self.key_edit.clear()
        if status.remembered:
            self.message.setText(f"The key works and is stored in {status.backend}.")
        else:
            self.message.setText(f"The key works. {status.reason}")
        self.key_saved.emit(status)
        self.accept()

    def _failed(self, failure: ApiFailure) -> None:
        self.message.setText(failure.message)

    def _ended(self) -> None:
        self._task = None
        self.key_edit.setEnabled(True)
        self._text_changed(self.key_edit.text())

    def _offline(self) -> None:
        if not self._is_offline:
            self.offline_requested.emit()
        self.accept()

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.cancel()
        super().done(result)
