"""The composer's model picker and the names the pane gives models (``naming``).

Offline there is one model and no choice: the picker shows "Local sandbox", disabled, with a tooltip
that says what answers and how to reach Claude; it is kept as a picker, not swapped for a label, so the
composer's row, its keyboard order and the accessible "Model" control stay the same in both modes.
Online it lists the API's models by their display names (the id as each item's tooltip); the model
list arriving teaches ``services.names`` those names and says ``names_changed`` when a name shown
(a footer, the conversation list) reads differently now.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from assistant.ui.chat.composer import Composer
from assistant.ui.chat.naming import SANDBOX_TIP, ModelNames
from assistant.ui.chat.services import ChatServices

__all__ = ["ModelPicking"]


class ModelPicking(QObject):
    names_changed = Signal()

    def __init__(
        self,
        services: ChatServices,
        composer: Composer,
        is_streaming: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._composer = composer
        self._is_streaming = is_streaming
        default = services.default_model()
        picker = composer.model_picker
        if services.offline:
            picker.setToolTip(SANDBOX_TIP)
            picker.setAccessibleDescription(SANDBOX_TIP)
        composer.set_models([(default, services.model_name(default))], default, fixed=services.offline)

    def choices(self) -> list[tuple[str, str]]:
        """(id, name) of the models to choose from, the settings' default first (for Settings)."""
        names = self._services.names
        default = self._services.current_settings().default_model
        ids = dict.fromkeys([default, *names.known]) if default else dict.fromkeys(names.known)
        return [(m, names.name(m)) for m in ids]

    def models_arrived(self, pairs: list[tuple[str, str]]) -> None:
        """The API's model list, as (id, display name)."""
        names = self._services.names
        before = ModelNames(names.offline, dict(names.known))
        names.learn(dict(pairs))
        if pairs and not self._services.offline and not self._is_streaming():
            current = self._composer.current_model() or self._services.default_model()
            ids = [m for m, _ in pairs]
            listed = [(m, names.name(m)) for m in (ids if current in ids else [*ids, current])]
            self._composer.set_models(listed, current)
        if any(before.name(m) != names.name(m) for m in names.known):
            self.names_changed.emit()
