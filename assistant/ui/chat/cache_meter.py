"""The cache meter (``cacheMeter``): after each answer, what the prompt cache did.

Whether the documents were read from the cache (or written to it), how long it stays warm (a countdown
from the last question, with the TTL in force; ticking once a second while warm), and what this answer
and the whole conversation saved against no caching, in tokens and (online) money. Documents under the
model's minimum cacheable size (kept with the prices) say "too small to cache" instead. The tooltip
says which TTL is in force and why (Settings, or the automatic choice and its reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from assistant.api.estimate import cache_state
from assistant.api.pricing import load_prices, turn_cost
from assistant.catalog import Turn, Usage
from assistant.ui.chat.format import TTL_WORDS, format_tokens
from assistant.ui.chat.services import ChatServices

__all__ = ["CacheMeter", "tokens_saved"]


def tokens_saved(usage: Usage) -> int:
    """Input tokens' worth saved against no caching: a read costs 0.1x, a write 1.25x (5 min) or 2x."""
    saved = usage.cache_read_input_tokens * 0.9
    saved -= usage.cache_write_1h_tokens * 1.0
    saved -= (usage.cache_creation_input_tokens - usage.cache_write_1h_tokens) * 0.25
    return round(saved)


def _saved_words(this: float, total: float, say: Callable[[float], str]) -> str:
    """ "saved $0.06 this answer, $0.31 in all"; a write not repaid yet is said as what it cost extra."""
    first = f"saved {say(this)} this answer" if this >= 0 else f"the cache write cost {say(this)} extra"
    rest = f"{say(total)} saved in all" if total >= 0 else "repaid from the next question on"
    return f"{first}, {rest}"


def _clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


class CacheMeter(QObject):
    def __init__(
        self,
        services: ChatServices,
        label: QLabel,
        turns: Callable[[], Sequence[Turn]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.label = label
        self._turns = turns
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.update)
        self.warm_until: float | None = None  # when the cache expires (the chat service's clock)

    def update(self) -> None:
        turns = [t for t in self._turns() if t.usage is not None]
        chat = self._services.chat
        if not turns or chat is None:
            self._show("", "")
            return
        last = turns[-1]
        usage = last.usage
        assert usage is not None
        conv = last.conversation_id
        prices = self._services.prices or load_prices()
        minimum = prices.min_cache_tokens(last.model)
        choice = chat.ttl_choice(conv)
        name = self._services.model_name(last.model)
        tip = f"TTL in force: {choice.reason}"
        cached = usage.cache_read_input_tokens + usage.cache_creation_input_tokens
        if not cached and usage.total_input_tokens < minimum:
            self.warm_until = None
            self._timer.stop()
            self._show(
                f"Too small to cache: {format_tokens(usage.total_input_tokens)} tokens; {name} caches "
                f"prompts from {format_tokens(minimum)} tokens.",
                "The documents and question are under the model's minimum cacheable size, so every "
                "question reads them at the full input price. " + tip,
            )
            return
        if usage.cache_read_input_tokens:
            what = f"Documents read from the cache ({format_tokens(usage.cache_read_input_tokens)} tokens)"
        elif usage.cache_creation_input_tokens:
            written = format_tokens(usage.cache_creation_input_tokens)
            what = f"Documents written to the cache ({written} tokens)"
        else:
            what = "Not cached"
        state = cache_state(turns, chat.last_asked(conv))  # the estimate's rule of warm and cold too
        self.warm_until = None if state is None else state.until
        left = None if self.warm_until is None else self.warm_until - chat.now()
        if state is not None and state.ttl is not None and left is not None and left > 0:
            warmth = f"warm {_clock_text(left)} more ({TTL_WORDS[state.ttl]} TTL)"
            self._timer.start()
        else:
            warmth = "cache expired" if cached else ""
            self._timer.stop()
        saved = self._saved_text(last, turns)
        text = " · ".join(p for p in (what, warmth, saved) if p)
        self._show(text, tip)

    def _saved_text(self, last: Turn, turns: Sequence[Turn]) -> str:
        assert last.usage is not None
        usages = [t.usage for t in turns if t.usage is not None]
        if not self._services.priced:
            this, total = tokens_saved(last.usage), sum(tokens_saved(u) for u in usages)
            return _saved_words(this, total, lambda n: f"{format_tokens(abs(round(n)))} tokens' worth")
        fmt = self._services.format_usd
        cost = turn_cost(last.usage, last.model, self._services.prices)
        if cost is None:
            return "price unknown"
        costs = [turn_cost(t.usage, t.model, self._services.prices) for t in turns if t.usage is not None]
        saved_all = sum((c.saved for c in costs if c is not None), 0.0)
        return _saved_words(cost.saved, saved_all, lambda n: fmt(abs(n)))

    def _show(self, text: str, tip: str) -> None:
        self.label.setText(text)  # one line, cut to the width: whole in the tooltip, with the detail
        self.label.setToolTip(f"{text}\n\n{tip}" if text else "")
        self.label.setVisible(bool(text))

    def stop(self) -> None:
        self._timer.stop()
