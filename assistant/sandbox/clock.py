"""The sandbox's clock: real time plus an offset that tests can move (file expiry, cache TTLs)."""

from __future__ import annotations

import threading
import time


class Clock:
    """Seconds since the epoch. Runs with real time; `advance` and `set` move it for tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative number) by `seconds`."""
        with self._lock:
            self._offset += seconds

    def set(self, timestamp: float) -> None:
        """Make `now()` answer `timestamp` from this moment on (it keeps running from there)."""
        with self._lock:
            self._offset = timestamp - time.time()

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = 0.0
