"""The chat pane's cost parts, built and wired in one place: the estimate beside Send
(``estimate.CostEstimate``, priced from each ``ContextCheck`` count) and the cache meter
(``cache_meter.CacheMeter``, after each answer). The pane only makes one and routes Send through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from assistant.ui.chat.cache_meter import CacheMeter
from assistant.ui.chat.context import ContextQuery
from assistant.ui.chat.estimate import CostEstimate
from assistant.ui.chat.services import ChatServices

if TYPE_CHECKING:
    from assistant.ui.chat.panel import ChatPanel

__all__ = ["CostParts"]


class CostParts(QObject):
    def __init__(
        self, services: ChatServices, panel: ChatPanel, query: Callable[[], ContextQuery | None]
    ) -> None:
        super().__init__(panel)
        turns = lambda: panel.controller.turns  # noqa: E731
        check = panel.context_check
        label = panel.composer.estimate_label
        self.estimate = CostEstimate(services, label, turns, query, self, count_now=check.count_now)
        self.meter = CacheMeter(services, panel.cache_meter_label, turns, self)
        check.count_failed.connect(self.estimate.count_failed)
        panel.composer.input.textChanged.connect(check.schedule)  # the estimate follows the question
        check.counted.connect(self.estimate.update)
        for changed in (panel.answer.footer_shown, panel.controller.turns_loaded):
            changed.connect(self.meter.update)
            changed.connect(check.schedule)  # the history changed: what the next question reads too

    def send(self, question: str, proceed: Callable[[str], None]) -> None:
        """Send ``question`` through ``proceed``, asking first above the cost limit."""
        self.estimate.send(question, proceed)

    def stop(self) -> None:
        self.meter.stop()
        self.estimate.stop()
