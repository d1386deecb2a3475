"""How long to wait between polls of a batch: grows while nothing changes, resets on progress, and
backs off harder while the network is down. Pure; the UI's controller owns the timer."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PollBackoff"]


@dataclass
class PollBackoff:
    """``next(progressed)`` -> seconds until the next poll.

    Starts at ``first`` seconds, multiplies by ``factor`` after each poll that saw no progress, up to
    ``cap``; a poll that saw progress goes back to ``first``. ``failed()`` (network down, 5xx) doubles
    the wait up to ``failure_cap``. Batches take minutes to hours, so the defaults poll every 5 s at
    first and at most every 5 minutes.
    """

    first: float = 5.0
    factor: float = 1.6
    cap: float = 300.0
    failure_cap: float = 600.0
    _delay: float = 0.0

    def next(self, progressed: bool = False) -> float:
        if progressed or self._delay <= 0:
            self._delay = self.first
        else:
            self._delay = min(self.cap, self._delay * self.factor)
        return self._delay

    def failed(self) -> float:
        self._delay = min(self.failure_cap, max(self.first, self._delay) * 2)
        return self._delay

    def reset(self) -> None:
        self._delay = 0.0
