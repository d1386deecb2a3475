"""``CostLine``: the review's cost line (``reviewCost``): what the review cost so far, then what the cells
still to run will cost, or, while cells run, what is in flight. It has the panel's width and wraps to a
second line rather than being cut; its tooltip says how the figures are counted."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from assistant.review import BatchProgress
from assistant.ui.review.texts import in_flight

__all__ = ["CostLine"]


class CostLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewCost")
        self.setAccessibleName("Review cost")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(120)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.before: tuple[str, str] | None = None  # what the cells still to run will cost
        self.after: tuple[str, str] | None = None  # what the review cost so far
        self.running = False  # a batch of the review on show is open, or cells run now
        self._flight: tuple[list[BatchProgress], bool] = ([], False)

    def set_line(self, text: str, tip: str) -> None:
        self.setText(text)
        self.setToolTip(tip)  # how it is counted (the line itself is shown whole)

    def reset(self) -> None:
        """Another review: nothing is known of its cost yet."""
        self.before = self.after = None
        self.set_line("", "")

    def counting(self) -> None:
        if self.after is None and not self.running:
            self.set_line("Counting what it costs…", "")

    def estimated(self, line: tuple[str, str]) -> None:
        if not self.running:  # (counted before the run started: the cells it counted are in flight)
            self.before = line
            self.show_cost()

    def cost_known(self, line: tuple[str, str]) -> None:
        self.after = line
        self.show_cost()

    def set_running(self, running: bool, progresses: Iterable[BatchProgress], *, now: bool) -> None:
        if running:  # what was to run is running: its estimate is spent
            self.before = None
        self.running = running
        self.flight(progresses, now=now)

    def flight(self, progresses: Iterable[BatchProgress], *, now: bool) -> None:
        """What is in flight changed (a batch's counts, cells asked now)."""
        self._flight = (list(progresses), now)
        self.show_cost()

    def show_cost(self) -> None:
        """What it cost so far first, then what the cells still to run will cost (or what runs)."""
        batches, now = self._flight
        flight = in_flight(batches, now=now) if self.running and self.before is None else None
        parts = [p for p in (self.after, flight or self.before) if p is not None and p[0]]
        nothing_to_run = self.before is not None and self.before[0].startswith("Nothing")
        if flight is None and self.after is not None and nothing_to_run:
            parts = [self.after]
        if len(parts) == 2:
            joint = " · " if flight is not None else " · to run: "
            self.set_line(f"{parts[0][0]}{joint}{parts[1][0]}", f"{parts[0][1]}\n\n{parts[1][1]}")
        elif parts:
            self.set_line(*parts[0])
        else:
            self.set_line("What it cost follows from the answers' usage.", "")
