"""Which cache TTL each conversation's questions go out with, and when they went out (for the pauses
the automatic choice judges, and the cache meter's countdown). Thread-safe: the chat service builds
requests in workers while the pane reads the last choice."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence

from assistant.api.estimate import TtlChoice, choose_ttl
from assistant.api.pricing import PriceList, load_prices
from assistant.catalog import Turn

__all__ = ["TtlKeeper"]


class TtlKeeper:
    def __init__(
        self, setting: str | Callable[[], str], clock: Callable[[], float], prices: PriceList | None
    ) -> None:
        self._setting = setting
        self._clock = clock
        self._prices = prices
        self._lock = threading.Lock()
        self._asked: dict[int, list[float]] = {}  # conversation -> when its questions went out
        self._choices: dict[int, TtlChoice] = {}

    def setting(self) -> str:
        return self._setting() if callable(self._setting) else self._setting

    def record_ask(self, conversation_id: int, earlier: Sequence[Turn]) -> None:
        with self._lock:
            times = self._asked.get(conversation_id)
            if times is None:  # first question this session: the pauses so far, from the catalog
                times = [t.created_at.timestamp() for t in earlier]
            self._asked[conversation_id] = [*times[-20:], self._clock()]

    def last_asked(self, conversation_id: int) -> float | None:
        with self._lock:
            times = self._asked.get(conversation_id)
            return times[-1] if times else None

    def last(self, conversation_id: int) -> TtlChoice:
        with self._lock:
            choice = self._choices.get(conversation_id)
        return choice if choice is not None else choose_ttl(self.setting(), [], None, 0)

    def choose(
        self, conversation_id: int, model: str, history: Sequence[Turn], *, asking_now: bool = False
    ) -> TtlChoice:
        """The TTL for a request of this conversation; ``asking_now``: a question not asked yet (its
        pause runs up to now; the choice is not kept as the conversation's last)."""
        with self._lock:
            times = list(self._asked.get(conversation_id, []))
        if asking_now and times:
            times.append(self._clock())
        pauses = [b - a for a, b in itertools.pairwise(times)]
        used = next((t.usage for t in reversed(history) if t.usage is not None), None)
        prefix = None if used is None else used.total_input_tokens
        minimum = (self._prices or load_prices()).min_cache_tokens(model)
        choice = choose_ttl(self.setting(), pauses, prefix, minimum)
        if not asking_now:
            with self._lock:
                self._choices[conversation_id] = choice
        return choice
