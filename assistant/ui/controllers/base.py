"""What every controller shares: its tasks are its own, and a closed controller hears nothing more.

``Controller.run(...)`` starts a one-shot task on the runner like ``TaskRunner.run`` does, but keeps it
until it ends and wraps its callbacks: once ``close()`` has been called (the window closed), the tasks
are cancelled and any result, failure or item still on its way is dropped, so no slot of a closing
window runs on a catalog that may be closed already. ``on_ended`` still runs, for bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import Task, TaskRunner

__all__ = ["Controller"]

T = TypeVar("T")
Y = TypeVar("Y")


class Controller(QObject):
    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._tasks: set[Task[Any]] = set()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def running(self) -> frozenset[Task[Any]]:
        """This controller's tasks that have not ended yet."""
        return frozenset(self._tasks)

    def run(
        self,
        work: Callable[[CancelToken], T],
        *,
        on_result: Callable[[T], object] | None = None,
        on_failed: Callable[[ApiFailure], object] | None = None,
        on_ended: Callable[[], object] | None = None,
        name: str = "",
    ) -> Task[T] | None:
        """Start ``work`` in a worker; None once closed (nothing is started)."""
        if self._closed:
            return None
        task = self._runner.task(work, name=name)
        self._own(task, on_ended)
        if on_result is not None:
            task.signals.result.connect(self._live(on_result))
        if on_failed is not None:
            task.signals.failed.connect(self._live(on_failed))
        return task.start()

    def stream(
        self,
        work: Callable[[CancelToken], Iterator[Y]],
        *,
        on_item: Callable[[Y], object] | None = None,
        on_ended: Callable[[], object] | None = None,
        name: str = "",
    ) -> Task[Y] | None:
        """A generator task, not yet started (connect more, then ``start()``); None once closed."""
        if self._closed:
            return None
        task = self._runner.stream(work, name=name)
        self._own(task, on_ended)
        if on_item is not None:
            task.signals.item.connect(self._live(on_item))
        return task

    def close(self) -> None:
        """Cancel every task of this controller; late results are dropped from now on."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()

    def _own(self, task: Task[Any], on_ended: Callable[[], object] | None) -> None:
        self._tasks.add(task)

        def ended() -> None:
            self._tasks.discard(task)
            if on_ended is not None:
                on_ended()

        task.signals.ended.connect(ended)

    def _live(self, slot: Callable[..., object]) -> Callable[..., None]:
        def call(*args: object) -> None:
            if not self._closed:
                slot(*args)

        return call
