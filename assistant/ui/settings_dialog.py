"""The settings, each with its description; validated by ``Settings`` itself, errors shown inline.

Ranges and choices come from the declarations in ``assistant.settings`` (``int_range``, ``choices``).
Models are shown by their display names, as the composer's picker shows them; the id is what is saved
(a typed id is taken as it is). Offline the local sandbox answers whatever the default model is: the
field shows "Local sandbox", disabled, and the default kept for when the app is online is left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.settings import (
    DEFAULT_RETENTION_DAYS,
    SETTING_DOCS,
    CacheTtl,
    PdfAsText,
    SettingError,
    Settings,
    Theme,
    choices,
    int_range,
)
from assistant.ui.chat.naming import SANDBOX_NAME, spelt_out

__all__ = ["SettingsDialog"]

_TTL_NAMES = {"auto": "Automatic", "5m": "5 minutes", "1h": "1 hour"}


def _spin(name: str) -> QSpinBox:
    """A spin box over the range the setting ``name`` is declared with."""
    spin = QSpinBox()
    bounds = int_range(name)
    spin.setRange(bounds.low, bounds.high)
    return spin


class SettingsDialog(QDialog):
    """Emits ``saved(Settings)`` with validated settings; the caller stores and applies them."""

    saved = Signal(object)

    def __init__(
        self,
        settings: Settings,
        models: Sequence[tuple[str, str]] = (),
        parent: QWidget | None = None,
        *,
        offline: bool = False,
    ) -> None:
        """``models``: (id, display name) to choose the default from; ``offline``: the sandbox answers."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.retention = _spin("retention_days")
        self.retention.setSuffix(" days")
        self.never = QCheckBox("Never expire")
        self.never.toggled.connect(lambda on: self.retention.setEnabled(not on))
        row = QHBoxLayout()
        row.addWidget(self.retention)
        row.addWidget(self.never)
        box = QWidget()
        box.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self._add(form, "&Retention of new uploads:", box, "retention_days", self.retention)
        self.retention.setValue(settings.retention_days or DEFAULT_RETENTION_DAYS)
        self.never.setChecked(settings.retention_days is None)

        self.model = QComboBox()
        self._offline = offline
        self._add(form, "Default &model:", self.model, "default_model")
        if offline:
            self.model.addItem(SANDBOX_NAME, settings.default_model)
            self.model.setEnabled(False)
            self.model.setToolTip(
                f"Offline, the local sandbox answers every question. The default model for Claude, "
                f"{dict(models).get(settings.default_model) or spelt_out(settings.default_model)}, "
                "is kept for when the app is online."
            )
        else:
            self.model.setEditable(True)  # an id the list does not have can be typed
            named = dict(models)
            for model_id in dict.fromkeys([settings.default_model, *named]):
                self.model.addItem(named.get(model_id) or spelt_out(model_id), model_id)
                self.model.setItemData(self.model.count() - 1, model_id, Qt.ItemDataRole.ToolTipRole)
            self.model.setCurrentIndex(0)

        self.concurrency = _spin("concurrent_uploads")
        self.concurrency.setValue(settings.concurrent_uploads)
        self._add(form, "&Concurrent uploads:", self.concurrency, "concurrent_uploads")

        self.unused = _spin("unused_days")
        self.unused.setSuffix(" days")
        self.unused.setValue(settings.unused_days)
        self._add(form, "Clean up files &unused for:", self.unused, "unused_days")

        self.max_tokens = _spin("max_tokens")
        self.max_tokens.setValue(settings.max_tokens)
        self._add(form, "Longest &answer (tokens):", self.max_tokens, "max_tokens")

        self.theme = QComboBox()
        for theme in choices("theme"):
            self.theme.addItem(theme.value.capitalize(), theme.value)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme.value))
        self._add(form, "&Theme:", self.theme, "theme")

        self.cache_ttl = QComboBox()  # the prompt cache: Automatic, 5 minutes or 1 hour
        for ttl in choices("cache_ttl"):
            self.cache_ttl.addItem(_TTL_NAMES[ttl.value], ttl.value)
        self.cache_ttl.setCurrentIndex(self.cache_ttl.findData(settings.cache_ttl.value))
        self._add(form, "Prompt &cache kept:", self.cache_ttl, "cache_ttl")
        self.cost_limit = QDoubleSpinBox()  # 0 shows "No limit"
        self.cost_limit.setDecimals(3)
        self.cost_limit.setRange(0.0, 1000.0)
        self.cost_limit.setSingleStep(0.05)
        self.cost_limit.setPrefix("$")
        self.cost_limit.setSpecialValueText("No limit")
        self.cost_limit.setValue(settings.cost_limit_usd or 0.0)
        self._add(form, "Ask before a question &over:", self.cost_limit, "cost_limit_usd")
        if offline:  # nothing is charged: no money to limit (the limit is kept for when it is online)
            kept = f"${settings.cost_limit_usd:.3f}" if settings.cost_limit_usd else "no limit"
            self.cost_limit.setPrefix("")
            self.cost_limit.setSpecialValueText("Nothing to limit offline")
            self.cost_limit.setValue(0.0)
            self.cost_limit.setEnabled(False)
            self.cost_limit.setToolTip(
                "Offline, the local sandbox answers and nothing is charged, so there is no cost to limit. "
                f"Your limit ({kept}) is kept for when the app is online."
            )
        self.pdf_as_text = QComboBox()
        for choice in choices("pdf_as_text"):
            self.pdf_as_text.addItem(choice.value.capitalize(), choice.value)
        self.pdf_as_text.setCurrentIndex(self.pdf_as_text.findData(settings.pdf_as_text.value))
        self._add(form, "Send PDFs as &text:", self.pdf_as_text, "pdf_as_text")

        self.base_url = QLineEdit(settings.base_url)
        self._add(form, "API &address:", self.base_url, "base_url")

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(bright-text); background: #b3261e; padding: 4px;")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add(
        self, form: QFormLayout, label: str, field: QWidget, key: str, buddy: QWidget | None = None
    ) -> None:
        lab = QLabel(label)
        lab.setBuddy(buddy or field)
        field.setToolTip(SETTING_DOCS.get(key, ""))
        (buddy or field).setAccessibleName(label.replace("&", "").rstrip(":"))
        (buddy or field).setAccessibleDescription(SETTING_DOCS.get(key, ""))
        form.addRow(lab, field)

    def values(self) -> Settings:
        """The settings as entered; raises ``SettingError`` with a readable message."""
        return self._settings.replace(
            retention_days=None if self.never.isChecked() else self.retention.value(),
            default_model=self._model_id(),
            concurrent_uploads=self.concurrency.value(),
            unused_days=self.unused.value(),
            max_tokens=self.max_tokens.value(),
            theme=Theme(self.theme.currentData()),
            cache_ttl=CacheTtl(self.cache_ttl.currentData()),
            cost_limit_usd=self._settings.cost_limit_usd
            if self._offline
            else self.cost_limit.value() or None,
            pdf_as_text=PdfAsText(self.pdf_as_text.currentData()),
            base_url=self.base_url.text().strip(),
        )

    def _model_id(self) -> str:
        if self._offline:
            return self._settings.default_model
        text = self.model.currentText().strip()
        data = self.model.itemData(self.model.findText(text))  # None: typed, not picked
        return str(data) if data else text

    def _save(self) -> None:
        try:
            settings = self.values()
        except SettingError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.saved.emit(settings)
        self.accept()
