"""``TurnWriter``: saves a streamed answer as it grows, then its final state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.catalog.records import Citation, Turn, TurnState, Usage
from assistant.catalog.turns import Turns

__all__ = ["TurnWriter"]


@dataclass
class TurnWriter:
    """Saves a growing answer at most every ``interval`` seconds, then its final state.

    Used from the worker that streams the answer: ``append`` after each text delta; the text that
    arrived in the last ``interval`` seconds is all a crash can lose. ``store`` is a ``Store``.
    """

    store: Turns
    turn_id: int
    interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _last_save: float = field(default=-1e18, repr=False)
    _dirty: bool = field(default=False, repr=False)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def append(self, text: str) -> None:
        self.parts.append(text)
        self._dirty = True
        self._maybe_save()

    def add_citation(self, citation: Citation) -> None:
        self.citations.append(citation)
        self._dirty = True
        self._maybe_save()

    def _maybe_save(self) -> None:
        if self.clock() - self._last_save >= self.interval:
            self.flush()

    def flush(self) -> None:
        if self._dirty:
            text = self.text
            self.parts[:] = [text]
            self.store.save_partial(self.turn_id, text, self.citations)
            self._dirty = False
        self._last_save = self.clock()

    def complete(self, usage: Usage | None, cost_usd: float | None, stop_reason: str | None = None) -> Turn:
        """Complete as the API said; ``stop_reason`` "max_tokens" is an answer cut at the length limit."""
        return self._finish(TurnState.COMPLETE, usage, cost_usd, stop_reason=stop_reason)

    def interrupt(self, usage: Usage | None = None, cost_usd: float | None = None) -> Turn:
        return self._finish(TurnState.INCOMPLETE, usage, cost_usd)

    def fail(self, message: str) -> Turn:
        return self._finish(TurnState.FAILED, None, None, error=message)

    def _finish(
        self,
        state: TurnState,
        usage: Usage | None,
        cost_usd: float | None,
        error: str | None = None,
        stop_reason: str | None = None,
    ) -> Turn:
        return self.store.finish_turn(
            self.turn_id,
            state=state,
            answer=self.text,
            citations=self.citations,
            usage=usage,
            cost_usd=cost_usd,
            error=error,
            stop_reason=stop_reason,
        )
