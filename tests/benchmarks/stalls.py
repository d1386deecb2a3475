"""Shared by the window benchmarks: the GUI thread's longest stall (a 5 ms timer probe, with its idle
baseline), and the sandbox in its own process, so that its threads do not share the measured
process's GIL (as the real API would not)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

ROOT = Path(__file__).resolve().parents[2]
BENCH_KEY = "sk-ant-bench-0000"


class StallProbe(QObject):
    """A 5 ms timer on the GUI thread; the longest gap between two ticks is the longest stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> float:
        self.timer.stop()
        return self.worst

    def idle(self, qtbot: Any, ms: int = 1000) -> float:
        """The baseline: the longest stall while the GUI thread does nothing else for ``ms``."""
        self.start()
        qtbot.wait(ms)
        return self.stop()

    def measure(self) -> float:
        """Starts probing; returns the time it started (``time.perf_counter()``)."""
        self.start()
        return time.perf_counter()


@contextmanager
def sandbox_in_process(data_dir: Path, *args: str) -> Iterator[tuple[str, str]]:
    """``python -m assistant.sandbox`` (with ``args``) in its own process; yields its base URL and key."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.sandbox",
            "--data-dir",
            str(data_dir),
            "--api-key",
            BENCH_KEY,
            *args,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), base_url
        yield base_url, BENCH_KEY
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
