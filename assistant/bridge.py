"""The one bridge from worker threads to Qt signals (the only module below the UI that imports Qt).

Modelled on superqt's ``_qthreading``: a ``QRunnable`` runs the work on a thread pool and reports
through a separate signals ``QObject`` that lives on the GUI thread, so every slot runs on the GUI
thread. Work is plain Python that receives a ``CancelToken``; it never touches a widget.

Public API::

    runner = TaskRunner(max_threads=8, parent=None)    # create on the GUI thread, one per app

    task = runner.task(fn)        # one-shot: fn(token) -> T
    task = runner.stream(gen_fn)  # generator: gen_fn(token) -> Iterator[Y]
    # connect BEFORE start (signals emitted before a connection exists are lost):
    task.signals.result(object)    one-shot only: the return value
    task.signals.progress(object)  whatever the work passes to ``task.report(value)`` (e.g. bytes sent)
    task.signals.item(object)      generator only: each yielded item, in order
    task.signals.items(object)     generator only: the same items as lists, as they reach the GUI thread
                                   together (emitted just before their ``item`` signals); connect one
    task.signals.finished()        generator only: ran to the end
    task.signals.failed(object)    an ``ApiFailure`` (any exception is translated by ``to_failure``)
    task.signals.cancelled()       stopped because ``task.cancel()`` was called (or work raised Cancelled)
    task.signals.ended()           always last, whatever happened
    task.start() -> task

    # or in one call (callbacks are connected before the task starts):
    runner.run(fn, on_result=..., on_failed=..., on_cancelled=..., on_ended=...)
    runner.run_stream(gen_fn, on_item=..., on_finished=..., on_failed=..., on_cancelled=..., on_ended=...)

    task.cancel()       # sets the token: generators stop before their next item, an item produced
                        # after cancel() is dropped, and the generator is closed
                        # (its ``with``/``finally`` blocks close connections); one-shot work stops
                        # where it checks the token
    task.report(value)  # from the work: progress, e.g.
                        #   t = runner.task(lambda tok: files.upload(p, cancel=tok, progress=t.report))
    task.token, task.is_running, task.wait(timeout_s)   # wait() is for tests and shutdown
    runner.running      # tasks started and not yet ended (kept referenced until then)
    runner.shutdown(timeout_ms=10000) -> bool   # cancel everything and wait for the threads

Exactly one of result/finished, failed, cancelled is emitted per task, then ``ended``. A one-shot whose
work completed delivers its result even if cancel() came too late to stop it. Everything reaches the
GUI thread in the order the work produced it; items are coalesced (see ``TaskSignals``), so the first
item after a pause arrives at once and a fast stream arrives in batches every ~10 ms.

PySide6 6.12.0's ``emit()`` drops a reference to ``True`` per call and aborts Python 3.11 after a few
hundred emits; pyproject.toml keeps PySide6 below 6.12 and ``tests/core/test_bridge.py`` checks it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QMetaMethod, QObject, QRunnable, QThreadPool, QTimer, Signal

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind, to_failure

__all__ = ["Task", "TaskRunner", "TaskSignals"]

log = logging.getLogger(__name__)


T = TypeVar("T")
Y = TypeVar("Y")


_TERMINAL = frozenset({"result", "finished", "failed", "cancelled", "ended"})


class TaskSignals(QObject):
    """What a task reports, delivered on the thread this object lives on (the GUI thread).

    Everything the worker reports goes through one ordered queue, so the order on the GUI thread is
    the order of the work. Items are coalesced: the first item after a quiet spell wakes the GUI thread
    at once; while items keep coming, the GUI thread takes them in batches every ``COALESCE_MS``
    (``items`` with the list, then ``item`` for each). A fast stream thus costs a few cross-thread
    wake-ups instead of one per item (and far less GIL ping-pong with the worker); the end of a task
    (result, finished, failed, cancelled, ended) is delivered at once, after every item before it.
    """

    COALESCE_MS = 10

    result = Signal(object)
    progress = Signal(object)
    item = Signal(object)
    items = Signal(object)
    finished = Signal()
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()
    _wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: list[tuple[str, object]] = []
        self._scheduled = False
        self._gone = False  # the object was deleted under the worker (the app quit): nothing to tell
        self._wake.connect(self._drain)  # emitted by the worker: queued to this object's thread

    def _post(self, kind: str, value: object = None) -> None:
        """From the worker thread: queue one report; wake the GUI thread unless a drain is due anyway.

        A worker still running when the app quits outlives this object (PySide deletes the QObjects
        Python owns as the application goes): its reports are then dropped, as no one is left to
        read them, instead of raising into the worker."""
        with self._lock:
            if self._gone:
                return
            self._pending.append((kind, value))
            if self._scheduled and kind not in _TERMINAL:
                return
            self._scheduled = True
        try:
            self._wake.emit()
        except RuntimeError:
            if shiboken6.isValid(self):
                raise
            with self._lock:
                self._gone = True
            log.debug("task signals deleted (the app quit): %s dropped", kind)

    def _drain(self) -> None:
        """On the GUI thread: deliver what is pending, in order."""
        with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                self._scheduled = False
                return
        run: list[object] = []
        terminal = False
        for kind, value in batch:
            if kind == "item":
                run.append(value)
                continue
            self._deliver_items(run)
            run = []
            terminal = terminal or kind in _TERMINAL
            if kind in ("finished", "cancelled", "ended"):
                getattr(self, kind).emit()
            else:
                getattr(self, kind).emit(value)
        self._deliver_items(run)
        if terminal:
            with self._lock:
                self._scheduled = bool(self._pending)
            return
        # More may be coming: look again shortly instead of being woken for every item.
        QTimer.singleShot(self.COALESCE_MS, self._drain)

    def _deliver_items(self, run: list[object]) -> None:
        if run:
            self.items.emit(run)
            if self.isSignalConnected(QMetaMethod.fromSignal(self.item)):
                for value in run:
                    self.item.emit(value)


class _Runnable(QRunnable):
    def __init__(self, task: Task[Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it; the task keeps it referenced
        self._task = task

    def run(self) -> None:
        self._task._execute()


class Task(Generic[T]):
    """One piece of background work and its signals. Create through ``TaskRunner``."""

    def __init__(
        self, runner: TaskRunner, fn: Callable[[CancelToken], Any], *, generator: bool, name: str = ""
    ) -> None:
        self._runner = runner
        self._fn = fn
        self._generator = generator
        self.name = name or getattr(fn, "__qualname__", "task")
        self.token = CancelToken()
        self.signals = TaskSignals()
        self._runnable = _Runnable(self)
        self._started = False
        self._done = threading.Event()

    def __repr__(self) -> str:
        return f"<Task {self.name} {'running' if self.is_running else 'idle'}>"

    @property
    def is_running(self) -> bool:
        return self._started and not self._done.is_set()

    def start(self) -> Task[T]:
        if self._started:
            raise RuntimeError("a task can only be started once")
        self._started = True
        self._runner._register(self)
        return self

    def cancel(self) -> None:
        self.token.cancel()

    def report(self, value: object) -> None:
        """From the work (any thread): emit ``signals.progress(value)`` on the GUI thread."""
        if not self.token.is_cancelled():
            self.signals._post("progress", value)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has returned (signals may still be queued for the GUI thread)."""
        return self._done.wait(timeout)

    def _execute(self) -> None:
        signals = self.signals
        token = self.token
        try:
            if token.cancelled:
                signals._post("cancelled")
            elif self._generator:
                self._execute_generator(signals, token)
            else:
                result = self._fn(token)
                signals._post("result", result)
        except Cancelled:
            signals._post("cancelled")
        except BaseException as exc:
            failure = to_failure(exc)
            if failure.kind is FailureKind.CANCELLED:
                signals._post("cancelled")
            else:
                if not isinstance(exc, ApiFailure) and failure.kind is FailureKind.LOCAL:
                    log.error("task %s failed", self.name, exc_info=exc)
                else:
                    log.info("task %s failed: %s", self.name, failure)
                signals._post("failed", failure)
        finally:
            self._done.set()
            signals._post("ended")

    def _execute_generator(self, signals: TaskSignals, token: CancelToken) -> None:
        gen: Iterator[Any] = self._fn(token)
        try:
            for item in gen:
                if token.is_cancelled():
                    break  # produced after cancel(): dropped
                signals._post("item", item)
                if token.is_cancelled():
                    break
        finally:
            close = getattr(gen, "close", None)
            if close is not None:
                close()  # runs the generator's finally/with blocks: connections close here
        if token.cancelled:
            signals._post("cancelled")
        else:
            signals._post("finished")


class TaskRunner(QObject):
    """Runs tasks on its own thread pool and keeps each one referenced until it has ended."""

    def __init__(self, max_threads: int = 8, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, max_threads))
        self._running: set[Task[Any]] = set()
        self._closed = False

    @property
    def running(self) -> frozenset[Task[Any]]:
        return frozenset(self._running)

    def task(self, fn: Callable[[CancelToken], T], *, name: str = "") -> Task[T]:
        return Task(self, fn, generator=False, name=name)

    def stream(self, fn: Callable[[CancelToken], Iterator[Y]], *, name: str = "") -> Task[Y]:
        return Task(self, fn, generator=True, name=name)

    def run(
        self,
        fn: Callable[[CancelToken], T],
        *,
        on_result: Callable[[T], object] | None = None,
        on_failed: Callable[[ApiFailure], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
        on_ended: Callable[[], object] | None = None,
        name: str = "",
    ) -> Task[T]:
        task = self.task(fn, name=name)
        _connect(task, result=on_result, failed=on_failed, cancelled=on_cancelled, ended=on_ended)
        return task.start()

    def run_stream(
        self,
        fn: Callable[[CancelToken], Iterator[Y]],
        *,
        on_item: Callable[[Y], object] | None = None,
        on_finished: Callable[[], object] | None = None,
        on_failed: Callable[[ApiFailure], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
        on_ended: Callable[[], object] | None = None,
        name: str = "",
    ) -> Task[Y]:
        task = self.stream(fn, name=name)
        _connect(
            task, item=on_item, finished=on_finished, failed=on_failed, cancelled=on_cancelled, ended=on_ended
        )
        return task.start()

    def _register(self, task: Task[Any]) -> None:
        if self._closed:
            raise RuntimeError("the task runner has shut down")
        self._running.add(task)
        # Queued to this object's (GUI) thread, after every other signal of the task.
        task.signals.ended.connect(lambda: self._running.discard(task))
        self._pool.start(task._runnable)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every task and wait for the threads (call when quitting). True if all stopped."""
        self._closed = True
        self.cancel_all()
        done = bool(self._pool.waitForDone(timeout_ms))
        if not done:
            log.warning("%d background tasks did not stop in time", self._pool.activeThreadCount())
        return done


def _connect(task: Task[Any], **slots: Callable[..., object] | None) -> None:
    for name, slot in slots.items():
        if slot is not None:
            getattr(task.signals, name).connect(slot)
