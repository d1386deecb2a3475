"""What the chat pane needs from the rest of the app, handed in by the window (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.api.pricing import PriceList, format_usd, turn_cost
from assistant.catalog import FileRecord, Store, Turn
from assistant.settings import DEFAULT_MODEL, Settings
from assistant.ui.chat.naming import SANDBOX_MODEL, ModelNames

if TYPE_CHECKING:
    from assistant.api.chat import ChatService, ModelInfo
    from assistant.bridge import TaskRunner

__all__ = ["ChatServices"]


@dataclass
class ChatServices:
    """The chat pane's services.

    ``chat`` may be None until the window has a key (or the sandbox) and a client; give it later with
    ``ChatPanel.set_chat_service``. ``settings`` is a ``Settings`` or a callable returning the current
    one (for ``default_model``). ``prices`` None means the bundled price list. ``renew``, when given,
    renews a file (the window runs ``lifecycle.renew`` in a worker, then calls
    ``ChatPanel.refresh_files``): the notice about gone files then offers "Renew" for the files that can
    be renewed (``lifecycle.can_renew``). ``offline``: the built-in sandbox answers; the model is the
    sandbox's own ("Local sandbox") whatever the settings say, and no money is shown (its token counts
    are the sandbox's estimate, and nothing is charged). ``names`` names model ids (``naming``).
    """

    store: Store
    runner: TaskRunner
    chat: ChatService | None = None
    settings: Settings | Callable[[], Settings] | None = None
    prices: PriceList | None = None
    renew: Callable[[FileRecord], object] | None = None
    offline: bool = False
    names: ModelNames = field(init=False)

    def __post_init__(self) -> None:
        self.names = ModelNames(offline=self.offline)

    def current_settings(self) -> Settings:
        if self.settings is None:
            return Settings()
        if isinstance(self.settings, Settings):
            return self.settings
        return self.settings()

    def default_model(self) -> str:
        if self.offline:
            return SANDBOX_MODEL
        return self.current_settings().default_model or DEFAULT_MODEL

    def model_name(self, model_id: str) -> str:
        return self.names.name(model_id)

    @property
    def priced(self) -> bool:
        """Whether money is shown: online only."""
        return not self.offline

    def format_usd(self, amount: float) -> str:
        return format_usd(amount)

    def saved_by_cache(self, turn: Turn) -> float:
        if turn.usage is None:
            return 0.0
        cost = turn_cost(turn.usage, turn.model, self.prices)
        return 0.0 if cost is None else cost.saved  # negative while a cache write has not paid off

    def list_models(self) -> list[ModelInfo]:
        if self.chat is None:
            return []
        return list(self.chat.models())
